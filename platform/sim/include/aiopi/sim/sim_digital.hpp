// The simulated board's digital lines, on the loop's virtual clock. The test drives inputs (now, at given
// virtual times, or as a contact-bounce burst) and reads back every change of an output with its time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"

namespace aiopi::sim {

/// A level the test puts on a simulated input at virtual time `at` (measured from the clock's epoch, the
/// time a SimTest starts at).
struct LevelAt {
  Duration at;
  bool level;
};

/// A simulated input line. The test sets the *electrical* level; with active_low the input reports the
/// inverse, and edges are reported in logical terms (as the Linux GPIO uAPI v2 does). Each change of level
/// that the configured EdgeMode detects is queued with the virtual time it happened at.
class SimDigitalInput final : public hal::DigitalInput, private TimerNode {
 public:
  /// `initial` electrical level; by default high with a pull-up, low otherwise.
  SimDigitalInput(Loop& loop, const hal::InputConfig& config = {}, int initial = -1) noexcept;
  ~SimDigitalInput() override;

  hal::IoResult<bool> value() override;

  /// Puts `level` (electrical) on the line now.
  void drive(bool level) noexcept;
  /// Puts each level on the line at its virtual time (times in the past apply at the next timer expiry,
  /// stamped with the time asked). Entries at equal times apply in the order given.
  void schedule_edges(std::initializer_list<LevelAt> levels);
  /// A contact-bounce burst: `count` changes of level, the first at virtual time `at`, `interval` apart, each
  /// inverting the level before it (an odd count leaves the line inverted).
  void bounce(Duration at, int count, Duration interval);
  /// Releases the line: waiting readers resume with IoErrc::closed; value() fails with it too.
  void release() noexcept;

  /// The electrical level now.
  bool level() const noexcept { return physical_; }
  /// Scheduled changes not yet applied.
  std::size_t scheduled() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    std::int64_t at_us;
    bool toggle;
    bool level;
  };
  void insert(const Pending& p);
  void apply(bool level, std::int64_t at_us) noexcept;
  void rearm() noexcept;
  static void on_timer(TimerNode& node) noexcept;

  Loop& loop_;
  bool physical_;
  bool released_ = false;
  std::vector<Pending> pending_;  // sorted by time; equal times in insertion order
};

/// One change of a simulated output: the logical level set and the virtual time.
struct LevelChange {
  std::int64_t t_us;
  bool level;
  friend bool operator==(const LevelChange&, const LevelChange&) = default;
};

/// A simulated output line: records every change of level with its virtual time (the initial level first).
class SimDigitalOutput final : public hal::DigitalOutput {
 public:
  SimDigitalOutput(Loop& loop, const hal::OutputConfig& config = {});

  hal::IoResult<void> set(bool level) override;
  hal::IoResult<bool> get() override;
  void release() noexcept { released_ = true; }

  /// Every change, oldest first; the first entry is the initial level at the time the line was made.
  const std::vector<LevelChange>& history() const noexcept { return history_; }
  /// How many times set() was called (changes or not).
  std::size_t writes() const noexcept { return writes_; }
  /// The electrical level (active_low applied).
  bool electrical_level() const noexcept { return level_ != config().active_low; }

 private:
  Loop& loop_;
  bool level_;
  bool released_ = false;
  std::size_t writes_ = 0;
  std::vector<LevelChange> history_;
};

}  // namespace aiopi::sim
