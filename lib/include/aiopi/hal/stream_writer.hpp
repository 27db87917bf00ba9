// StreamWriter: asyncio's StreamWriter over a fixed ring of bytes waiting to be sent.
//
//   if (auto w = writer.write("AT+GMR\r\n"); !w) log(w.error().what);   // buffers; never waits
//   hal::IoResult<void> d = co_await writer.drain();                    // back-pressure
//   writer.close();
//   co_await writer.wait_closed();                                      // what was buffered has been sent
//
// write() copies into the ring and never waits. The ring has a fixed size, so unlike asyncio a write that
// does not fit is refused whole with IoErrc::overflow (nothing is queued): await drain() first, or use
// `co_await write_all(bytes)`, which queues any amount, waiting for room as the transport sends.
//
// drain() is asyncio's flow control: once the buffered amount rises above the high-water mark the writer is
// "paused" and drain() waits until it falls to the low-water mark (hysteresis, as asyncio's
// pause_writing/resume_writing); otherwise it returns at once. set_write_buffer_limits(high, low) sets the
// marks (defaults: half and a quarter of the capacity; low defaults to high / 4); with high = 0, drain()
// waits until every byte has been handed to the device. After drain() returns ok, at least
// capacity() - high_water() bytes fit.
//
// close() starts closing: later writes fail with IoErrc::closed, the transport sends what is buffered and
// then ends the stream; wait_closed() waits for that and gives its result (the failure, if sending failed).
// is_closing() is true from close() on (or once the transport ended by itself).
//
// Errors: a failure to send (the device went away, the peer reset the connection) is recorded once
// (error()); waiting drains and write_alls resume with it, the bytes still buffered are dropped (they can
// no longer be sent), later writes and drains return it.
//
// Cancel-safety: drain() and wait_closed() only wait: cancelling them loses nothing (the bytes stay queued
// and are sent). A cancelled write_all() has queued a prefix of its bytes (sent as usual) and nothing else;
// write_alls are served in FIFO order and a plain write() is refused (IoErrc::busy) while one waits, so
// bytes of different writes never interleave.
//
// Backend side (see byte_transport.hpp): pending() + sent(n) to send straight from the ring, fail(e),
// closed(result). sent() may queue more bytes (a waiting write_all): the transport keeps sending while
// pending() is not empty.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/hal/byte_ring.hpp"
#include "aiopi/hal/byte_transport.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::hal {

class StreamWriter {
 public:
  /// A writer over `storage` (its capacity; must not be empty). `transport` is told when bytes are queued
  /// and when the writer is closed; with none, bytes stay queued and close() completes at once.
  explicit StreamWriter(std::span<std::uint8_t> storage, ByteTransport* transport = nullptr)
      : ring_(storage), transport_(transport), high_(storage.size() / 2), low_(storage.size() / 4) {
    if (storage.empty()) usage_error("StreamWriter: the buffer storage is empty");
  }
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;
  ~StreamWriter() {
    // Waiting tasks must not reach back into this object: they resume with IoErrc::closed.
    release(drains_);
    release(write_alls_);
    release(close_waiters_);
  }

  // ---- the awaiters -----------------------------------------------------------------------------------
  /// Common part: a waiter node that either was given its result or finds the writer gone.
  class [[nodiscard]] Wait : protected WaitNode {
   public:
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;

   protected:
    explicit Wait(StreamWriter& w) noexcept : w_(&w) {}
    ~Wait() = default;
    void suspend(WaitList<>& list, std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      list.push_back(*this);
    }
    IoResult<void> result() const noexcept {
      if (w_ == nullptr) return io_error(IoErrc::closed, "the stream was destroyed while a task waited");
      return result_;
    }

    friend StreamWriter;
    StreamWriter* w_;
    IoError result_{};
    bool done_ = false;
  };

  class [[nodiscard]] DrainOp : private Wait {
   public:
    explicit DrainOp(StreamWriter& w) noexcept : Wait(w) {}
    bool await_ready() noexcept { return w_->drain_result(result_); }
    void await_suspend(std::coroutine_handle<> h) { suspend(w_->drains_, h); }
    IoResult<void> await_resume() noexcept { return result(); }

   private:
    friend StreamWriter;
  };

