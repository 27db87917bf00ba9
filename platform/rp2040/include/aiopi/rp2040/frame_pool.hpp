// The RP2040's coroutine frame allocator: size classes carved from one region of SRAM fixed at link time
// (__frame_pool_start .. __frame_pool_end in rp2040.ld; its size is FRAME_POOL_BYTES of
// aiopi_rp2040_executable, or all SRAM left after .data and .bss). Freed blocks go to the free list of their
// class and are reused; nothing ever calls malloc. Exhaustion panics with the size asked for.
//
// Classes are 8-byte steps up to 1 KiB (coroutine frames are 40-300 bytes) and 256-byte steps up to 8 KiB;
// a larger frame panics. A block is never split or merged, so the pool suits what firmware does: a set of
// long-lived tasks plus short-lived frames that recur with the same sizes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "aiopi/frame_allocator.hpp"

namespace aiopi::rp2040 {

struct FramePoolStats {
  std::size_t capacity = 0;      // bytes of the region
  std::size_t carved = 0;        // bytes handed to size classes so far (never given back to the region)
  std::size_t bytes_in_use = 0;  // rounded sizes of the blocks in use
  std::size_t blocks_in_use = 0;
  std::size_t high_water = 0;   // most bytes_in_use ever
  std::size_t allocations = 0;  // allocate() calls so far (benchmarks check that a loop allocates nothing)
};

class FramePool final : public FrameAllocator {
 public:
  static constexpr std::size_t kSmallStep = 8;
  static constexpr std::size_t kSmallMax = 1024;
  static constexpr std::size_t kLargeStep = 256;
  static constexpr std::size_t kLargeMax = 8192;

  /// constexpr so that the pool over the linker's region is constant-initialised: it is installed before
  /// static constructors run.
  constexpr FramePool(std::byte* begin, std::byte* end) noexcept : begin_(begin), next_(begin), end_(end) {}
  void* allocate(std::size_t size) noexcept override;
  void deallocate(void* block, std::size_t size) noexcept override;
  FramePoolStats stats() const noexcept {
    FramePoolStats s = stats_;
    s.capacity = static_cast<std::size_t>(end_ - begin_);
    return s;
  }

  /// The rounded block size for a request (0 if larger than kLargeMax).
  static std::size_t block_size(std::size_t size) noexcept;

 private:
  static constexpr std::size_t kSmallClasses = kSmallMax / kSmallStep;
  static constexpr std::size_t kClasses = kSmallClasses + (kLargeMax - kSmallMax) / kLargeStep;
  static std::size_t class_of(std::size_t rounded) noexcept;
  [[noreturn]] void exhausted(std::size_t size) const noexcept;

  struct FreeBlock {
    FreeBlock* next;
  };
  std::byte* begin_;
  std::byte* next_;
  std::byte* end_;
  FreeBlock* free_[kClasses] = {};
  FramePoolStats stats_;
};

/// The pool over the linker's region, installed as the frame allocator before static constructors run.
FramePool& frame_pool() noexcept;

}  // namespace aiopi::rp2040
