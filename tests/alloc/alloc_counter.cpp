#include "alloc_counter.hpp"

#include <cstdlib>
#include <new>

#include "aiopi/detail/config.hpp"

namespace {
thread_local std::size_t t_allocations = 0;

[[noreturn]] void out_of_memory() {
#if AIOPI_HAS_EXCEPTIONS
  throw std::bad_alloc();
#else
  std::abort();
#endif
}

void* counted_alloc(std::size_t size) {
  ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  out_of_memory();
}
void* counted_alloc_aligned(std::size_t size, std::align_val_t align) {
  ++t_allocations;
  const auto a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  out_of_memory();
}
}  // namespace

namespace aiopi::testing {
std::size_t thread_allocations() noexcept {
  return t_allocations;
}
}  // namespace aiopi::testing

void* operator new(std::size_t size) {
  return counted_alloc(size);
}
void* operator new[](std::size_t size) {
  return counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t a) {
  return counted_alloc_aligned(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted_alloc_aligned(size, a);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
