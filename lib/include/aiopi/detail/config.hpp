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
