// Counts every heap allocation the process makes, so each benchmark reports allocations per operation as
// measured rather than as assumed.
//
// alloc_counter.cpp replaces the global operator new/delete AND interposes the C allocation functions
// (malloc, calloc, realloc, aligned_alloc, posix_memalign, memalign, free), forwarding to glibc's own
// implementations. The C level matters: Boost.Asio's recycling allocator gets its blocks with aligned_alloc,
// not operator new, and aiopi's frame allocator gets its slabs with malloc. It is built as an OBJECT library
// so these definitions are always linked into the benchmark executables (and nowhere else).
#pragma once

#include <cstdint>

namespace aiopi::bench {

/// Heap allocation calls (operator new of any form, malloc, calloc, realloc, aligned_alloc, ...) made so far.
std::uint64_t allocations() noexcept;
/// Bytes currently held in heap blocks (malloc_usable_size, so allocator rounding is included).
std::int64_t live_heap_bytes() noexcept;

}  // namespace aiopi::bench