  class [[nodiscard]] WriteAllOp : private Wait {
   public:
    WriteAllOp(StreamWriter& w, std::span<const std::uint8_t> data) noexcept : Wait(w), data_(data) {}
    /// Cancelled while waiting: the prefix already queued stays queued; if this op was first in line, the
    /// next write_all starts queueing.
    ~WriteAllOp() {
      if (!linked()) return;
      const bool first = w_ != nullptr && &w_->write_alls_.front() == this;
      unlink();
      if (first) w_->feed_write_alls();
    }
    bool await_ready() noexcept {
      if (!w_->accepts(result_)) return true;
      if (!w_->write_alls_.empty()) return false;
      // Queue what fits; a transport that sends at once (or a simulated peer) may make room as we go.
      for (;;) {
        const std::size_t n = w_->queue(data_.subspan(done_bytes_));
        done_bytes_ += n;
        if (done_bytes_ == data_.size()) return true;
        if (n == 0) return false;
      }
    }
    void await_suspend(std::coroutine_handle<> h) { suspend(w_->write_alls_, h); }
    IoResult<void> await_resume() noexcept { return result(); }
    /// Bytes queued so far.
    std::size_t queued() const noexcept { return done_bytes_; }

   private:
    friend StreamWriter;
    std::span<const std::uint8_t> data_;
    std::size_t done_bytes_ = 0;
  };

  class [[nodiscard]] WaitClosedOp : private Wait {
   public:
    explicit WaitClosedOp(StreamWriter& w) noexcept : Wait(w) {}
    bool await_ready() noexcept {
      if (!w_->closed_) return false;
      result_ = w_->close_result_;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) { suspend(w_->close_waiters_, h); }
    IoResult<void> await_resume() noexcept { return result(); }

   private:
    friend StreamWriter;
  };

