#include "aiopi/rp2040/backend.hpp"

#include "aiopi/frame_allocator.hpp"
#include "aiopi/rp2040/frame_pool.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "aiopi/rp2040/startup.hpp"

namespace aiopi::rp2040 {
namespace {

// TIMER (§4.6.5).
constexpr Addr kTimerAlarm0 = kTimerBase + 0x10;
constexpr Addr kTimerArmed = kTimerBase + 0x20;
constexpr Addr kTimerRawHigh = kTimerBase + 0x24;
constexpr Addr kTimerRawLow = kTimerBase + 0x28;
constexpr Addr kTimerIntr = kTimerBase + 0x34;
constexpr Addr kTimerInte = kTimerBase + 0x38;
constexpr std::uint32_t kAlarm0 = 1u << 0;

Rp2040Backend g_backend;
bool g_alarm_irq_ready = false;

void enable_alarm_irq() noexcept {
  if (g_alarm_irq_ready) return;
  g_alarm_irq_ready = true;
  reg_set(kTimerInte, kAlarm0);
  irq_enable(Irq::timer0);
}

}  // namespace

std::uint64_t time_us() noexcept {
  // High-low-high: retry if the low word wrapped between the two reads of the high word.
  std::uint32_t hi = reg(kTimerRawHigh);
  for (;;) {
    const std::uint32_t lo = reg(kTimerRawLow);
    const std::uint32_t hi2 = reg(kTimerRawHigh);
    if (hi == hi2) return (static_cast<std::uint64_t>(hi) << 32) | lo;
    hi = hi2;
  }
}

TimePoint Rp2040Backend::now() noexcept {
  return TimePoint(Duration(static_cast<Duration::rep>(time_us())));
}

std::uint64_t Rp2040Backend::profile_ns() noexcept {
  return time_us() * 1000;
}

void Rp2040Backend::wait(TimePoint deadline) noexcept {
  check_stack_guard();
  enable_alarm_irq();
  __asm__ volatile("cpsid i" ::: "memory");
  if (!woken_.load(std::memory_order_relaxed) && now() < deadline) {
    bool sleep = true;
    if (deadline != TimePoint::max()) {
      const auto target = static_cast<std::uint64_t>(deadline.time_since_epoch().count());
      reg(kTimerIntr) = kAlarm0;                               // a stale match must not end this sleep
      reg(kTimerAlarm0) = static_cast<std::uint32_t>(target);  // arms ALARM0
      // The alarm matches the low 32 bits only: had the deadline passed while arming, it would fire only
      // after the counter wraps. A deadline more than 2^32 us away fires early; the loop just waits again.
      sleep = time_us() < target;
    }
    if (sleep) {
      ++sleeps_;
      // With PRIMASK set, a pending enabled interrupt still ends WFI; its handler runs after cpsie below.
      __asm__ volatile("wfi" ::: "memory");
    }
    reg(kTimerArmed) = kAlarm0;  // disarm (write 1 to clear), so a stale alarm cannot wake a later wait
  }
  woken_.store(false, std::memory_order_relaxed);
  __asm__ volatile("cpsie i" ::: "memory");
}

Rp2040Backend& backend() noexcept {
  return g_backend;
}

}  // namespace aiopi::rp2040

namespace aiopi {
Backend& default_backend() {
  return rp2040::g_backend;
}

// The port's defaults are defined together: the frame pool replaces the core's weak default frame allocator,
// so that allocator (its 540 B of free-list heads and its calls to malloc) is not linked into the image.
FrameAllocator& detail::default_frame_allocator() noexcept {
  return rp2040::frame_pool();
}
}  // namespace aiopi

// ALARM0 only ends the WFI of wait(); the loop reads the time itself.
extern "C" void aiopi_isr_timer0() {
  aiopi::rp2040::reg(aiopi::rp2040::kTimerBase + 0x34) = 1u;  // INTR: clear ALARM0
}
