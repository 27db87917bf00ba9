// aiopi-pico on the RP2040: the tether server on UART0 (GP0 TX / GP1 RX, 115200 8N1) with the RP2040 board,
// which lends the HAL objects of platform/rp2040 (GPIO, PWM, ADC, I2C) to the device table out of static
// storage (an output and a PWM slot per GPIO, 16 input slots, one per ADC channel and I2C block), no heap.
//
// Boot: "#aiopi-pico 0.1.0 ready" on UART0, then requests (docs/design/pico-tether.md). `boot` in
// daemon.info is the TIMER's low 32 bits at start-up mixed with the ROSC's random bit: it differs from one
// reset to the next, which is all the daemon needs to notice a restart.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "aiopi/aiopi.hpp"
#include "aiopi/pico/board.hpp"
#include "aiopi/pico/tether_server.hpp"
#include "aiopi/rp2040/adc.hpp"
#include "aiopi/rp2040/backend.hpp"
#include "aiopi/rp2040/gpio.hpp"
#include "aiopi/rp2040/i2c.hpp"
#include "aiopi/rp2040/pwm.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "aiopi/rp2040/uart.hpp"

namespace aiopi::pico {
namespace {

namespace rp = aiopi::rp2040;

/// The RP2040's pins for the device table. It checks what the rp2040 classes would refuse with a usage error
/// (a pin pair of two I2C blocks, a PWM channel already driven through its twin pin GPn±16) and says why.
class Rp2040Board final : public Board {
 public:
  explicit Rp2040Board(Loop& loop) noexcept : loop_(loop) {}

  hal::IoResult<hal::DigitalOutput*> open_output(unsigned pin, const hal::OutputConfig& config) override {
    if (pin >= kPins) return no_pin();
    return static_cast<hal::DigitalOutput*>(&outputs_[pin].emplace(pin, config));
  }
  hal::IoResult<hal::DigitalInput*> open_input(unsigned pin, const hal::InputConfig& config) override {
    if (pin >= kPins) return no_pin();
    // A pool as big as the device table (a GpioInput carries its edge ring: ~1.6 KB), not one per GPIO.
    for (auto& slot : inputs_)
      if (!slot) return static_cast<hal::DigitalInput*>(&slot.emplace(loop_, pin, config));
    return hal::io_error(hal::IoErrc::busy, "every input slot is in use");
  }
  hal::IoResult<hal::PwmOutput*> open_pwm(unsigned pin) override {
    if (pin >= kPins) return no_pin();
    // GPn and GPn+16 drive the same slice channel (datasheet 4.5.2, "GPIO to PWM channel" table).
    const unsigned twin = pin >= 16 ? pin - 16 : pin + 16;
    if (twin < kPins && pwms_[twin])
      return hal::io_error(hal::IoErrc::busy, "its PWM channel is driven through GPn+-16 already");
    return static_cast<hal::PwmOutput*>(&pwms_[pin].emplace(pin));
  }
  hal::IoResult<hal::AdcChannel*> open_adc(unsigned channel) override {
    if (channel > 4) return hal::io_error(hal::IoErrc::invalid_argument, "ADC channels are 0-3 and 4");
    return static_cast<hal::AdcChannel*>(&adcs_[channel].emplace(channel));
  }
  hal::IoResult<hal::I2cBus*> open_i2c(unsigned sda, unsigned scl, std::uint32_t hz) override {
    // GPn is I2C((n / 2) % 2), SDA on even pins, SCL on odd ones (datasheet 2.19.2, function table).
    if (sda >= kPins || scl >= kPins || sda % 2 != 0 || scl % 2 != 1 || (sda / 2) % 2 != (scl / 2) % 2)
      return hal::io_error(hal::IoErrc::invalid_argument,
                           "not an I2C pin pair (SDA an even GP, SCL an odd GP of the same block: GPn is "
                           "I2C(n/2 mod 2))");
    const unsigned block = (sda / 2) % 2;
    if (buses_[block]) return hal::io_error(hal::IoErrc::busy, "that I2C block is in use by another device");
    return static_cast<hal::I2cBus*>(&buses_[block].emplace(loop_, sda, scl, hz));
  }

  void close(hal::DigitalOutput& o) noexcept override { release(outputs_, &o); }
  void close(hal::DigitalInput& i) noexcept override { release(inputs_, &i); }
  void close(hal::PwmOutput& p) noexcept override { release(pwms_, &p); }
  void close(hal::AdcChannel& a) noexcept override { release(adcs_, &a); }
  void close(hal::I2cBus& b) noexcept override { release(buses_, &b); }

 private:
  static constexpr unsigned kPins = 30;

  static hal::IoError no_pin() { return hal::io_error(hal::IoErrc::invalid_argument, "no such GPIO"); }
  /// Destroys the object of `slots` at `object` (which hands its pins back).
  template <class Slot, std::size_t N, class T>
  static void release(Slot (&slots)[N], T* object) noexcept {
    for (Slot& slot : slots)
      if (slot && static_cast<T*>(&*slot) == object) slot.reset();
  }

  Loop& loop_;
  std::optional<rp::GpioOutput> outputs_[kPins];
  std::optional<rp::PwmOutput> pwms_[kPins];
  std::optional<rp::GpioInput> inputs_[DeviceTable::kMaxDevices];
  std::optional<rp::AdcChannel> adcs_[5];
  std::optional<rp::I2cBus> buses_[2];
};

hal::StreamStorage<1024, 4096> g_tether_buffers;

std::uint32_t pick_boot_number() noexcept {
  // ROSC RANDOMBIT (datasheet 2.17.8, ROSC base + 0x1c): a jittery bit; 32 reads spread over the start-up
  // time give a number unlikely to repeat across resets, mixed with the TIMER's microseconds since reset.
  constexpr std::uintptr_t kRoscRandomBit = 0x40060000u + 0x1cu;
  std::uint32_t n = static_cast<std::uint32_t>(rp::time_us());
  for (int i = 0; i < 32; ++i)
    n = (n << 1 | (n >> 31)) ^ (*reinterpret_cast<volatile std::uint32_t*>(kRoscRandomBit) & 1u);
  return n;
}

Task<int> serve() {
  Loop& loop = Loop::running();
  static Rp2040Board board(loop);
  static rp::Uart uart0(loop, 0, 1, g_tether_buffers, {.baud = 115200});
  static TetherServer server(uart0, loop, board, pick_boot_number());
  // The daemon may close the port and come back: the server ends at EOF only, which a UART never gives, so
  // this returns only if the stream fails for good.
  co_await server.run();
  co_return 1;
}

}  // namespace
}  // namespace aiopi::pico

int main() {
  return aiopi::run(aiopi::pico::serve());
}
