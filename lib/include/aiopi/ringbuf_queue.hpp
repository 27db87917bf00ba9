// RingbufQueue: micropython-async's pre-allocated circular queue. Never allocates: the N slots live inside
// the object. put_nowait never fails: on overflow it discards the oldest item, counts it, and says so.
//
//   aiopi::RingbufQueue<std::uint16_t, 32> samples;     // holds up to 32 items
//   samples.put_nowait(adc.read());                     // false: the oldest item was overwritten
//   auto v = co_await samples;                          // or co_await samples.get()
//
// N is the capacity (items held), not the seed's buffer length: the seed's buffer of 10 slots holds 9 items,
// the same as RingbufQueue<T, 9>. For the loop's tasks only: not for other threads or ISRs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "aiopi/detail/queue_core.hpp"
#include "aiopi/detail/ring_buffer.hpp"

namespace aiopi {

template <class T, std::size_t N>
class RingbufQueue : public detail::QueueCore<T, detail::InlineRing<T, N>, false> {
  using Core = detail::QueueCore<T, detail::InlineRing<T, N>, false>;

 public:
  RingbufQueue() noexcept : Core() {}

  /// The number of items it holds when full.
  static constexpr std::size_t capacity() noexcept { return N; }

  /// Appends at once. When full, the oldest item is discarded to make room (the seed raises IndexError after
  /// doing the same): returns false and counts it in overwritten(). Never waits, so it does not queue behind
  /// tasks waiting in put().
  bool put_nowait(const T& item) { return push(item); }
  bool put_nowait(T&& item) { return push(std::move(item)); }

  /// How many items put_nowait() has discarded since construction.
  std::size_t overwritten() const noexcept { return overwritten_; }

  /// The oldest item a get_nowait() would return, without removing it; null when empty(). The pointer is
  /// valid until the queue next changes.
  const T* peek() const noexcept { return this->empty() ? nullptr : &this->buf_.front(); }

 private:
  template <class U>
  bool push(U&& item) {
    if (this->buf_.full()) {
      this->buf_.drop_front();
      this->buf_.push_back(std::forward<U>(item));
      ++overwritten_;
      return false;
    }
    this->add(std::forward<U>(item));
    return true;
  }

  std::size_t overwritten_ = 0;
};

}  // namespace aiopi
