#include "aiopi/rp2040/frame_pool.hpp"

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/console.hpp"

extern "C" {
extern std::byte __frame_pool_start[];
extern std::byte __frame_pool_end[];
}

namespace aiopi::rp2040 {
namespace {

constinit FramePool g_pool(__frame_pool_start, __frame_pool_end);

// The panic message is built here: formatting with printf would pull in newlib's stdio (and its malloc).
char g_message[96];

char* append(char* out, const char* end, const char* text) noexcept {
  while (*text != '\0' && out < end)
    *out++ = *text++;
  return out;
}

char* append_number(char* out, const char* end, std::size_t value) noexcept {
  char digits[12];
  const std::size_t n = format_u32(static_cast<std::uint32_t>(value), digits);
  digits[n] = '\0';
  return append(out, end, digits);
}

}  // namespace

std::size_t FramePool::block_size(std::size_t size) noexcept {
  if (size == 0) size = 1;
  if (size <= kSmallMax) return (size + kSmallStep - 1) / kSmallStep * kSmallStep;
  if (size <= kLargeMax) return (size + kLargeStep - 1) / kLargeStep * kLargeStep;
  return 0;
}

std::size_t FramePool::class_of(std::size_t rounded) noexcept {
  if (rounded <= kSmallMax) return rounded / kSmallStep - 1;
  return kSmallClasses + (rounded - kSmallMax) / kLargeStep - 1;
}

void* FramePool::allocate(std::size_t size) noexcept {
  const std::size_t rounded = block_size(size);
  if (rounded == 0) exhausted(size);
  FreeBlock*& head = free_[class_of(rounded)];
  void* block;
  if (head != nullptr) {
    block = head;
    head = head->next;
  } else {
    if (static_cast<std::size_t>(end_ - next_) < rounded) exhausted(size);
    block = next_;
    next_ += rounded;
    stats_.carved += rounded;
  }
  ++stats_.allocations;
  ++stats_.blocks_in_use;
  stats_.bytes_in_use += rounded;
  if (stats_.bytes_in_use > stats_.high_water) stats_.high_water = stats_.bytes_in_use;
  return block;
}

void FramePool::deallocate(void* block, std::size_t size) noexcept {
  const std::size_t rounded = block_size(size);
  auto* b = static_cast<FreeBlock*>(block);
  FreeBlock*& head = free_[class_of(rounded)];
  b->next = head;
  head = b;
  --stats_.blocks_in_use;
  stats_.bytes_in_use -= rounded;
}

void FramePool::exhausted(std::size_t size) const noexcept {
  const char* end = g_message + sizeof(g_message) - 1;
  char* out = append(g_message, end, "frame pool exhausted: no block for ");
  out = append_number(out, end, size);
  out = append(out, end, " bytes (pool ");
  out = append_number(out, end, static_cast<std::size_t>(end_ - begin_));
  out = append(out, end, " bytes, ");
  out = append_number(out, end, stats_.bytes_in_use);
  out = append(out, end, " in use)");
  *out = '\0';
  panic(g_message);
}

FramePool& frame_pool() noexcept {
  return g_pool;
}

}  // namespace aiopi::rp2040
