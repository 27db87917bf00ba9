#include "aiopi/sim/sim_digital.hpp"

#include <algorithm>

namespace aiopi::sim {

using hal::Edge;
using hal::io_error;
using hal::IoErrc;

SimDigitalInput::SimDigitalInput(Loop& loop, const hal::InputConfig& config, int initial) noexcept
    : hal::DigitalInput(config),
      TimerNode(&SimDigitalInput::on_timer),
      loop_(loop),
      physical_(initial < 0 ? config.bias == hal::Bias::pull_up : initial != 0) {}

SimDigitalInput::~SimDigitalInput() {
  loop_.disarm(*this);
}

hal::IoResult<bool> SimDigitalInput::value() {
  if (released_) return io_error(IoErrc::closed, "DigitalInput::value: the line was released");
  return physical_ != config().active_low;
}

void SimDigitalInput::drive(bool level) noexcept {
  apply(level, loop_.now().time_since_epoch().count());
}

void SimDigitalInput::apply(bool level, std::int64_t at_us) noexcept {
  if (released_ || level == physical_) return;
  physical_ = level;
  const bool logical = level != config().active_low;
  const Edge edge = logical ? Edge::rising : Edge::falling;
  if (hal::detects(config().edges, edge)) edge_queue().push(edge, at_us);
}

void SimDigitalInput::insert(const Pending& p) {
  auto it = std::upper_bound(pending_.begin(), pending_.end(), p.at_us,
                             [](std::int64_t t, const Pending& q) { return t < q.at_us; });
  pending_.insert(it, p);
}

void SimDigitalInput::schedule_edges(std::initializer_list<LevelAt> levels) {
  for (const LevelAt& l : levels)
    insert(Pending{l.at.count(), false, l.level});
  rearm();
}

void SimDigitalInput::bounce(Duration at, int count, Duration interval) {
  for (int i = 0; i < count; ++i)
    insert(Pending{(at + interval * i).count(), true, false});
  rearm();
}

void SimDigitalInput::release() noexcept {
  released_ = true;
  pending_.clear();
  loop_.disarm(*this);
  edge_queue().close();
}

void SimDigitalInput::rearm() noexcept {
  if (released_ || pending_.empty()) {
    loop_.disarm(*this);
    return;
  }
  loop_.arm(*this, TimePoint(Duration(pending_.front().at_us)));
}

void SimDigitalInput::on_timer(TimerNode& node) noexcept {
  auto& self = static_cast<SimDigitalInput&>(node);
  const std::int64_t now = self.loop_.now().time_since_epoch().count();
  std::size_t n = 0;
  while (n < self.pending_.size() && self.pending_[n].at_us <= now) {
    const Pending& p = self.pending_[n];
    self.apply(p.toggle ? !self.physical_ : p.level, p.at_us);
    ++n;
  }
  self.pending_.erase(self.pending_.begin(), self.pending_.begin() + static_cast<std::ptrdiff_t>(n));
  self.rearm();
}

SimDigitalOutput::SimDigitalOutput(Loop& loop, const hal::OutputConfig& config)
    : hal::DigitalOutput(config), loop_(loop), level_(config.initial) {
  history_.push_back(LevelChange{loop_.now().time_since_epoch().count(), level_});
}

hal::IoResult<void> SimDigitalOutput::set(bool level) {
  if (released_) return io_error(IoErrc::closed, "DigitalOutput::set: the line was released");
  ++writes_;
  if (level != level_) {
    level_ = level;
    history_.push_back(LevelChange{loop_.now().time_since_epoch().count(), level});
  }
  return {};
}

hal::IoResult<bool> SimDigitalOutput::get() {
  if (released_) return io_error(IoErrc::closed, "DigitalOutput::get: the line was released");
  return level_;
}

}  // namespace aiopi::sim