  // ---- the API ----------------------------------------------------------------------------------------
  /// Queues all of `data` or nothing: IoErrc::overflow when it does not fit (nothing queued), closed after
  /// close(), busy while a write_all waits, the recorded failure after one.
  IoResult<void> write(std::span<const std::uint8_t> data) noexcept {
    IoError e{};
    if (!accepts(e)) return e;
    if (!write_alls_.empty())
      return io_error(IoErrc::busy, "write: a write_all is still queueing its bytes (await it first)");
    if (data.size() > ring_.space())
      return io_error(IoErrc::overflow,
                      "write: the bytes do not fit in the writer's buffer (await drain() first, or use "
                      "write_all)");
    queue(data);
    return {};
  }
  IoResult<void> write(std::string_view text) noexcept {
    return write(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
  /// Queues all of `data`, waiting for room as needed. `data` must stay valid until the await ends.
  WriteAllOp write_all(std::span<const std::uint8_t> data) noexcept { return WriteAllOp(*this, data); }
  WriteAllOp write_all(std::string_view text) noexcept {
    return WriteAllOp(*this, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                                           text.size()));
  }
  /// Waits while the writer is paused (above the high-water mark, until the low-water mark); see the top.
  DrainOp drain() noexcept { return DrainOp(*this); }
  /// Starts closing: the transport sends what is buffered, then ends the stream. Idempotent.
  void close() noexcept {
    if (closing_) return;
    closing_ = true;
    finish_all(write_alls_, io_error(IoErrc::closed, "write_all: the writer was closed"));
    if (transport_ != nullptr) {
      transport_->close();
    } else {
      closed();
    }
  }
  /// Waits until the stream has closed; gives the failure if sending failed.
  WaitClosedOp wait_closed() noexcept { return WaitClosedOp(*this); }
  bool is_closing() const noexcept { return closing_; }

  /// asyncio's set_write_buffer_limits: drain() waits above `high` until `low` (default high / 4).
  void set_write_buffer_limits(std::size_t high, std::size_t low = static_cast<std::size_t>(-1)) noexcept {
    high_ = high < ring_.capacity() ? high : ring_.capacity();
    low_ = low == static_cast<std::size_t>(-1) ? high_ / 4 : (low < high_ ? low : high_);
    if (ring_.size() > high_) paused_ = true;
    update_pause();
  }
  std::size_t high_water() const noexcept { return high_; }
  std::size_t low_water() const noexcept { return low_; }
  /// Bytes queued and not yet handed to the device (asyncio's transport.get_write_buffer_size()).
  std::size_t buffered() const noexcept { return ring_.size(); }
  std::size_t capacity() const noexcept { return ring_.capacity(); }
  /// Room for a write() now.
  std::size_t space() const noexcept { return ring_.space(); }
  /// The failure to send, kind ok if none.
  const IoError& error() const noexcept { return error_; }
  /// The transport has ended the stream (after close(), or by itself).
  bool is_closed() const noexcept { return closed_; }

  // ---- backend side (the transport, on the loop's thread) -------------------------------------------------
  /// The oldest queued bytes in one contiguous run (empty when nothing is queued).
  std::span<const std::uint8_t> pending() const noexcept { return ring_.front_run(); }
  /// The first `n` bytes of pending() were handed to the device. May queue more (a waiting write_all).
  void sent(std::size_t n) noexcept {
    if (n == 0) return;
    ring_.drop(n);
    update_pause();
    feed_write_alls();
  }
  /// Sending failed for good: waiting drains and write_alls resume with `e`, the queued bytes are dropped.
  void fail(IoError e) noexcept {
    if (!error_.ok() || closed_) return;
    error_ = e.ok() ? io_error(IoErrc::io, "write: the stream failed") : e;
    ring_.drop(ring_.size());
    paused_ = false;
    finish_all(drains_, error_);
    finish_all(write_alls_, error_);
  }
  /// The stream has ended (flushed after close(), or lost): wait_closed() resumes with `result` (or the
  /// recorded failure), unsent bytes are dropped, later writes fail with closed.
  void closed(IoError result = {}) noexcept {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    close_result_ = result.ok() ? error_ : result;
    ring_.drop(ring_.size());
    paused_ = false;
    const IoError gone = error_.ok()
                             ? io_error(IoErrc::closed, "write: the stream closed before its bytes were sent")
                             : error_;
    finish_all(drains_, gone);
    finish_all(write_alls_, gone);
    finish_all(close_waiters_, close_result_);
  }

 private:
  /// May bytes be queued now? Otherwise `e` says why.
  bool accepts(IoError& e) const noexcept {
    if (!error_.ok()) {
      e = error_;
    } else if (closing_ || closed_) {
      e = io_error(IoErrc::closed, "write: the stream is closing or closed");
    } else {
      return true;
    }
    return false;
  }
  /// What a drain() gives without waiting, or false if it must wait.
  bool drain_result(IoError& out) const noexcept {
    if (!error_.ok()) {
      out = error_;
    } else if (closed_) {
      out = io_error(IoErrc::closed, "drain: the stream is closed");
    } else if (paused_) {
      return false;
    }
    return true;
  }
  /// Copies what fits, tells the transport; returns how many bytes were queued.
  std::size_t queue(std::span<const std::uint8_t> data) noexcept {
    const std::size_t n = ring_.push(data);
    if (n == 0) return 0;
    if (ring_.size() > high_) paused_ = true;
    if (transport_ != nullptr) transport_->write_ready();
    return n;
  }
  void update_pause() noexcept {
    if (paused_ && ring_.size() <= low_) {
      paused_ = false;
      finish_all(drains_, IoError{});
    }
  }
  /// Queues the bytes of waiting write_alls, in order, as far as they fit; completes those done.
  void feed_write_alls() noexcept {
    while (!write_alls_.empty()) {
      auto& op = static_cast<WriteAllOp&>(static_cast<Wait&>(write_alls_.front()));
      const std::size_t n = ring_.push(op.data_.subspan(op.done_bytes_));
      op.done_bytes_ += n;
      if (n != 0 && ring_.size() > high_) paused_ = true;
      if (op.done_bytes_ != op.data_.size()) return;
      op.unlink();
      op.done_ = true;
      op.task->loop().make_ready(*op.task);
    }
  }
  void finish_all(WaitList<>& list, const IoError& result) noexcept {
    while (!list.empty()) {
      auto& op = static_cast<Wait&>(list.pop_front());
      op.result_ = result;
      op.done_ = true;
      op.task->loop().make_ready(*op.task);
    }
  }
  void release(WaitList<>& list) noexcept {
    while (!list.empty()) {
      auto& op = static_cast<Wait&>(list.pop_front());
      op.w_ = nullptr;
      op.task->loop().make_ready(*op.task);
    }
  }

  ByteRing ring_;
  ByteTransport* transport_;
  std::size_t high_;
  std::size_t low_;
  WaitList<> drains_;
  WaitList<> write_alls_;
  WaitList<> close_waiters_;
  IoError error_{};
  IoError close_result_{};
  bool paused_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace aiopi::hal
