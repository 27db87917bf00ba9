// The scheduling loop behind schedule(): wall-clock waits, missed fires, overlapping runs, jitter, clock
// steps.
#include "aiopi/cron/schedule.hpp"

#include <algorithm>

#include "aiopi/cron/next_fire.hpp"
#include "aiopi/detail/config.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi::cron {

const char* to_string(MissedPolicy policy) noexcept {
  switch (policy) {
    case MissedPolicy::skip:
      return "skip";
    case MissedPolicy::run_once:
      return "run_once";
  }
  return "?";
}

const char* to_string(OverlapPolicy policy) noexcept {
  switch (policy) {
    case OverlapPolicy::skip:
      return "skip";
    case OverlapPolicy::queue:
      return "queue";
    case OverlapPolicy::cancel_previous:
      return "cancel_previous";
  }
  return "?";
}

std::int64_t jitter_for(std::uint64_t seed, Instant at, Duration max_jitter) noexcept {
  if (max_jitter.count() <= 0) return 0;
  // SplitMix64 (Steele, Lea, Flood 2014) of the seed advanced by the instant: a counter-based generator, so
  // the delay of an instant does not depend on how many fires came before or on recomputations.
  std::uint64_t z = seed + static_cast<std::uint64_t>(at.time_since_epoch().count()) * 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  const auto span = static_cast<std::uint64_t>(max_jitter.count()) + 1;  // 0..max inclusive
  return static_cast<std::int64_t>(z % span);
}

std::size_t ScheduleState::upcoming(std::span<Instant> out) const noexcept {
  if (zone == nullptr || !next_fire) return 0;
  std::size_t limit = out.size();
  if (spec.times != 0) {
    const std::uint64_t left = spec.times > fire_count ? spec.times - fire_count : 0;
    if (left < limit) limit = static_cast<std::size_t>(left);
  }
  std::size_t n = 0;
  std::optional<Instant> t = next_fire;
  while (n < limit && t) {
    out[n++] = *t;
    t = cron::next_fire(spec, *t, *zone);
  }
  return n;
}

