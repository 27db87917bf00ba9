// Where coroutine frames and task control blocks come from.
//
// GCC does not elide coroutine frame allocations, so creating a task always allocates its frame. Everything
// else in scheduling is allocation-free. The allocator is pluggable: fixed pools on the MCU, and by default a
// recycling size-class allocator that carves blocks out of slabs and keeps freed blocks for reuse, so a
// program that spawns tasks in steady state does not call malloc at all. Built with AIOPI_MALLOC_FRAMES (the
// sanitizer presets), the default allocator calls malloc/free per block instead, so AddressSanitizer sees a
// use of a frame after it was freed.
//
// A block carries no header, so it cannot say which allocator it came from: it is returned to the allocator
// installed when it is freed. Hence the one rule: the allocator of a thread can only be changed while no
// block from the one installed now is in use (outstanding_frames() == 0); set_frame_allocator() refuses
// otherwise (a usage error), instead of later handing a pool blocks it never owned.
#pragma once

#include <cstddef>

#include "aiopi/detail/config.hpp"

namespace aiopi {

class FrameAllocator {
 public:
  /// Returns storage for `size` bytes aligned to max_align_t. Never returns null: exhaustion panics with a
  /// message naming the size, because a coroutine cannot be created without its frame.
  virtual void* allocate(std::size_t size) noexcept = 0;
  virtual void deallocate(void* block, std::size_t size) noexcept = 0;

 protected:
  ~FrameAllocator() = default;
};

/// Figures of the default allocator of the calling thread.
struct FrameAllocatorStats {
  std::size_t bytes_in_use = 0;  // sum of rounded block sizes currently handed out
  std::size_t blocks_in_use = 0;
  std::size_t slab_bytes = 0;          // memory obtained from malloc for slabs (never given back)
  std::size_t system_allocations = 0;  // malloc calls made so far (slabs and oversize blocks; with
                                       // AIOPI_MALLOC_FRAMES one per block)
};

namespace detail {
/// The calling thread's allocator and how many of its blocks are in use (constant-initialised, so the
/// inline functions below read it without a TLS init call).
struct FrameBooks {
  FrameAllocator* installed = nullptr;  // null: the default allocator
  std::size_t outstanding = 0;  // blocks allocate_frame handed out that deallocate_frame has not taken back
};
#if AIOPI_HOSTED
inline thread_local FrameBooks t_frame_books;
#else
inline FrameBooks t_frame_books;
#endif
/// The allocator used while none is installed: the core's recycling allocator (frame_allocator.cpp). On
/// bare-metal builds that definition is weak, so a port can make its own pool the default (platform/rp2040
/// does).
FrameAllocator& default_frame_allocator() noexcept;
}  // namespace detail

/// Installs the allocator for frames of the calling thread from now on; null restores the default. Every
/// block is freed into the allocator installed at the time it is freed, so changing it while blocks of the
/// installed one are still in use (live tasks, handles, sub-coroutines, callbacks: outstanding_frames() > 0)
/// is a usage error. Installing the allocator already installed is a no-op.
void set_frame_allocator(FrameAllocator* allocator);
inline FrameAllocator& frame_allocator() noexcept {
  FrameAllocator* a = detail::t_frame_books.installed;
  return a != nullptr ? *a : detail::default_frame_allocator();
}
/// Blocks of the calling thread's installed allocator in use now (counted by allocate_frame /
/// deallocate_frame). set_frame_allocator() needs it to be zero.
inline std::size_t outstanding_frames() noexcept {
  return detail::t_frame_books.outstanding;
}
/// Figures of the core's recycling allocator (where a port replaced the default, it is not the one in use).
FrameAllocatorStats default_frame_allocator_stats() noexcept;

/// Every frame, control block and callback comes from here and goes back through deallocate_frame, on the
/// same thread (the count of outstanding blocks is per thread).
inline void* allocate_frame(std::size_t size) noexcept {
  void* block = frame_allocator().allocate(size);
  ++detail::t_frame_books.outstanding;
  return block;
}
inline void deallocate_frame(void* block, std::size_t size) noexcept {
  --detail::t_frame_books.outstanding;
  frame_allocator().deallocate(block, size);
}

}  // namespace aiopi
