// schedule(): the coroutine that sleeps until each fire time of a calendar Spec and fires an action
// (micropython-async `sched.sched.schedule`), with explicit policies for missed fires, overlapping runs,
// jitter and wall-clock steps. User documentation: docs/scheduling.md §10.
//
//   const Spec spec = *parse_spec("hrs=4 mins=10 wday=mon,fri");
//   auto backup = [&]() -> aiopi::Task<> { co_await run_backup(); };          // keep the lambda named
//   auto h = aiopi::create_task(schedule(backup, spec, london, {.name = "backup"}));
//
// The action is one of
//   * a function (or callable object), called on the loop at each fire: `void f()`, `void f(const Trigger&)`;
//   * a coroutine function returning Task<T> (`Task<> f()` or `Task<> f(const Trigger&)`): each fire launches
//     it as a task of its own — a "run" — and the overlap policy decides what happens while a run is still
//     going when the next fire comes;
//   * an aiopi::Event (set at each fire) or a Sequence (triggered at each fire), both held by reference.
//
// The coroutine returns the number of fires once spec.times fires have happened (or the spec can never fire
// again) and every run it launched has finished; with times == 0 it runs until cancelled. Cancelling it
// cancels the run in progress and unwinds after that run has: nothing it started is left behind (structured
// cancellation, as TaskGroup).
#pragma once

#include <chrono>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>

#include "aiopi/cron/sequence.hpp"
#include "aiopi/cron/spec.hpp"
#include "aiopi/cron/time_zone.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/event.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/time.hpp"

namespace aiopi::cron {

/// What happens to fire instants the schedule could not act on in time: the wall clock was stepped forward
/// past them, the machine was suspended, or the loop was blocked. An instant counts as missed when the
/// schedule gets to it more than ScheduleOptions::missed_tolerance after its (jittered) time, or when a later
/// instant is already due (it was overtaken).
enum class MissedPolicy : std::uint8_t {
  skip,      ///< fire nothing for missed instants; wait for the next one (default; cron after a clock jump)
  run_once,  ///< fire once, now, for all of them together (anacron, systemd Persistent=); Trigger::catch_up
};

/// What happens when a fire comes while the previous run of a coroutine action is still going.
enum class OverlapPolicy : std::uint8_t {
  skip,             ///< start nothing; count a skipped overlap (default; systemd timers, APScheduler)
  queue,            ///< start the new run when the previous one finishes; at most one run waits (further
                    ///< fires while one waits are counted as skipped overlaps)
  cancel_previous,  ///< cancel the previous run, then start the new one
};

const char* to_string(MissedPolicy policy) noexcept;
const char* to_string(OverlapPolicy policy) noexcept;

/// A fire that comes this much later than planned still counts as on time (see MissedPolicy).
inline constexpr Duration kDefaultMissedTolerance = std::chrono::seconds{60};

struct ScheduleState;

struct ScheduleOptions {
  /// Names the schedule (ScheduleState, Trigger::name) and the tasks of its runs. Must outlive the schedule.
  const char* name = nullptr;
  /// Passed in every Trigger (what the seed passed as `*args` to a Sequence).
  std::uint32_t tag = 0;
  MissedPolicy missed = MissedPolicy::skip;
  /// How late a fire may be and still count as on time (measured from its planned, jittered time).
  Duration missed_tolerance = kDefaultMissedTolerance;
  OverlapPolicy overlap = OverlapPolicy::skip;
  /// Each fire is delayed by a pseudo-random 0..max_jitter (capped below the gap to the following fire, so
  /// fires keep their order). 0 = no jitter.
  Duration max_jitter{0};
  /// Seeds the jitter: the same seed gives the same delays (see jitter_for()).
  std::uint64_t jitter_seed = 0;
  /// Resume after a restart: the instant the schedule last fired (e.g. persisted by the daemon). Fire
  /// instants between it and now are then missed ones, handled by `missed` (run_once = anacron-style
  /// catch-up). Without it the schedule starts with the first fire instant at or after the current wall time.
  std::optional<Instant> last_fired{};
  /// Where the schedule publishes what it is doing (must outlive the schedule); null = not published.
  ScheduleState* state = nullptr;
};

/// Live view of one schedule, updated by the schedule coroutine (the daemon's API shows it). Counters are
/// reset when a schedule starts using the object.
struct ScheduleState {
  const char* name = nullptr;
  Spec spec{};
  const TimeZone* zone = nullptr;
  MissedPolicy missed_policy = MissedPolicy::skip;
  OverlapPolicy overlap_policy = OverlapPolicy::skip;

