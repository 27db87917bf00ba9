#include "aiopi/frame_allocator.hpp"

#include <cstdint>
#include <cstdlib>

#include "aiopi/detail/config.hpp"
#include "aiopi/panic.hpp"

#if AIOPI_HOSTED
#include <mutex>
#endif

#ifndef AIOPI_MALLOC_FRAMES
#define AIOPI_MALLOC_FRAMES 0
#endif

namespace aiopi {
namespace {

constexpr std::size_t kGranule = 16;

std::size_t round_up(std::size_t size) noexcept {
  return size == 0 ? kGranule : (size + kGranule - 1) / kGranule * kGranule;
}

#if AIOPI_MALLOC_FRAMES
// Sanitizer builds: one malloc per block and free() when it is returned, so AddressSanitizer reports a frame
// used after it was freed (the recycling allocator would keep it in its free lists, where ASan cannot see
// it). The figures are kept exactly as the recycling allocator keeps them (sizes rounded), so tests that
// count blocks and bytes pass in both builds.
class MallocFrameAllocator final : public FrameAllocator {
 public:
  void* allocate(std::size_t size) noexcept override {
    ++stats_.blocks_in_use;
    stats_.bytes_in_use += round_up(size);
    ++stats_.system_allocations;
    // The exact size, so ASan also catches a write just past the end of a frame.
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) panic("frame allocator: out of memory for a frame");
    return p;
  }

  void deallocate(void* block, std::size_t size) noexcept override {
    --stats_.blocks_in_use;
    stats_.bytes_in_use -= round_up(size);
    std::free(block);
  }

  FrameAllocatorStats stats() const noexcept { return stats_; }

 private:
  FrameAllocatorStats stats_;
};
using DefaultFrameAllocator = MallocFrameAllocator;
#else
constexpr std::size_t kMaxPooled = 2048;  // larger frames go straight to malloc
constexpr std::size_t kClasses = kMaxPooled / kGranule;
constexpr std::size_t kSlabBytes = 32 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

// Slabs are owned process-wide and never returned: a block freed on another thread than the one that carved
// it stays valid after the first thread has gone. They stay reachable from this list, so leak checkers are
// quiet.
struct Slab {
  Slab* next;
};

#if AIOPI_HOSTED
std::mutex g_slab_mutex;
#endif
Slab* g_slabs = nullptr;

void* new_slab() noexcept {
  void* mem = std::malloc(kSlabBytes);
  if (mem == nullptr) panic("frame allocator: out of memory for a new slab");
  auto* slab = static_cast<Slab*>(mem);
#if AIOPI_HOSTED
  std::lock_guard<std::mutex> lock(g_slab_mutex);
#endif
  slab->next = g_slabs;
  g_slabs = slab;
  return mem;
}

class RecyclingFrameAllocator final : public FrameAllocator {
 public:
  void* allocate(std::size_t size) noexcept override {
    const std::size_t rounded = round_up(size);
    ++stats_.blocks_in_use;
    stats_.bytes_in_use += rounded;
    if (rounded > kMaxPooled) {
      ++stats_.system_allocations;
      void* p = std::malloc(rounded);
      if (p == nullptr) panic("frame allocator: out of memory for a large frame");
      return p;
    }
    FreeBlock*& head = free_[rounded / kGranule - 1];
    if (head != nullptr) {
      FreeBlock* b = head;
      head = b->next;
      return b;
    }
    return carve(rounded);
  }

  void deallocate(void* block, std::size_t size) noexcept override {
    const std::size_t rounded = round_up(size);
    --stats_.blocks_in_use;
    stats_.bytes_in_use -= rounded;
    if (rounded > kMaxPooled) {
      std::free(block);
      return;
    }
    auto* b = static_cast<FreeBlock*>(block);
    FreeBlock*& head = free_[rounded / kGranule - 1];
    b->next = head;
    head = b;
  }

  FrameAllocatorStats stats() const noexcept { return stats_; }

 private:
  void* carve(std::size_t rounded) noexcept {
    if (static_cast<std::size_t>(slab_end_ - slab_next_) < rounded) {
      // The tail of the old slab is given to the free lists so nothing is wasted.
      while (static_cast<std::size_t>(slab_end_ - slab_next_) >= kGranule) {
        const std::size_t left = static_cast<std::size_t>(slab_end_ - slab_next_);
        const std::size_t chunk = left > kMaxPooled ? kMaxPooled : left / kGranule * kGranule;
        // Slab memory is malloc-aligned and carved in 16-byte granules, so every block start is aligned.
        auto* b = static_cast<FreeBlock*>(static_cast<void*>(slab_next_));
        FreeBlock*& head = free_[chunk / kGranule - 1];
        b->next = head;
        head = b;
        slab_next_ += chunk;
      }
      auto* mem = static_cast<std::byte*>(new_slab());
      ++stats_.system_allocations;
      stats_.slab_bytes += kSlabBytes;
      // The first bytes hold the slab link.
      slab_next_ = mem + kGranule;
      slab_end_ = mem + kSlabBytes;
    }
    void* p = slab_next_;
    slab_next_ += rounded;
    return p;
  }

  FreeBlock* free_[kClasses] = {};
  std::byte* slab_next_ = nullptr;
  std::byte* slab_end_ = nullptr;
  FrameAllocatorStats stats_;
};
using DefaultFrameAllocator = RecyclingFrameAllocator;
#endif  // AIOPI_MALLOC_FRAMES

#if AIOPI_HOSTED
thread_local DefaultFrameAllocator t_default_allocator;
#else
DefaultFrameAllocator g_default_allocator;
#endif

DefaultFrameAllocator& default_allocator() noexcept {
#if AIOPI_HOSTED
  return t_default_allocator;
#else
  return g_default_allocator;
#endif
}

}  // namespace

#if AIOPI_HOSTED
FrameAllocator& detail::default_frame_allocator() noexcept {
  return default_allocator();
}
#else
// Weak on the MCU: a port may make its own pool the default (the RP2040's does), and then --gc-sections drops
// this allocator, its free-list heads and its malloc calls from the image.
[[gnu::weak]] FrameAllocator& detail::default_frame_allocator() noexcept {
  return default_allocator();
}
#endif

void set_frame_allocator(FrameAllocator* allocator) {
  detail::FrameBooks& books = detail::t_frame_books;
  if (allocator == &detail::default_frame_allocator()) allocator = nullptr;
  if (allocator == books.installed) return;
  // A block has no header naming its allocator: it goes back to whichever is installed when it is freed.
  if (books.outstanding != 0) {
    usage_error(
        "set_frame_allocator: blocks of the installed frame allocator are still in use (tasks, handles or "
        "callbacks alive); change the allocator only while outstanding_frames() == 0");
  }
  books.installed = allocator;
}

FrameAllocatorStats default_frame_allocator_stats() noexcept {
  return default_allocator().stats();
}

}  // namespace aiopi
