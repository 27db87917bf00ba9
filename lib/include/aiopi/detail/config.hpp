// Build-time facts the core adapts to. Kept in one header so every other header agrees.
#pragma once

// Exceptions are optional: the MCU build (and the `noexcept` host preset) compiles with -fno-exceptions.
// Cancellation never needs them; they only carry a user's own thrown errors where they exist.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define AIOPI_HAS_EXCEPTIONS 1
#else
#define AIOPI_HAS_EXCEPTIONS 0
#endif

// Host builds have threads; the bare-metal build reaches the loop from ISRs instead.
#if defined(__linux__) || defined(__APPLE__)
#define AIOPI_HOSTED 1
#else
#define AIOPI_HOSTED 0
#endif

// The few scheduler steps every await takes (queue a task, note a suspension, a sleep(0)) are forced inline:
// at -Os (the MCU build) GCC otherwise calls them out of line from each awaiter, and on the Cortex-M0+ the
// call costs more than their bodies (tests/firmware/bench.bench.mjs --profile).
#define AIOPI_ALWAYS_INLINE [[gnu::always_inline]]