namespace detail {

// --- WakeAwaiter ------------------------------------------------------------------------------------------

WakeAwaiter::WakeAwaiter(std::int64_t target_utc_us, TaskBase* run, bool unwind_after_run) noexcept
    : TimerNode(&WakeAwaiter::on_timer),
      WallSleeperHook(&WakeAwaiter::on_change),
      CompletionWaiter(&WakeAwaiter::on_done),
      CancelForward(&WakeAwaiter::forward),
      run_(run),
      target_(target_utc_us),
      cancel_after_run_(unwind_after_run) {}

WakeAwaiter WakeAwaiter::unwind_after(TaskBase* run) noexcept {
  return WakeAwaiter(kNoTarget, run, true);
}

WakeAwaiter::~WakeAwaiter() {
  // TimerNode, WallSleeperHook and CompletionWaiter unlink themselves; only the forward needs clearing.
  if (task_ != nullptr && task_->loop().forward_of(*task_) == this)
    task_->loop().set_forward(*task_, nullptr);
}

bool WakeAwaiter::await_ready() noexcept {
  if (cancel_after_run_) return false;
  if (run_ != nullptr && run_->done()) {
    reason_ = WakeReason::run_finished;
    return true;
  }
  if (target_ != kNoTarget && Loop::running().wall_now_us() >= target_) {
    reason_ = WakeReason::time;
    return true;
  }
  return false;
}

void WakeAwaiter::await_suspend(std::coroutine_handle<> h) {
  Loop& loop = Loop::running();
  task_ = &loop.suspend_current(h);
  if (cancel_after_run_ && (run_ == nullptr || run_->done())) {
    loop.propagate_cancel(*task_);  // nothing (left) to wait for: unwind when the loop next picks the task
    return;
  }
  if (target_ != kNoTarget) {
    loop.arm(*this, loop.deadline_after(Duration(target_ - loop.wall_now_us())));
    loop.wall_sleepers().push_back(*this);
  }
  if (run_ != nullptr) {
    run_->add_completion_waiter(*this);
    loop.set_forward(*task_, this);
  }
}

WakeReason WakeAwaiter::await_resume() noexcept {
  stop_waiting_for_time();
  stop_watching_run();
  // Only reached with cancel_after_run_ when the cancel came after the task had been woken (see forward).
  return cancel_after_run_ ? WakeReason::cancelled : reason_;
}

void WakeAwaiter::stop_watching_run() noexcept {
  CompletionWaiter::unlink();
  if (task_ != nullptr && task_->loop().forward_of(*task_) == this)
    task_->loop().set_forward(*task_, nullptr);
}

void WakeAwaiter::stop_waiting_for_time() noexcept {
  WallSleeperHook::unlink();
  if (task_ != nullptr) task_->loop().disarm(*this);
}

void WakeAwaiter::wake(WakeReason reason) noexcept {
  if (woken_) return;
  woken_ = true;
  reason_ = reason;
  task_->loop().make_ready(*task_);
}

// The run stays watched (and cancel() forwarded) after a wake by time or by a clock step, until the task
// resumes: a cancel() arriving in between must still reach the run (see forward).
void WakeAwaiter::on_timer(TimerNode& node) noexcept {
  auto& self = static_cast<WakeAwaiter&>(node);
  self.WallSleeperHook::unlink();
  self.wake(WakeReason::time);
}

void WakeAwaiter::on_change(WallSleeperHook& hook) noexcept {
  auto& self = static_cast<WakeAwaiter&>(hook);
  self.task_->loop().disarm(self);
  self.wake(WakeReason::clock_changed);
}

void WakeAwaiter::on_done(CompletionWaiter& waiter, TaskBase&) noexcept {
  auto& self = static_cast<WakeAwaiter&>(waiter);
  Loop& loop = self.task_->loop();
  self.stop_waiting_for_time();
  loop.set_forward(*self.task_, nullptr);
  if (self.cancel_after_run_) {
    self.woken_ = true;
    loop.propagate_cancel(*self.task_);  // the schedule was cancelled: unwind now that its run has
  } else {
    self.wake(WakeReason::run_finished);
  }
}

bool WakeAwaiter::forward(CancelForward& f) noexcept {
  auto& self = static_cast<WakeAwaiter&>(f);
  Loop& loop = self.task_->loop();
  self.cancel_after_run_ = true;
  if (self.woken_) {
    // Already queued to resume: cancel the run; the task resumes, sees WakeReason::cancelled and waits for
    // the run with unwind_after() (marking the task instead would unwind it before the run).
    if (!self.run_->done()) loop.cancel(*self.run_);
    return true;
  }
  self.stop_waiting_for_time();  // from now on only the run's end matters
  if (!loop.cancel(*self.run_)) {
    // The run cannot be cancelled (it is the task calling cancel(), or reached it): unwind the schedule now.
    self.stop_watching_run();
    loop.propagate_cancel(*self.task_);
  }
  return true;
}

// --- the scheduling loop ----------------------------------------------------------------------------------

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
/// Missed instants are counted one by one up to this many per wake-up; then the scan jumps ahead.
constexpr std::uint64_t kMaxMissedScan = 10'000;

std::int64_t to_us(Instant t) noexcept {
  return t.time_since_epoch().count() * kMicrosPerSecond;
}

/// The whole second containing `us` (floor division, also before 1970).
Instant floor_seconds(std::int64_t us) noexcept {
  std::int64_t s = us / kMicrosPerSecond;
  if (us % kMicrosPerSecond < 0) --s;
  return Instant{std::chrono::seconds{s}};
}

/// One fire instant with its jittered wake-up time and the instant after it.
struct Plan {
  Instant at{};
  std::int64_t wake_us = 0;
  std::optional<Instant> following{};
};

/// Everything run_schedule keeps between waits. The destructor cancels a run still going (only reached with
/// one when the loop is torn down, or the schedule failed, since a cancel() waits for the run).
class Scheduler {
 public:
  Scheduler(const Action& action, const Spec& spec, const TimeZone& zone, const ScheduleOptions& options,
            ScheduleState& state, Loop& loop) noexcept
      : action_(action), spec_(spec), zone_(zone), options_(options), st_(state), loop_(loop) {
    st_.name = options.name;
    st_.spec = spec;
    st_.zone = &zone;
    st_.missed_policy = options.missed;
    st_.overlap_policy = options.overlap;
    st_.running = true;
    st_.next_fire.reset();
    st_.next_wake_us = 0;
    st_.last_fire = options.last_fired;
    st_.last_fire_wall_us = 0;
    st_.fire_count = st_.missed_count = st_.skipped_overlaps = 0;
    st_.cancelled_runs = st_.failed_runs = st_.clock_steps = 0;
    st_.run_active = st_.run_queued = false;
    // Without a resume point, the first fire is the first instant at or after now.
    last_ = options.last_fired ? *options.last_fired : floor_seconds(loop.wall_now_us() - 1);
  }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler() {
    if (run_ && !run_.done()) run_.cancel();
    st_.running = false;
    st_.next_fire.reset();
    st_.run_active = st_.run_queued = false;
  }

