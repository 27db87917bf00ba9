// Minimal Cortex-M0+ start-up for the gate image: vector table, .data copy, .bss clear, constructors, main.
#include <cstdint>

extern "C" {
extern std::uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int aiopi_firmware_main();

[[noreturn]] void aiopi_reset_handler() {
  std::uint32_t* src = &__data_load;
  for (std::uint32_t* dst = &__data_start; dst < &__data_end;)
    *dst++ = *src++;
  for (std::uint32_t* dst = &__bss_start; dst < &__bss_end;)
    *dst++ = 0;
  for (auto** f = __init_array_start; f < __init_array_end; ++f)
    (*f)();
  aiopi_firmware_main();
  for (;;)
    __asm__ volatile("bkpt #0");
}

// Registering destructors of statics (__cxa_atexit, __aeabi_atexit) is the port's
// platform/rp2040/src/cxx_runtime.cpp, which the gate links.

[[noreturn]] void aiopi_fault_handler() {
  for (;;)
    __asm__ volatile("bkpt #1");
}

using Vector = void (*)();
__attribute__((section(".vectors"), used)) const Vector g_vectors[16] = {
    reinterpret_cast<Vector>(&__stack_top),
    aiopi_reset_handler,
    aiopi_fault_handler,
    aiopi_fault_handler,
};
}
