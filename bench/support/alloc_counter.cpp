#include "alloc_counter.hpp"

#include <errno.h>
#include <malloc.h>

#include <atomic>
#include <cstddef>
#include <new>

// glibc's own allocator entry points, exported for exactly this purpose (allocators that wrap malloc).
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t n, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t align, std::size_t size);
void __libc_free(void* p);
}

namespace {

// Relaxed atomics: the benchmarks allocate on one thread, but nothing stops a library from using another.
// aiopi's measured paths do not allocate at all, so the atomic increment only taxes the peers that do.
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::int64_t> g_live_bytes{0};

void* note(void* p) noexcept {
  if (p != nullptr) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
  return p;
}

void forget(void* p) noexcept {
  if (p != nullptr) {
    g_live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
}

void* new_or_throw(std::size_t size) {
  void* p = malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* aligned_new_or_throw(std::size_t size, std::align_val_t al) {
  void* p = memalign(static_cast<std::size_t>(al), size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

namespace aiopi::bench {
std::uint64_t allocations() noexcept {
  return g_allocations.load(std::memory_order_relaxed);
}
std::int64_t live_heap_bytes() noexcept {
  return g_live_bytes.load(std::memory_order_relaxed);
}
}  // namespace aiopi::bench

// --- the C allocation functions
// ----------------------------------------------------------------------------------

extern "C" {
void* malloc(std::size_t size) noexcept {
  return note(__libc_malloc(size));
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  return note(__libc_calloc(n, size));
}
void* realloc(void* p, std::size_t size) noexcept {
  forget(p);
  void* q = __libc_realloc(p, size);
  if (q == nullptr && p != nullptr && size != 0) {  // failed: the old block is still there
    g_live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
    return nullptr;
  }
  return note(q);
}
void* memalign(std::size_t align, std::size_t size) noexcept {
  return note(__libc_memalign(align, size));
}
void* aligned_alloc(std::size_t align, std::size_t size) noexcept {
  return note(__libc_memalign(align, size));
}
int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
  if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
  void* p = note(__libc_memalign(align, size));
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void free(void* p) noexcept {
  forget(p);
  __libc_free(p);
}
}

// --- operator new / delete on top of them
// ------------------------------------------------------------------------

void* operator new(std::size_t size) {
  return new_or_throw(size);
}
void* operator new[](std::size_t size) {
  return new_or_throw(size);
}
void* operator new(std::size_t size, std::align_val_t a) {
  return aligned_new_or_throw(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return aligned_new_or_throw(size, a);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return memalign(static_cast<std::size_t>(a), size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return memalign(static_cast<std::size_t>(a), size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept {
  free(p);
}
void operator delete[](void* p) noexcept {
  free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  free(p);
}

// --- self-check
// ----------------------------------------------------------------------------------------------------

namespace {
// Runs before main in every benchmark program: a counter that silently stopped seeing allocations would make
// every "0 allocations" line a lie. Calls go through volatile pointers so the compiler cannot pair and drop
// them.
struct SelfCheck {
  SelfCheck() {
    void* (*volatile c_alloc)(std::size_t) = &malloc;
    void (*volatile c_free)(void*) = &free;
    void* (*volatile cxx_new)(std::size_t) = &::operator new;
    void (*volatile cxx_delete)(void*) noexcept = &::operator delete;
    const std::uint64_t before = aiopi::bench::allocations();
    c_free(c_alloc(24));
    cxx_delete(cxx_new(24));
    if (aiopi::bench::allocations() - before != 2) {
      __builtin_trap();
    }
  }
} g_self_check;
}  // namespace
