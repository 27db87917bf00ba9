#include "aiopi/sim/sim_board.hpp"

#include <algorithm>

#include "aiopi/gather.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::sim {
namespace {

SimBoard* g_current = nullptr;
bool g_making_default = false;

template <class Map>
auto find(const Map& map, unsigned key) -> typename Map::mapped_type {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

template <class Map>
void erase_device(Map& map, const void* device) {
  std::erase_if(map, [device](const auto& entry) { return entry.second == device; });
}

Task<> cancel_after(TaskRef task, Duration limit) {
  co_await sleep(limit);
  task.cancel();
}

}  // namespace

SimBoard::SimBoard() : previous_(g_making_default ? nullptr : g_current) {
  if (!g_making_default) g_current = this;
}

SimBoard::~SimBoard() {
  if (g_current == this) g_current = previous_;
}

SimBoard& SimBoard::current() {
  if (g_current != nullptr) return *g_current;
  // The process-wide board: made on first use, never installed, so a test's board always wins.
  static SimBoard* const fallback = [] {
    g_making_default = true;
    auto* board = new SimBoard();  // never destroyed: facade objects may outlive static destruction order
    g_making_default = false;
    board->standalone_ = true;
    return board;
  }();
  return *fallback;
}

SimDigitalOutput* SimBoard::output(unsigned gpio) const {
  return find(outputs_, gpio);
}
SimDigitalInput* SimBoard::input(unsigned gpio) const {
  return find(inputs_, gpio);
}
SimI2cBus* SimBoard::i2c(unsigned bus) const {
  return find(buses_, bus);
}
SimUart* SimBoard::uart(unsigned id) const {
  return find(uarts_, id);
}
SimPwm* SimBoard::pwm(unsigned gpio) const {
  return find(pwms_, gpio);
}
SimAdc* SimBoard::adc(unsigned channel) const {
  return find(adcs_, channel);
}

void SimBoard::attach_i2c(unsigned bus, std::uint16_t addr, SimI2cDevice& device) {
  attachments_.push_back(Attachment{bus, addr, &device});
  if (SimI2cBus* open = i2c(bus)) open->attach(addr, device);
}

void SimBoard::add(unsigned bus, SimI2cBus& i2c) {
  buses_[bus] = &i2c;
  if (attach_htu21d_) i2c.attach(0x40, htu21d_);
  for (const Attachment& a : attachments_)
    if (a.bus == bus) i2c.attach(a.addr, *a.device);
}

void SimBoard::add(unsigned channel, SimAdc& adc) {
  adcs_[channel] = &adc;
  auto it = adc_signals_.find(channel);
  if (it != adc_signals_.end()) adc.set_signal(it->second);
}

void SimBoard::remove(const void* device) {
  erase_device(outputs_, device);
  erase_device(inputs_, device);
  erase_device(buses_, device);
  erase_device(uarts_, device);
  erase_device(pwms_, device);
  erase_device(adcs_, device);
}

int SimBoard::initial_level(unsigned gpio) const {
  auto it = initial_levels_.find(gpio);
  return it == initial_levels_.end() ? -1 : (it->second ? 1 : 0);
}

Duration SimBoard::at(Duration d) {
  return Loop::get().now().time_since_epoch() + d;
}

Task<int> SimBoard::supervise(Task<int> program) {
  program_result_.reset();
  TaskHandle<int> main = create_task(std::move(program), "main");
  if (script_) {
    co_await script_(*this);
  } else {
    std::optional<TaskHandle<void>> limiter;
    if (limit_) limiter = create_task(cancel_after(main, *limit_), "time-limit");
    (void)co_await gather_outcomes(main);
    if (limiter && !limiter->done()) {
      limiter->cancel();
      (void)co_await gather_outcomes(*limiter);
    }
  }
  if (!main.done()) {
    main.cancel();
    (void)co_await gather_outcomes(main);
  }
  if (!main.cancelled()) program_result_ = main.result();
  co_return program_result_.value_or(0);
}

}  // namespace aiopi::sim
