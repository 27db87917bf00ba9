// Ring buffers behind Queue (heap, sized once or growing) and RingbufQueue (inline, fixed). Internal.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace aiopi::detail {

/// A ring on the heap. With a limit it allocates exactly `limit` slots in the constructor and never again;
/// with limit 0 it is unbounded and doubles when full (so it allocates only beyond its high-water mark).
template <class T>
class HeapRing {
  static_assert(std::is_nothrow_move_constructible_v<T>, "Queue<T>: T must be nothrow-move-constructible");

 public:
  explicit HeapRing(std::size_t limit) : limit_(limit) {
    if (limit_ != 0) reallocate(limit_);
  }
  HeapRing(const HeapRing&) = delete;
  HeapRing& operator=(const HeapRing&) = delete;
  ~HeapRing() {
    while (size_ != 0)
      drop_front();
    if (data_ != nullptr) std::allocator<T>().deallocate(data_, cap_);
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t limit() const noexcept { return limit_; }
  bool full() const noexcept { return limit_ != 0 && size_ >= limit_; }

  /// Precondition: !full().
  template <class U>
  void push_back(U&& v) {
    if (size_ == cap_) reallocate(cap_ == 0 ? 4 : cap_ * 2);  // only when unbounded
    std::construct_at(data_ + index(size_), std::forward<U>(v));
    ++size_;
  }
  /// Precondition: size() > 0.
  T& front() noexcept { return data_[head_]; }
  const T& front() const noexcept { return data_[head_]; }
  T pop_front() noexcept {
    T v(std::move(front()));
    drop_front();
    return v;
  }
  void drop_front() noexcept {
    std::destroy_at(data_ + head_);
    if (++head_ == cap_) head_ = 0;
    --size_;
  }

 private:
  std::size_t index(std::size_t k) const noexcept {
    const std::size_t i = head_ + k;
    return i >= cap_ ? i - cap_ : i;  // no division: the RP2040's core has no divide instruction
  }
  void reallocate(std::size_t n) {
    T* fresh = std::allocator<T>().allocate(n);
    for (std::size_t k = 0; k < size_; ++k) {
      T* old = data_ + index(k);
      std::construct_at(fresh + k, std::move(*old));
      std::destroy_at(old);
    }
    if (data_ != nullptr) std::allocator<T>().deallocate(data_, cap_);
    data_ = fresh;
    cap_ = n;
    head_ = 0;
  }

  T* data_ = nullptr;
  std::size_t cap_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t limit_;
};

/// A ring of exactly N slots stored inside the object: never allocates. Elements are constructed on push and
/// destroyed on pop, so T needs no default constructor.
template <class T, std::size_t N>
class InlineRing {
  static_assert(N > 0, "RingbufQueue<T, N>: N must be at least 1");
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "RingbufQueue<T, N>: T must be nothrow-move-constructible");

 public:
  InlineRing() noexcept {}
  InlineRing(const InlineRing&) = delete;
  InlineRing& operator=(const InlineRing&) = delete;
  ~InlineRing() {
    while (size_ != 0)
      drop_front();
  }

  std::size_t size() const noexcept { return size_; }
  static constexpr std::size_t limit() noexcept { return N; }
  bool full() const noexcept { return size_ >= N; }

  /// Precondition: !full().
  template <class U>
  void push_back(U&& v) {
    std::size_t i = head_ + size_;
    if (i >= N) i -= N;
    std::construct_at(&slots_[i].value, std::forward<U>(v));
    ++size_;
  }
  T& front() noexcept { return slots_[head_].value; }
  const T& front() const noexcept { return slots_[head_].value; }
  T pop_front() noexcept {
    T v(std::move(front()));
    drop_front();
    return v;
  }
  void drop_front() noexcept {
    std::destroy_at(&slots_[head_].value);
    if (++head_ == N) head_ = 0;
    --size_;
  }

 private:
  union Slot {
    Slot() noexcept {}
    ~Slot() {}
    T value;
  };
  Slot slots_[N];
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aiopi::detail
