// Counts the test program's operator new calls, so that NmeaParser's "no allocation per sentence" is checked
// by a test (NmeaParser.FeedNeverAllocates), not assumed. A separate file: GCC's mismatched-new-delete
// warning misfires where the replacements are inlined.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

std::uint64_t gps_test_allocations() noexcept {
  return g_allocations.load();
}

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
