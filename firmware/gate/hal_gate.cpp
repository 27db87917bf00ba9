// Compiles the HAL interfaces for the RP2040 (-fno-exceptions -fno-rtti, no OS headers): a minimal backend of
// each interface and a task that uses every awaitable, so that the templates are instantiated here. Nothing
// calls it yet (the Pico's GPIO/I2C backends come with the firmware issue); the link drops it.
#include "aiopi/hal/hal.hpp"
#include "aiopi/task.hpp"

namespace aiopi::gate {
namespace {

class NullInput final : public hal::DigitalInput {
 public:
  NullInput() noexcept : hal::DigitalInput(hal::InputConfig{.edges = hal::EdgeMode::both}) {}
  hal::IoResult<bool> value() override { return false; }
  void edge(hal::Edge e, std::int64_t t) noexcept { edge_queue().push(e, t); }
};

class NullOutput final : public hal::DigitalOutput {
 public:
  NullOutput() noexcept : hal::DigitalOutput(hal::OutputConfig{}) {}
  hal::IoResult<void> set(bool v) override {
    level_ = v;
    return {};
  }
  hal::IoResult<bool> get() override { return level_; }

 private:
  bool level_ = false;
};

class NullBus final : public hal::I2cBus {
 protected:
  void submit(hal::I2cOp& op) noexcept override {
    complete(op, hal::io_error(hal::IoErrc::nack, default_message(hal::IoErrc::nack)));
  }
  void abort(hal::I2cOp&) noexcept override {}
};

class NullAdc final : public hal::AdcChannel {
 public:
  hal::IoResult<std::uint16_t> read_u16() override { return scale_to_u16(2048, 12); }
};

class NullPwm final : public hal::PwmOutput {
 public:
  hal::IoResult<void> set_period_ns(std::uint64_t p) override {
    period_ = p;
    return {};
  }
  hal::IoResult<void> set_duty_ns(std::uint64_t d) override {
    duty_ = d;
    return {};
  }
  hal::IoResult<void> enable(bool on) override {
    on_ = on;
    return {};
  }
  std::uint64_t period_ns() const noexcept override { return period_; }
  std::uint64_t duty_ns() const noexcept override { return duty_; }
  bool enabled() const noexcept override { return on_; }

 private:
  std::uint64_t period_ = 0, duty_ = 0;
  bool on_ = false;
};

/// A UART that loops its output back to its input, its rings in static storage (as the RP2040 backend's).
class LoopbackUart final : public hal::Uart, private hal::ByteTransport {
 public:
  LoopbackUart() noexcept : reader_(storage_.rx, this), writer_(storage_.tx, this) {}
  hal::StreamReader& reader() noexcept override { return reader_; }
  hal::StreamWriter& writer() noexcept override { return writer_; }
  const hal::UartConfig& config() const noexcept override { return config_; }
  hal::IoResult<void> set_config(const hal::UartConfig& c) override {
    auto ok = hal::validate(c);
    if (ok) config_ = c;
    return ok;
  }

 private:
  void resume_reading() noexcept override { write_ready(); }
  void write_ready() noexcept override {
    for (auto run = writer_.pending(); !run.empty(); run = writer_.pending()) {
      const std::size_t n = reader_.feed(run);
      if (n == 0) break;
      writer_.sent(n);
    }
  }
  void close() noexcept override {
    reader_.feed_eof();
    writer_.closed();
  }

  static inline hal::StreamStorage<64, 64> storage_;
  hal::UartConfig config_{};
  hal::StreamReader reader_;
  hal::StreamWriter writer_;
};

}  // namespace

Task<int> hal_gate_task() {
  NullInput in;
  NullOutput out;
  NullBus bus;
  NullAdc adc;
  NullPwm pwm;
  in.edge(hal::Edge::rising, 1);
  auto e = co_await in.next_edge();
  (void)out.set(e.ok());
  std::uint8_t buf[4] = {};
  const std::uint8_t reg[1] = {0};
  int errors = 0;
  errors += !(co_await bus.write(0x40, reg)).ok();
  errors += !(co_await bus.read(0x40, buf)).ok();
  errors += !(co_await bus.write_read(0x40, reg, buf)).ok();
  auto b = co_await bus.read_byte_data(0x40, 1).timeout(std::chrono::milliseconds(5));
  auto w = co_await bus.read_word_data(0x40, 2);
  auto n = co_await bus.read_block_data(0x40, 3, buf);
  errors += !b.ok() + !w.ok() + !n.ok();
  errors += !(co_await bus.write_block_data(0x40, 4, reg)).ok();
  errors += !adc.read_u16().ok() + !pwm.set_freq(1000).ok() + !pwm.set_duty_u16(100).ok();
  LoopbackUart uart;
  errors += !uart.writer().write("AT\r\n").ok();
  errors += !(co_await uart.writer().drain()).ok();
  errors += !(co_await uart.writer().write_all("OK\r\n")).ok();
  errors += !(co_await uart.reader().readline(buf)).ok();
  errors += !(co_await uart.reader().readuntil(buf, "\r\n")).ok();
  errors += !(co_await uart.reader().readexactly(std::span(buf).first(2))).ok();
  errors += !(co_await uart.reader().read(buf)).ok();
  uart.writer().close();
  errors += !(co_await uart.writer().wait_closed()).ok();
  co_return errors;
}

}  // namespace aiopi::gate