  bool running = false;                ///< the schedule coroutine is active
  std::optional<Instant> next_fire{};  ///< the fire instant being waited for (none once finished)
  std::int64_t next_wake_us = 0;       ///< when it will fire: next_fire plus its jitter (UTC µs)
  std::optional<Instant> last_fire{};  ///< the instant of the latest fire (persist it for `last_fired`)
  std::int64_t last_fire_wall_us = 0;  ///< the wall clock when that fire happened
  std::uint64_t fire_count = 0;        ///< fires (functions called, runs launched or queued, events set, ...)
  /// Instants missed (see MissedPolicy); counted one by one up to 10,000 per wake-up, a lower bound beyond.
  std::uint64_t missed_count = 0;
  std::uint64_t skipped_overlaps = 0;  ///< fires that started nothing because a run was still going
  std::uint64_t cancelled_runs = 0;    ///< runs cancelled by OverlapPolicy::cancel_previous
  std::uint64_t failed_runs = 0;       ///< actions or runs that ended with an exception
  std::uint64_t clock_steps = 0;       ///< wall-clock steps that woke the schedule
  bool run_active = false;             ///< a run launched by the schedule has not finished
  bool run_queued = false;             ///< a run waits for it (OverlapPolicy::queue)

  /// The next fire instants, starting with next_fire, in order (raw instants: jitter is not added). Stops at
  /// out.size(), when spec.times would be reached, or when the spec never fires again. Returns how many.
  std::size_t upcoming(std::span<Instant> out) const noexcept;
};

/// The jitter of the fire at `at`: a pseudo-random 0..max_jitter (µs) from a SplitMix64 hash of the seed and
/// the instant. Keyed by the instant, so recomputing after a clock step gives the same delay. (The schedule
/// additionally caps it below the gap to the following fire.)
std::int64_t jitter_for(std::uint64_t seed, Instant at, Duration max_jitter) noexcept;

namespace detail {

template <class T>
inline constexpr bool is_task_v = false;
template <class T>
inline constexpr bool is_task_v<Task<T>> = true;

/// The action of a schedule, type-erased so that the scheduling logic is compiled once (schedule.cpp).
struct Action {
  void* object = nullptr;
  /// Synchronous actions: call / set / trigger.
  void (*fire)(void* object, const Trigger& t) = nullptr;
  /// Coroutine actions: create the run's task on `loop`, named `name`.
  TaskRef (*launch)(void* object, const Trigger& t, Loop& loop, const char* name) = nullptr;
};

template <class F>
concept TakesTrigger = std::invocable<F&, const Trigger&>;

template <class F>
concept ScheduleCallable = std::invocable<F&> || TakesTrigger<F>;

template <class F>
using ActionResult = typename std::conditional_t<TakesTrigger<F>, std::invoke_result<F&, const Trigger&>,
                                                 std::invoke_result<F&>>::type;

/// A run of a coroutine action that takes the Trigger: the trigger is kept in this frame, which outlives the
/// action's own coroutine (awaited inline), so an action taking `const Trigger&` never sees a dangling one.
template <class T, class F>
Task<T> run_with_trigger(F& f, Trigger t) {
  const Trigger& kept = t;
  if constexpr (std::is_void_v<T>) {
    co_await std::invoke(f, kept);
  } else {
    co_return co_await std::invoke(f, kept);
  }
}

template <class F>
Action make_action(F& f) noexcept {
  Action a;
  a.object = &f;
  using R = std::remove_cvref_t<ActionResult<F>>;
  if constexpr (is_task_v<R>) {
    if constexpr (TakesTrigger<F>) {
      a.launch = [](void* object, const Trigger& t, Loop& loop, const char* name) -> TaskRef {
        return loop.create_task(run_with_trigger<typename R::value_type>(*static_cast<F*>(object), t), name);
      };
    } else {
      a.launch = [](void* object, const Trigger&, Loop& loop, const char* name) -> TaskRef {
        return loop.create_task(std::invoke(*static_cast<F*>(object)), name);
      };
    }
  } else if constexpr (TakesTrigger<F>) {
    a.fire = [](void* object, const Trigger& t) { std::invoke(*static_cast<F*>(object), t); };
  } else {
    a.fire = [](void* object, const Trigger&) { std::invoke(*static_cast<F*>(object)); };
  }
  return a;
}

/// The scheduling loop (schedule.cpp). `zone` must outlive it.
Task<std::uint64_t> run_schedule(Action action, Spec spec, const TimeZone& zone, ScheduleOptions options);

enum class WakeReason : std::uint8_t {
  time,           ///< the wall clock reached the target (by the monotonic timer; check the wall clock again)
  clock_changed,  ///< the wall clock was stepped
  run_finished,   ///< the watched run finished
  cancelled,      ///< the task was cancelled after being woken: co_await unwind_after(run) next
};

/// Waits until the wall clock reaches `target_utc_us` (kNoTarget: no time limit), the wall clock is stepped,
/// or `run` finishes (null: no run). While a run is watched, a cancel() of the waiting task is forwarded to
/// the run and the waiting task unwinds once the run has (structured cancellation). Cancel-safe: timer, wall
/// sleeper hook and completion waiter leave their lists when the frame unwinds.
class WakeAwaiter : private TimerNode,
                    private WallSleeperHook,
                    private CompletionWaiter,
                    private CancelForward {
 public:
  static constexpr std::int64_t kNoTarget = std::numeric_limits<std::int64_t>::max();

  WakeAwaiter(std::int64_t target_utc_us, TaskBase* run) noexcept : WakeAwaiter(target_utc_us, run, false) {}
  /// Waits for `run` (may be null or done), then unwinds the waiting task: it never resumes.
  static WakeAwaiter unwind_after(TaskBase* run) noexcept;
  WakeAwaiter(const WakeAwaiter&) = delete;
  WakeAwaiter& operator=(const WakeAwaiter&) = delete;
  ~WakeAwaiter();

  bool await_ready() noexcept;
  void await_suspend(std::coroutine_handle<> h);
  WakeReason await_resume() noexcept;

 private:
  WakeAwaiter(std::int64_t target_utc_us, TaskBase* run, bool unwind_after_run) noexcept;
  static void on_timer(TimerNode& node) noexcept;
  static void on_change(WallSleeperHook& hook) noexcept;
  static void on_done(CompletionWaiter& waiter, TaskBase& finished) noexcept;
  static bool forward(CancelForward& f) noexcept;
  void stop_waiting_for_time() noexcept;
  void stop_watching_run() noexcept;
  void wake(WakeReason reason) noexcept;

  TaskBase* task_ = nullptr;
  TaskBase* run_;
  std::int64_t target_;
  WakeReason reason_ = WakeReason::time;
  bool woken_ = false;             // made ready; not resumed yet
  bool cancel_after_run_ = false;  // cancelled: unwind once the run has finished
};

}  // namespace detail

/// Fires `action` at every instant of `spec` in `zone` (see the top of this file and docs/scheduling.md §10).
/// The callable is moved into the coroutine's frame; each run refers to that copy. `zone` must outlive the
/// schedule. Returns the number of fires.
template <detail::ScheduleCallable F>
Task<std::uint64_t> schedule(F action, Spec spec, const TimeZone& zone, ScheduleOptions options = {}) {
  co_return co_await detail::run_schedule(detail::make_action(action), spec, zone, options);
}

/// Sets `event` at every fire (the consumer clears it). `event` must outlive the schedule.
inline Task<std::uint64_t> schedule(Event& event, Spec spec, const TimeZone& zone,
                                    ScheduleOptions options = {}) {
  detail::Action a;
  a.object = &event;
  a.fire = [](void* object, const Trigger&) { static_cast<Event*>(object)->set(); };
  return detail::run_schedule(a, spec, zone, options);
}

/// Triggers `seq` at every fire with this schedule's Trigger. `seq` must outlive the schedule.
template <std::size_t N>
Task<std::uint64_t> schedule(BasicSequence<N>& seq, Spec spec, const TimeZone& zone,
                             ScheduleOptions options = {}) {
  detail::Action a;
  a.object = &seq;
  a.fire = [](void* object, const Trigger& t) { static_cast<BasicSequence<N>*>(object)->trigger(t); };
  return detail::run_schedule(a, spec, zone, options);
}

}  // namespace aiopi::cron
