// Delay_ms: micropython-async's retriggerable monostable / software watchdog.
//
//   aiopi::Delay_ms watchdog([&] { alarm(); }, 500);   // callable and default duration (ms; 1000 if omitted)
//   watchdog.trigger();        // (re)start: times out 500 ms after the most recent trigger
//   watchdog.trigger(100);     // this time 100 ms (shorter than what remains is fine)
//   watchdog.stop();           // no timeout; trigger() starts it again
//   co_await watchdog.wait();  // event-like: set at timeout, cleared by stop() or clear()
//
// No supervisor task: the Delay_ms *is* a timer node of the loop, armed by trigger() and disarmed by stop().
// So trigger() immediately followed by stop() never times out (the seed's supervisor task could still fire,
// see its bug list), and neither triggering, stopping nor expiring allocates.
//
// At expiry, on the loop thread while the loop processes its timers: the event is set, running() turns false,
// then the callable runs by launch() rules (launch.hpp): a callable returning a Task is started as a new
// task, any other is called right there, before any task runs again. It must not block, like any callback.
// rvalue() then holds what it returned. The callable may trigger(), stop() or even destroy the Delay_ms; it
// may not replace itself with callback() (a usage error). An exception it throws goes to the loop's exception
// handler. A coroutine lambda's captures live inside the Delay_ms (the callable is stored inline), so keep
// the Delay_ms alive, and its callable unchanged, while a task it launched still runs.
//
// trigger() and everything else belong to the loop's thread (the seed's trigger() is ISR-safe); from another
// thread or an ISR use trigger_threadsafe().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "aiopi/detail/config.hpp"
#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/event.hpp"
#include "aiopi/launch.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/time.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

namespace detail {
/// What the Delay_ms constructor accepts as its callable (so that Delay_ms(500) still means a duration).
template <class F>
concept DelayCallable = !std::is_integral_v<std::remove_cvref_t<F>> && std::is_invocable_v<std::decay_t<F>&>;
}  // namespace detail

class Delay_ms : private TimerNode {
 public:
  static constexpr std::int64_t kDefaultDurationMs = 1000;

  /// No callable (use wait() or running()); `duration_ms` is what trigger() uses by default.
  explicit Delay_ms(std::int64_t duration_ms = kDefaultDurationMs) noexcept
      : TimerNode(&Delay_ms::fire), duration_(to_duration(duration_ms, std::chrono::milliseconds(1000))) {}
  /// Runs `func` (launch() rules) at every timeout. Bind arguments in a lambda or use callback().
  template <detail::DelayCallable F>
  explicit Delay_ms(F&& func, std::int64_t duration_ms = kDefaultDurationMs) : Delay_ms(duration_ms) {
    func_ = detail::make_launcher(std::forward<F>(func));
  }
  Delay_ms(const Delay_ms&) = delete;
  Delay_ms& operator=(const Delay_ms&) = delete;
  ~Delay_ms() {
    if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;  // destroyed by its own callable
    // A threadsafe trigger may still sit in the loop's inbox: run it now so the inbox never points at us.
    if (Loop* loop = loop_.load(std::memory_order_acquire); loop != nullptr && wake_.queued())
      loop->drain_inbox();
  }

  /// (Re)starts the delay: it times out `ms` from now (ms <= 0: the default duration), whatever time was
  /// left. Forgets rvalue(); does not clear the event. The first trigger binds the Delay_ms to the current
  /// loop (Loop::get()). After deinit() a usage error.
  void trigger(std::int64_t ms = 0) {
    if (deinit_) usage_error("Delay_ms.trigger(): called after deinit()");
    arm_for(ms > 0 ? to_duration(ms, duration_) : duration_, bound_loop());
  }
  template <class Rep, class Period>
  void trigger(std::chrono::duration<Rep, Period> d) {
    if (deinit_) usage_error("Delay_ms.trigger(): called after deinit()");
    const Duration us = to_duration_ceil(d);
    arm_for(us.count() > 0 ? us : duration_, bound_loop());
  }

  /// trigger(ms) from another thread or an ISR: never blocks, never allocates. The delay is measured from
  /// when the loop handles the request; several requests before it does coalesce (the last `ms` wins). A
  /// stop() on the loop discards a request not yet handled; after deinit() requests are ignored. The Delay_ms
  /// must already be bound to its loop (a trigger() or bind() on the loop thread), otherwise this panics.
  void trigger_threadsafe(std::int64_t ms = 0) noexcept {
    Loop* loop = loop_.load(std::memory_order_acquire);
    if (loop == nullptr)
      panic("Delay_ms.trigger_threadsafe(): not bound to a loop (call bind() or trigger() first)");
    pending_ms_.store(ms > 0 && ms < INT32_MAX ? static_cast<std::int32_t>(ms) : (ms <= 0 ? 0 : INT32_MAX),
                      std::memory_order_relaxed);
    pending_.store(true, std::memory_order_release);
    loop->post_threadsafe(wake_);
  }

