// ByteRing: a fixed-capacity ring of bytes over storage it does not own, behind every StreamReader and
// StreamWriter. The owner chooses the storage once (a static or inline array on the RP2040, a block allocated
// when a Linux stream is opened); the ring never allocates. No division on the hot path: the RP2040's core
// has no divide instruction, so wrapping is a compare and a subtraction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace aiopi::hal {

class ByteRing {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit ByteRing(std::span<std::uint8_t> storage) noexcept : data_(storage.data()), cap_(storage.size()) {}
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return cap_; }
  std::size_t space() const noexcept { return cap_ - size_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == cap_; }

  /// The byte `i` places after the oldest (i < size()).
  std::uint8_t at(std::size_t i) const noexcept { return data_[wrap(head_ + i)]; }

  // ---- filling ----------------------------------------------------------------------------------------
  /// The contiguous free room after the newest byte (may be less than space() when the room wraps): a
  /// backend reads from the device straight into it, then calls commit().
  std::span<std::uint8_t> write_space() noexcept {
    const std::size_t tail = wrap(head_ + size_);
    const std::size_t run = tail >= head_ && size_ != cap_ ? cap_ - tail : head_ - tail;
    return {data_ + tail, size_ == cap_ ? 0 : run};
  }
  /// Makes `n` bytes written into write_space() part of the ring.
  void commit(std::size_t n) noexcept { size_ += n; }
  /// Copies as much of `bytes` as fits; returns how many.
  std::size_t push(std::span<const std::uint8_t> bytes) noexcept {
    std::size_t done = 0;
    while (done < bytes.size()) {
      std::span<std::uint8_t> room = write_space();
      if (room.empty()) break;
      const std::size_t n = room.size() < bytes.size() - done ? room.size() : bytes.size() - done;
      std::memcpy(room.data(), bytes.data() + done, n);
      commit(n);
      done += n;
    }
    return done;
  }

  // ---- draining ---------------------------------------------------------------------------------------
  /// The contiguous run of the oldest bytes (may be less than size() when the data wraps): a backend sends
  /// from it, then calls drop().
  std::span<const std::uint8_t> front_run() const noexcept {
    const std::size_t run = head_ + size_ <= cap_ ? size_ : cap_ - head_;
    return {data_ + head_, run};
  }
  /// Forgets the `n` oldest bytes (n <= size()).
  void drop(std::size_t n) noexcept {
    head_ = wrap(head_ + n);
    size_ -= n;
    if (size_ == 0) head_ = 0;  // keeps the next write contiguous
  }
  /// Copies the `n` oldest bytes to `out` (n <= size(), n <= out.size()) and drops them.
  void pop(std::uint8_t* out, std::size_t n) noexcept {
    const std::size_t first = head_ + n <= cap_ ? n : cap_ - head_;
    if (first != 0) std::memcpy(out, data_ + head_, first);
    if (n != first) std::memcpy(out + first, data_, n - first);
    drop(n);
  }

  /// The position of the first occurrence of `sep` that starts at or after `from` and ends within the first
  /// `limit` bytes, or npos. `sep` must not be empty.
  std::size_t find(std::span<const std::uint8_t> sep, std::size_t from, std::size_t limit) const noexcept {
    const std::size_t end = limit < size_ ? limit : size_;
    if (sep.size() > end) return npos;
    for (std::size_t pos = from; pos + sep.size() <= end; ++pos) {
      if (at(pos) != sep[0]) continue;
      std::size_t k = 1;
      while (k < sep.size() && at(pos + k) == sep[k])
        ++k;
      if (k == sep.size()) return pos;
    }
    return npos;
  }

 private:
  std::size_t wrap(std::size_t i) const noexcept { return i >= cap_ ? i - cap_ : i; }

  std::uint8_t* data_;
  std::size_t cap_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aiopi::hal
