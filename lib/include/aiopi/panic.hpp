// How the core reports misuse: a clear message instead of undefined behaviour.
#pragma once

#include "aiopi/detail/config.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <stdexcept>
#endif

namespace aiopi {

#if AIOPI_HAS_EXCEPTIONS
/// Thrown for programming errors (awaiting a task twice, releasing an unlocked Lock, two waiters on a
/// ThreadSafeFlag, `run` inside a running loop, ...). Mirrors the RuntimeError that asyncio raises.
class UsageError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Thrown by `run()` when the main task ends cancelled and exceptions exist to say so.
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("task was cancelled") {}
};
#endif

/// Called with a message for unrecoverable errors; must not return. The default prints to stderr and aborts.
/// Firmware installs its own (blink a code, break into the debugger, reset).
using PanicHandler = void (*)(const char* message);
void set_panic_handler(PanicHandler handler) noexcept;

/// Reports an unrecoverable error through the panic handler.
[[noreturn]] void panic(const char* message) noexcept;

/// Reports misuse of the API: throws UsageError where exceptions exist, otherwise panics with the message.
[[noreturn]] void usage_error(const char* message);

}  // namespace aiopi
