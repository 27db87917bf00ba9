// Reset: the C/C++ run-time environment, then main (startup.hpp says what happens in which order).
#include <cstdint>

#include "aiopi/frame_allocator.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/rp2040/clocks.hpp"
#include "aiopi/rp2040/frame_pool.hpp"
#include "aiopi/rp2040/startup.hpp"

extern "C" {
extern std::uint32_t __stack_bottom[];
}

namespace aiopi::rp2040 {
namespace {
constexpr std::uint32_t kGuardWords = 4;
constexpr std::uint32_t kGuard = 0x5ac4f00d;
}  // namespace

void check_stack_guard() noexcept {
  for (std::uint32_t i = 0; i < kGuardWords; ++i) {
    if (__stack_bottom[i] != kGuard) panic("stack overflow: the 8 KB main stack ran past its guard words");
  }
}
}  // namespace aiopi::rp2040

extern "C" {
extern std::uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int aiopi_call_main();  // call_main.c: C++ may not call main itself
[[noreturn]] void aiopi_exit(int code);

[[noreturn]] void aiopi_reset_handler() {
  const std::uint32_t* src = &__data_load;
  for (std::uint32_t* dst = &__data_start; dst < &__data_end;)
    *dst++ = *src++;
  for (std::uint32_t* dst = &__bss_start; dst < &__bss_end;)
    *dst++ = 0;
  for (std::uint32_t i = 0; i < aiopi::rp2040::kGuardWords; ++i)
    __stack_bottom[i] = aiopi::rp2040::kGuard;
  aiopi::rp2040::init_clocks();
  aiopi::rp2040::install_panic_handler();
  aiopi::set_frame_allocator(&aiopi::rp2040::frame_pool());
  for (auto** f = __init_array_start; f < __init_array_end; ++f)
    (*f)();
  aiopi_exit(aiopi_call_main());
}
}
