// The simulated board behind aiopi/board.hpp on the sim platform: every line, bus, port and channel that a
// program opens through the board facade is made here on the loop's virtual clock, and a test reaches it by
// its GPIO, bus or channel number to drive inputs, read back outputs, attach I2C chips and read the UART.
//
//   sim::SimBoard sim;                                  // installs itself as the current board
//   sim.set_script([](sim::SimBoard& b) -> Task<> {     // runs beside the program under board::run()
//     co_await sleep(1ms);                              // let the program open its lines
//     b.input(14)->schedule_edges({{b.at(100ms), false}, {b.at(250ms), true}});   // a press
//     co_await sleep(3s);
//   });                                                  // when the script returns, the program is cancelled
//   int rc = program_main();                            // the example's main(), on the sim board
//   EXPECT_EQ(sim.output(25)->history().size(), ...);
//
// One board is current at a time: a SimBoard constructed installs itself and its destructor puts the
// previous one back; without any, the facade uses a process-wide default (the examples' -sim programs). The
// default board attaches a SimHtu21d at 0x40 (21.3 C, 45.0 %RH) to every I2C bus the program opens.
//
// Without a script, board::run() runs the program until it returns or, when a time limit is set (the
// AIOPI_SIM_SECONDS environment variable for the -sim programs), until the limit passes. With echo_uart,
// what the program wrote on a UART goes to stdout when the port is closed (the -sim programs).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_htu21d.hpp"
#include "aiopi/sim/sim_i2c.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "aiopi/task.hpp"
#include "aiopi/time.hpp"

namespace aiopi::sim {

class SimBoard {
 public:
  using Script = std::function<Task<>(SimBoard&)>;

  SimBoard();
  ~SimBoard();
  SimBoard(const SimBoard&) = delete;
  SimBoard& operator=(const SimBoard&) = delete;

  /// The board the facade uses now: the last SimBoard constructed and still alive, else the default one.
  static SimBoard& current();

  // ---- what the program opened (null until it did; null again once the facade object is gone) ----------
  SimDigitalOutput* output(unsigned gpio) const;
  SimDigitalInput* input(unsigned gpio) const;
  SimI2cBus* i2c(unsigned bus) const;
  SimUart* uart(unsigned id) const;
  SimPwm* pwm(unsigned gpio) const;
  SimAdc* adc(unsigned channel) const;

  // ---- set up before the program opens the device ------------------------------------------------------
  /// The electrical level an input starts at (default: high with a pull-up, low otherwise).
  void set_initial_level(unsigned gpio, bool level) { initial_levels_[gpio] = level; }
  /// Attaches `device` at `addr` to I2C bus `bus` when the program opens it (at once if it is open).
  void attach_i2c(unsigned bus, std::uint16_t addr, SimI2cDevice& device);
  /// The HTU21D attached at 0x40 to every bus the program opens (unless attach_htu21d(false)).
  SimHtu21d& htu21d() noexcept { return htu21d_; }
  void attach_htu21d(bool on) noexcept { attach_htu21d_ = on; }
  /// What an ADC channel reads (default: mid-scale).
  void set_adc_signal(unsigned channel, SimAdc::Signal signal) { adc_signals_[channel] = std::move(signal); }

  // ---- running --------------------------------------------------------------------------------------------
  /// A task started beside the program by board::run(); when it returns, the program is cancelled.
  void set_script(Script script) { script_ = std::move(script); }
  /// Without a script: cancel the program after `limit` of virtual time.
  void set_time_limit(std::optional<Duration> limit) noexcept { limit_ = limit; }
  /// Writes what the program sent on a UART to stdout when the port closes (the -sim programs).
  void echo_uart(bool on) noexcept { echo_uart_ = on; }
  /// The program's own result: empty while it runs or when it was cancelled (by the script or the limit).
  std::optional<int> program_result() const noexcept { return program_result_; }
  /// An absolute virtual time `d` from now, for SimDigitalInput::schedule_edges.
  static Duration at(Duration d);

  // ---- used by the facade (aiopi/board.hpp) ---------------------------------------------------------------
  void add(unsigned gpio, SimDigitalOutput& line) { outputs_[gpio] = &line; }
  void add(unsigned gpio, SimDigitalInput& line) { inputs_[gpio] = &line; }
  void add(unsigned bus, SimI2cBus& i2c);
  void add(unsigned id, SimUart& uart) { uarts_[id] = &uart; }
  void add(unsigned gpio, SimPwm& pwm) { pwms_[gpio] = &pwm; }
  void add(unsigned channel, SimAdc& adc);
  void remove(const void* device);
  int initial_level(unsigned gpio) const;
  bool echoes_uart() const noexcept { return echo_uart_; }
  /// True for the process-wide board (no test made one): the -sim programs.
  bool standalone() const noexcept { return standalone_; }
  bool has_script() const noexcept { return static_cast<bool>(script_); }
  Task<int> supervise(Task<int> program);

 private:
  std::map<unsigned, SimDigitalOutput*> outputs_;
  std::map<unsigned, SimDigitalInput*> inputs_;
  std::map<unsigned, SimI2cBus*> buses_;
  std::map<unsigned, SimUart*> uarts_;
  std::map<unsigned, SimPwm*> pwms_;
  std::map<unsigned, SimAdc*> adcs_;
  std::map<unsigned, bool> initial_levels_;
  std::map<unsigned, SimAdc::Signal> adc_signals_;
  struct Attachment {
    unsigned bus;
    std::uint16_t addr;
    SimI2cDevice* device;
  };
  std::vector<Attachment> attachments_;
  SimHtu21d htu21d_;
  bool attach_htu21d_ = true;
  Script script_;
  std::optional<Duration> limit_;
  bool echo_uart_ = false;
  std::optional<int> program_result_;
  bool standalone_ = false;
  SimBoard* previous_;
};

}  // namespace aiopi::sim