  bool limit_reached() const noexcept { return spec_.times != 0 && st_.fire_count >= spec_.times; }
  std::uint64_t fire_count() const noexcept { return st_.fire_count; }

  /// The run to watch while waiting (null when none is going).
  TaskBase* watched() const noexcept { return run_ && !run_.done() ? &run_.base() : nullptr; }

  /// The next fire instant, planned; nullopt when the spec never fires again.
  std::optional<Plan> next() noexcept {
    const std::optional<Instant> at = next_fire(spec_, last_, zone_);
    if (!at) return std::nullopt;
    const Plan p = plan(*at);
    st_.next_fire = p.at;
    st_.next_wake_us = p.wake_us;
    return p;
  }

  void no_more_fires() noexcept { st_.next_fire.reset(); }
  void note_clock_step() noexcept { ++st_.clock_steps; }

  /// A run that finished: count a failure, then start the queued run if there is one.
  void reap() {
    if (!run_ || !run_.done()) return;
    if (run_.failed()) {
      ++st_.failed_runs;
#if AIOPI_HAS_EXCEPTIONS
      // The schedule was the run's only waiter, so the loop left reporting the failure to it.
      loop_.call_exception_handler({"schedule: run failed", &run_.base(), run_.base().exception()});
#endif
    }
    run_ = TaskRef();
    st_.run_active = false;
    if (queued_) {
      queued_ = false;
      st_.run_queued = false;
      launch(queued_trigger_);
    }
  }

  /// Woken with the wall clock at `now_us` >= p.wake_us: decide what is missed and fire.
  void handle_due(const Plan& p, std::int64_t now_us) {
    // Walk the instants that are due: the last one (`cur`) is the candidate to fire, the ones before it were
    // overtaken. Past kMaxMissedScan, jump to where every earlier instant is missed whatever it is.
    Plan cur = p;
    std::uint64_t overtaken = 0;
    std::optional<Instant> jumped_to;
    while (cur.following) {
      if (!jumped_to && overtaken >= kMaxMissedScan) {
        const std::int64_t horizon = now_us - options_.missed_tolerance.count() - options_.max_jitter.count();
        const Instant floor = floor_seconds(horizon) - std::chrono::seconds{1};
        if (floor > cur.at) {
          jumped_to = floor;
          const std::optional<Instant> after = next_fire(spec_, floor, zone_);
          if (!after) break;
          const Plan nx = plan(*after);
          if (nx.wake_us > now_us) break;
          cur = nx;
          ++overtaken;
          continue;
        }
      }
      const Plan nx = plan(*cur.following);
      if (nx.wake_us > now_us) break;
      cur = nx;
      ++overtaken;
    }
    const bool late = now_us - cur.wake_us > options_.missed_tolerance.count();
    st_.missed_count += overtaken + (late ? 1 : 0);
    if (!late || options_.missed == MissedPolicy::run_once) fire(cur.at, now_us, late);
    last_ = jumped_to ? std::max(cur.at, *jumped_to) : cur.at;
  }

 private:
  Plan plan(Instant at) const noexcept {
    Plan p;
    p.at = at;
    p.following = next_fire(spec_, at, zone_);
    std::int64_t jitter = jitter_for(options_.jitter_seed, at, options_.max_jitter);
    if (p.following) {
      const std::int64_t gap = to_us(*p.following) - to_us(at);
      if (jitter >= gap) jitter = gap - 1;  // keep fires in order
    }
    p.wake_us = to_us(at) + jitter;
    return p;
  }

