// Where coroutine frames and task control blocks come from.
//
// GCC does not elide coroutine frame allocations, so creating a task always allocates its frame. Everything
// else in scheduling is allocation-free. The allocator is pluggable: fixed pools on the MCU, and by default a
// recycling size-class allocator that carves blocks out of slabs and keeps freed blocks for reuse, so a
// program that spawns tasks in steady state does not call malloc at all.
#pragma once

#include <cstddef>

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
  std::size_t system_allocations = 0;  // malloc calls made so far (slabs and oversize blocks)
};

/// The allocator used for frames created from now on, on the calling thread. Null restores the default.
void set_frame_allocator(FrameAllocator* allocator) noexcept;
FrameAllocator& frame_allocator() noexcept;
FrameAllocatorStats default_frame_allocator_stats() noexcept;

inline void* allocate_frame(std::size_t size) noexcept {
  return frame_allocator().allocate(size);
}
inline void deallocate_frame(void* block, std::size_t size) noexcept {
  frame_allocator().deallocate(block, size);
}

}  // namespace aiopi
