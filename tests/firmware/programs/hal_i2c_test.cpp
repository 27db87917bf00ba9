// rp2040::I2cBus in the emulator against devices the harness simulates (tests/firmware/hal_i2c.test.mjs):
// an HTU21D at 0x40 read through drivers::HTU21D (°C and %RH with CRC), a bad CRC, a NACK at an absent
// address, a 24-byte register device at 0x50 (writes and reads longer than the 16-entry FIFOs, an SMBus
// block read), and a device at 0x51 that never answers (the time limit aborts the transfer in flight; the
// bus then works again). One "name result" line per step on the console.
#include <array>

#include "aiopi/aiopi.hpp"
#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/i2c.hpp"

namespace rp = aiopi::rp2040;
namespace hal = aiopi::hal;
using namespace std::chrono_literals;

namespace {

void say(std::string_view s) {
  rp::console_write(s);
}
void num(std::uint32_t v) {
  rp::console_write_u32(v);
}
void result(std::string_view name, const hal::IoError& e) {
  say(name);
  say(" ");
  say(hal::to_string(e.kind));
  say("\r\n");
}
void centi(float v) {  // v * 100 rounded, as a signed decimal
  const long c = static_cast<long>(v * 100.0f + (v < 0 ? -0.5f : 0.5f));  // no libm in the image
  if (c < 0) say("-");
  num(static_cast<std::uint32_t>(c < 0 ? -c : c));
}

aiopi::Task<int> i2c_test() {
  rp::I2cBus bus(aiopi::Loop::running(), 4, 5, 400'000);
  aiopi::drivers::HTU21D htu(bus);

  hal::IoResult<aiopi::drivers::HTU21DReading> r = co_await htu.read();
  if (!r) {
    result("htu", r.error());
  } else {
    say("htu T=");
    centi(r->temperature_c);
    say(" RH=");
    centi(r->humidity_rh);
    say("\r\n");
  }
  hal::IoResult<std::uint8_t> ureg = co_await htu.user_register();
  say("user_register ");
  num(ureg.value_or(0xee));
  say("\r\n");
  hal::IoResult<aiopi::drivers::HTU21DReading> bad = co_await htu.read();  // the harness corrupts this CRC
  result("htu_crc", bad ? hal::IoError{} : bad.error());

  hal::IoResult<std::uint8_t> absent = co_await bus.read_byte_data(0x41, 0x00);
  result("absent", absent ? hal::IoError{} : absent.error());

  // 0x50: a register file (the first byte written is the register, then data; reads continue from it).
  std::array<std::uint8_t, 21> wr{};
  wr[0] = 2;
  for (std::size_t i = 1; i < wr.size(); ++i)
    wr[i] = static_cast<std::uint8_t>(0xa0 + i);
  hal::IoResult<void> w = co_await bus.write(0x50, wr);
  result("write20", w.error());
  std::array<std::uint8_t, 1> reg0{0};
  std::array<std::uint8_t, 24> rd{};
  hal::IoResult<void> wrd = co_await bus.write_read(0x50, reg0, rd);
  say("read24");
  if (!wrd) say(" failed");
  for (std::uint8_t b : rd) {
    say(" ");
    num(b);
  }
  say("\r\n");
  std::array<std::uint8_t, 32> block{};
  hal::IoResult<std::size_t> n = co_await bus.read_block_data(0x50, 0x80, block);  // count 5 at 0x80
  say("block ");
  if (!n) {
    say(hal::to_string(n.error().kind));
  } else {
    num(static_cast<std::uint32_t>(*n));
    for (std::size_t i = 0; i < *n; ++i) {
      say(" ");
      num(block[i]);
    }
  }
  say("\r\n");
  hal::IoResult<std::size_t> n0 = co_await bus.read_block_data(0x50, 0x90, block);  // count 0 at 0x90
  say("block0 ");
  if (n0)
    num(static_cast<std::uint32_t>(*n0));
  else
    say(hal::to_string(n0.error().kind));
  say("\r\n");

  // 0x51 holds SCL for ever on a read: the time limit aborts the transfer in flight.
  std::array<std::uint8_t, 2> hung{};
  hal::IoResult<void> h = co_await bus.read(0x51, hung).timeout(5ms);
  result("hung", h.error());
  hal::IoResult<std::uint8_t> after = co_await bus.read_byte_data(0x50, 3);
  say("after ");
  if (after)
    num(*after);
  else
    say(hal::to_string(after.error().kind));
  say("\r\n");

  // Cancellation: a transfer stalled at 0x51 (no time limit) and one queued behind it; both tasks are
  // cancelled. The queued one just leaves the queue, the running one is aborted on the wire; the bus is
  // usable again once the harness lets the stalled byte finish.
  auto stalled = aiopi::create_task([](rp::I2cBus& b) -> aiopi::Task<int> {
    std::array<std::uint8_t, 2> in{};
    hal::IoResult<void> res = co_await b.read(0x51, in).timeout(aiopi::Duration::max());
    co_return res ? 0 : 1;
  }(bus));
  auto queued = aiopi::create_task([](rp::I2cBus& b) -> aiopi::Task<int> {
    hal::IoResult<std::uint8_t> res = co_await b.read_byte_data(0x50, 4);
    co_return res ? 0 : 1;
  }(bus));
  co_await aiopi::sleep_ms(2);
  const bool both_waiting = !stalled.done() && !queued.done();
  queued.cancel();
  stalled.cancel();
  co_await aiopi::sleep_ms(1);
  say("cancelled ");
  say(both_waiting && stalled.cancelled() && queued.cancelled() ? "both" : "no");
  say("\r\n");
  hal::IoResult<std::uint8_t> again = co_await bus.read_byte_data(0x50, 4);
  say("again ");
  if (again)
    num(*again);
  else
    say(hal::to_string(again.error().kind));
  say("\r\n");
  co_return 0;
}

}  // namespace

int main() {
  return aiopi::run(i2c_test());
}