  /// Binds to `loop` without starting (needed before a first trigger_threadsafe()).
  void bind(Loop& loop) noexcept {
    if (loop_.load(std::memory_order_relaxed) == nullptr) loop_.store(&loop, std::memory_order_release);
  }

  /// Cancels a pending timeout (running() becomes false) and clears the event. trigger() starts it again.
  void stop() noexcept {
    pending_.store(false, std::memory_order_relaxed);
    if (armed()) bound_loop_unchecked().disarm(*this);
    event_.clear();
  }

  /// True from trigger() until the timeout or stop().
  bool running() const noexcept { return armed(); }
  bool operator()() const noexcept { return running(); }

  /// What the callable returned at the most recent timeout (a value, or the task of a launched coroutine);
  /// empty after a trigger(), before the first timeout, and for callables returning void.
  const CallResult& rvalue() const noexcept { return result_; }

  /// Replaces the callable (args are copied and bound). Not allowed from inside the callable itself.
  template <class F, class... Args>
  void callback(F&& func, Args&&... args) {
    if (in_callback_) usage_error("Delay_ms.callback(): cannot replace the callable from inside it");
    func_ = detail::make_launcher(std::forward<F>(func), std::forward<Args>(args)...);
  }
  /// Removes the callable.
  void callback() {
    if (in_callback_) usage_error("Delay_ms.callback(): cannot replace the callable from inside it");
    func_ = nullptr;
  }

  // The event-like interface (WaitAny / WaitAll): set at every timeout.
  /// Waits until the event is set (many tasks may wait). Cancel-safe: a cancelled waiter leaves the queue.
  Event::Awaiter wait() noexcept { return event_.wait(); }
  bool is_set() const noexcept { return event_.is_set(); }
  void set() noexcept { event_.set(); }
  void clear() noexcept { event_.clear(); }
  /// Listener hooks: WaitAny/WaitAll listen to the timeout directly, without a watcher task.
  void add_listener(Listener& l) noexcept { event_.add_listener(l); }
  void remove_listener(Listener& l) noexcept { event_.remove_listener(l); }

  /// stop() for good: a later trigger() is a usage error. Idempotent.
  void deinit() noexcept {
    stop();
    deinit_ = true;
  }

  /// The duration trigger() uses by default, in ms.
  std::int64_t duration_ms() const noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration_).count();
  }

 private:
  struct Wake : ForeignWake {
    explicit Wake(Delay_ms* d) noexcept : ForeignWake(&Delay_ms::on_post), owner(d) {}
    Delay_ms* owner;
  };

  static Duration to_duration(std::int64_t ms, Duration fallback) noexcept {
    return ms > 0 ? Duration(std::chrono::milliseconds(ms)) : fallback;
  }

  Loop& bound_loop() {
    Loop* loop = loop_.load(std::memory_order_relaxed);
    if (loop == nullptr) {
      loop = &Loop::get();
      loop_.store(loop, std::memory_order_release);
    }
    return *loop;
  }
  Loop& bound_loop_unchecked() noexcept { return *loop_.load(std::memory_order_relaxed); }

  void arm_for(Duration d, Loop& loop) noexcept {
    result_.reset();
    loop.arm(*this, loop.deadline_after(d));
  }

  static void on_post(ForeignWake& node) noexcept {
    Delay_ms& self = *static_cast<Wake&>(node).owner;
    if (!self.pending_.exchange(false, std::memory_order_acq_rel) || self.deinit_) return;
    const std::int64_t ms = self.pending_ms_.load(std::memory_order_relaxed);
    self.arm_for(to_duration(ms, self.duration_), self.bound_loop_unchecked());
  }

  static void fire(TimerNode& node) noexcept {
    auto& self = static_cast<Delay_ms&>(node);
    self.event_.set();
    Loop& loop = self.bound_loop_unchecked();
    // A loop being destroyed expires every timer: do not run user code then.
    if (!self.func_ || !loop.is_running()) return;
    bool destroyed = false;
    self.destroyed_flag_ = &destroyed;
    self.in_callback_ = true;
    CallResult out;
#if AIOPI_HAS_EXCEPTIONS
    try {
      self.func_(out);
    } catch (...) {
      loop.call_exception_handler({"exception in Delay_ms callback", nullptr, std::current_exception()});
    }
#else
    self.func_(out);
#endif
    if (destroyed) return;  // the callable destroyed this Delay_ms: touch nothing
    self.destroyed_flag_ = nullptr;
    self.in_callback_ = false;
    self.result_ = std::move(out);
  }

  Duration duration_;
  std::atomic<Loop*> loop_{nullptr};
  Event event_;
  detail::Launcher func_;
  CallResult result_;
  bool* destroyed_flag_ = nullptr;
  Wake wake_{this};
  std::atomic<std::int32_t> pending_ms_{0};
  std::atomic<bool> pending_{false};
  bool in_callback_ = false;
  bool deinit_ = false;
};

}  // namespace aiopi