  void fire(Instant at, std::int64_t now_us, bool catch_up) {
    Trigger t;
    t.name = options_.name;
    t.tag = options_.tag;
    t.scheduled = at;
    t.wall_us = now_us;
    t.number = st_.fire_count + 1;
    t.catch_up = catch_up;
    if (action_.launch != nullptr) {
      if (run_ && !run_.done()) {
        switch (options_.overlap) {
          case OverlapPolicy::skip:
            ++st_.skipped_overlaps;
            return;
          case OverlapPolicy::queue:
            if (queued_) {
              ++st_.skipped_overlaps;
              return;
            }
            queued_ = true;
            queued_trigger_ = t;
            st_.run_queued = true;
            count_fire(t);
            return;
          case OverlapPolicy::cancel_previous:
            // The old run unwinds when the loop next picks it, which is before the new one first runs.
            run_.cancel();
            run_ = TaskRef();
            ++st_.cancelled_runs;
            break;
        }
      }
      count_fire(t);
      launch(t);
      return;
    }
    count_fire(t);
#if AIOPI_HAS_EXCEPTIONS
    try {
      action_.fire(action_.object, t);
    } catch (...) {
      ++st_.failed_runs;
      loop_.call_exception_handler(
          {"schedule: action failed", loop_.current_task(), std::current_exception()});
    }
#else
    action_.fire(action_.object, t);
#endif
  }

  void count_fire(const Trigger& t) noexcept {
    ++st_.fire_count;
    st_.last_fire = t.scheduled;
    st_.last_fire_wall_us = t.wall_us;
  }

  void launch(const Trigger& t) {
    const char* name = options_.name != nullptr ? options_.name : "schedule run";
#if AIOPI_HAS_EXCEPTIONS
    try {
      run_ = action_.launch(action_.object, t, loop_, name);
    } catch (...) {
      ++st_.failed_runs;
      loop_.call_exception_handler(
          {"schedule: launching a run failed", loop_.current_task(), std::current_exception()});
      return;
    }
#else
    run_ = action_.launch(action_.object, t, loop_, name);
#endif
    st_.run_active = true;
  }

  const Action& action_;
  const Spec& spec_;
  const TimeZone& zone_;
  const ScheduleOptions& options_;
  ScheduleState& st_;
  Loop& loop_;
  Instant last_{};  // every instant up to here has been fired or given up; the search is strictly after it
  TaskRef run_;     // the latest run launched (coroutine actions)
  bool queued_ = false;
  Trigger queued_trigger_{};
};

}  // namespace

Task<std::uint64_t> run_schedule(Action action, Spec spec, const TimeZone& zone, ScheduleOptions options) {
  Loop& loop = Loop::running();
  ScheduleState own;
  Scheduler s(action, spec, zone, options, options.state != nullptr ? *options.state : own, loop);
  while (!s.limit_reached()) {
    s.reap();
    const std::optional<Plan> p = s.next();
    if (!p) break;
    const WakeReason why = co_await WakeAwaiter(p->wake_us, s.watched());
    if (why == WakeReason::cancelled) co_await WakeAwaiter::unwind_after(s.watched());  // does not resume
    if (why == WakeReason::clock_changed) s.note_clock_step();
    s.reap();
    // Woken early (a backwards step, a run ending, a clock that drifted from the monotonic one): recompute.
    // Nothing at or before the last handled instant is ever fired again.
    const std::int64_t now_us = loop.wall_now_us();
    if (now_us >= p->wake_us) s.handle_due(*p, now_us);
  }
  s.no_more_fires();
  // Done firing: wait for the runs still going (and the queued one).
  for (s.reap(); s.watched() != nullptr; s.reap()) {
    if (co_await WakeAwaiter(WakeAwaiter::kNoTarget, s.watched()) == WakeReason::cancelled) {
      co_await WakeAwaiter::unwind_after(s.watched());  // does not resume
    }
  }
  co_return s.fire_count();
}

}  // namespace detail
}  // namespace aiopi::cron
