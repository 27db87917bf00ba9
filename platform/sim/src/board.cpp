// The board facade on the simulated board (include/aiopi/board.hpp): sim devices registered with the
// current SimBoard.
#include "aiopi/board.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "aiopi/loop.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::board {
namespace {

sim::SimBoard& sim_board() {
  return sim::SimBoard::current();
}

// The RP2040's reference, so a program's volts read the same on the sim board as on the Pico.
constexpr float kAdcVoltsPerCount = 3.3f / 65535.0f;

}  // namespace

Output::Output(unsigned gpio, const hal::OutputConfig& config) : gpio_(gpio), line_(Loop::get(), config) {
  sim_board().add(gpio, line_);
}
Output::~Output() {
  sim_board().remove(&line_);
}

Input::Input(unsigned gpio, const hal::InputConfig& config)
    : gpio_(gpio), line_(Loop::get(), config, sim_board().initial_level(gpio)) {
  sim_board().add(gpio, line_);
}
Input::~Input() {
  sim_board().remove(&line_);
}

I2c::I2c(unsigned bus, unsigned /*sda*/, unsigned /*scl*/, std::uint32_t hz)
    : id_(bus), hz_(hz), bus_(Loop::get()) {
  sim_board().add(bus, bus_);
}
I2c::~I2c() {
  sim_board().remove(&bus_);
}

Uart::Uart(unsigned id, unsigned /*tx*/, unsigned /*rx*/, std::uint32_t baud)
    : id_(id), port_(Loop::get(), hal::UartConfig{.baud = baud}) {
  sim_board().add(id, port_);
}
Uart::~Uart() {
  if (sim_board().echoes_uart()) {
    const std::string text = port_.written_text();
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  sim_board().remove(&port_);
}

Pwm::Pwm(unsigned gpio, std::chrono::nanoseconds period) : gpio_(gpio), pwm_(Loop::get()) {
  if (period.count() <= 0) {
    error_ = hal::io_error(hal::IoErrc::invalid_argument, "board::Pwm: the period must be above 0");
  } else if (hal::IoResult<void> r = pwm_.set_period_ns(static_cast<std::uint64_t>(period.count())); !r) {
    error_ = r.error();
  } else if (hal::IoResult<void> e = pwm_.enable(true); !e) {
    error_ = e.error();
  }
  sim_board().add(gpio, pwm_);
}
Pwm::~Pwm() {
  sim_board().remove(&pwm_);
}

Adc::Adc(unsigned channel)
    : channel_(channel),
      adc_(
          Loop::get(), [](std::int64_t) -> std::uint16_t { return 32768; }, kAdcVoltsPerCount) {
  sim_board().add(channel, adc_);
}
Adc::~Adc() {
  sim_board().remove(&adc_);
}

int fail(const char* what, const char* message) {
  std::fprintf(stderr, "%s%s%s\n", what, *message != '\0' ? ": " : "", message);
  return 1;
}

int run(Task<int> program) {
  sim::SimBoard& board = sim_board();
  if (board.standalone()) {
    // A -sim program run by hand or by CTest: a bounded run of virtual time, the UART's text on stdout.
    const char* seconds = std::getenv("AIOPI_SIM_SECONDS");
    const long limit = seconds != nullptr && *seconds != '\0' ? std::strtol(seconds, nullptr, 10) : 10;
    if (limit > 0) board.set_time_limit(std::chrono::seconds(limit));
    board.echo_uart(true);
  }
  return aiopi::run(board.supervise(std::move(program)));
}

}  // namespace aiopi::board
