#include "aiopi/panic.hpp"

#include <cstdio>
#include <cstdlib>

namespace aiopi {
namespace {

[[noreturn]] void default_panic(const char* message) {
  std::fputs("aiopi: fatal: ", stderr);
  std::fputs(message, stderr);
  std::fputs("\n", stderr);
  std::abort();
}

PanicHandler g_panic_handler = nullptr;

}  // namespace

void set_panic_handler(PanicHandler handler) noexcept {
  g_panic_handler = handler;
}

void panic(const char* message) noexcept {
  if (g_panic_handler != nullptr) g_panic_handler(message);
  default_panic(message);  // also reached if a handler returns, which it must not
}

void usage_error(const char* message) {
#if AIOPI_HAS_EXCEPTIONS
  throw UsageError(message);
#else
  panic(message);
#endif
}

}  // namespace aiopi
