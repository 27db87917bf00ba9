// StreamReader: asyncio's StreamReader over a fixed ring of received bytes (the reading half of a UART, a
// socket, a pipe). Every call reads into a buffer the caller gives and returns the part of it filled.
//
//   std::array<std::uint8_t, 128> buf;
//   hal::IoResult<std::span<std::uint8_t>> line = co_await reader.readline(buf);
//   if (!line) { /* line.error(): the stream failed (kind io, closed...) or the line is longer than buf */ }
//   else if (line->empty()) { /* EOF */ }
//   else handle(hal::as_text(*line));                        // includes the '\n'
//
// | call                     | gives                                   | at EOF (or after an error) |
// |--------------------------|-----------------------------------------|---------------------------------------|
// | read(buf)                | 1..buf.size() bytes, what is there      | empty (EOF) / the error | |
// readexactly(buf)         | exactly buf.size() bytes                | closed (or the error); the partial |
// |                          |                                         | bytes stay in the reader | |
// readline(buf)            | up to and including '\n'                | the partial last line, then empty | |
// readuntil(buf, sep)      | up to and including sep (any length)    | closed (or the error); bytes stay |
//
// asyncio's limit is the size of `buf` here (and never more than the ring): readline / readuntil find no
// separator within it -> IoErrc::overflow, and the data stays in the reader (asyncio's LimitOverrunError;
// read() takes it). asyncio's readline discards an over-long line instead; keeping it is the cancel-safe
// choice and lets the caller decide. readexactly asks for at most capacity() bytes (invalid_argument
// otherwise): it only takes bytes once all of them are there, which is what makes it cancel-safe.
// IncompleteReadError becomes an error of kind closed whose partial bytes stay readable (read() gets them,
// buffered() counts them).
//
// Guarantees:
//  * Cancel-safe, every call: bytes leave the ring only when the task that asked resumes and copies them out.
//    A readline cancelled while it waits (its task cancelled, or a wait_for around it timing out) took
//    nothing; the next read sees every byte, in order. A reader woken for its bytes but cancelled before it
//    ran leaves them for the next one.
//  * Readers are served in FIFO order: while one waits, a newcomer queues behind it (no barging). asyncio
//    refuses a second concurrent reader; FIFO is the safer answer when a cancelled reader is still unwinding.
//  * Bytes received before an EOF or an error are delivered first; at_eof() turns true once the stream has
//    ended (EOF or error) and the ring is empty.
//  * No allocation: the awaiter lives in the awaiting frame, the ring in storage chosen at construction.
//  * A reader destroyed while tasks wait wakes them with IoErrc::closed.
//
// Backend side (see byte_transport.hpp): write_space() + received(n), feed(), feed_eof(), fail(); on the
// loop's thread. When the ring is full the backend stops taking bytes; the reader calls
// ByteTransport::resume_reading() once it has room again.
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

/// The bytes of a span seen as text (no copy).
inline std::string_view as_text(std::span<const std::uint8_t> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
/// Text seen as bytes (no copy).
inline std::span<const std::uint8_t> as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class StreamReader {
 public:
  using Result = IoResult<std::span<std::uint8_t>>;

  /// A reader over `storage` (its capacity; must not be empty). `transport` is told when the ring has room
  /// again after being full; null for a reader fed by hand.
  explicit StreamReader(std::span<std::uint8_t> storage, ByteTransport* transport = nullptr)
      : ring_(storage), transport_(transport) {
    if (storage.empty()) usage_error("StreamReader: the buffer storage is empty");
  }
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;
  ~StreamReader() {
    // Waiting readers must not reach back into this object: they resume with IoErrc::closed.
    while (!waiters_.empty()) {
      auto& op = static_cast<ReadOp&>(waiters_.pop_front());
      op.reader_ = nullptr;
      op.task->loop().make_ready(*op.task);
    }
  }

  class [[nodiscard]] ReadOp : private WaitNode {
   public:
    enum class Mode : unsigned char { some, exactly, until, line };

    ReadOp(StreamReader& r, std::span<std::uint8_t> buf, Mode mode, std::string_view sep) noexcept
        : reader_(&r), buf_(buf), sep_(as_bytes(sep)), mode_(mode) {
      if (mode == Mode::exactly && buf.size() > r.capacity()) {
        refuse(
            "readexactly: more bytes asked than the reader's buffer holds (read in pieces, or open the "
            "stream with a larger receive buffer)");
      } else if ((mode == Mode::until || mode == Mode::line) && sep.empty()) {
        refuse("readuntil: the separator is empty");
      } else if ((mode == Mode::until || mode == Mode::line) && buf.size() < sep.size()) {
        refuse("readuntil: the buffer given is shorter than the separator");
      }
      limit_ = buf.size() < r.capacity() ? buf.size() : r.capacity();
    }
    ReadOp(const ReadOp&) = delete;
    ReadOp& operator=(const ReadOp&) = delete;
    /// Cancelled while waiting (or woken but unwound before running): nothing was taken; if this op was
    /// first in line, the next reader gets its chance.
    ~ReadOp() {
      if (!linked()) return;
      const bool first = reader_ != nullptr && &reader_->waiters_.front() == this;
      unlink();
      if (first) reader_->wake_first();
    }

    bool await_ready() noexcept {
      return !refused_.ok() || (reader_->waiters_.empty() && reader_->can_finish(*this));
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      reader_->waiters_.push_back(*this);
    }
    Result await_resume() noexcept {
      if (!refused_.ok()) return refused_;
      if (reader_ == nullptr)
        return io_error(IoErrc::closed, "read: the stream was destroyed while a task waited");
      unlink();
      Result r = reader_->finish(*this);
      reader_->wake_first();
      return r;
    }

   private:
    friend StreamReader;
    void refuse(const char* what) noexcept { refused_ = io_error(IoErrc::invalid_argument, what); }

    StreamReader* reader_;
    std::span<std::uint8_t> buf_;
    std::span<const std::uint8_t> sep_;
    std::size_t limit_ = 0;               // until/line: the separator must end within this many bytes
    std::size_t scanned_ = 0;             // until/line: no separator starts before this position
    std::size_t found_ = ByteRing::npos;  // until/line: where the separator starts
    IoError refused_{};
    Mode mode_;
  };

  /// Up to buf.size() bytes, as soon as there is at least one (asyncio read(n)); empty at EOF.
  ReadOp read(std::span<std::uint8_t> buf) noexcept { return ReadOp(*this, buf, ReadOp::Mode::some, {}); }
  /// Exactly buf.size() bytes (at most capacity()). EOF first: IoErrc::closed, the partial bytes stay.
  ReadOp readexactly(std::span<std::uint8_t> buf) noexcept {
    return ReadOp(*this, buf, ReadOp::Mode::exactly, {});
  }
  /// Bytes up to and including '\n'. At EOF: the partial last line, then empty. No '\n' within buf.size()
  /// bytes: IoErrc::overflow, the data stays.
  ReadOp readline(std::span<std::uint8_t> buf) noexcept {
    return ReadOp(*this, buf, ReadOp::Mode::line, "\n");
  }
  /// Bytes up to and including `sep` (one byte or more; `sep` must outlive the await). No separator within
  /// buf.size() bytes: IoErrc::overflow, the data stays. EOF first: IoErrc::closed, the data stays.
  ReadOp readuntil(std::span<std::uint8_t> buf, std::string_view sep) noexcept {
    return ReadOp(*this, buf, ReadOp::Mode::until, sep);
  }

  /// Takes what is buffered now, up to buf.size() bytes, without waiting (0 while other readers wait).
  std::size_t read_nowait(std::span<std::uint8_t> buf) noexcept {
    if (!waiters_.empty()) return 0;
    const std::size_t n = buf.size() < ring_.size() ? buf.size() : ring_.size();
    take(buf.data(), n);
    return n;
  }

  /// The stream has ended (EOF or an error) and every byte has been read.
  bool at_eof() const noexcept { return ended() && ring_.empty(); }
  /// No more bytes will arrive (EOF or an error), though some may still be buffered.
  bool ended() const noexcept { return eof_ || !error_.ok(); }
  /// The failure that ended the stream, kind ok if none (asyncio's exception()).
  const IoError& error() const noexcept { return error_; }
  /// Bytes received and not yet read.
  std::size_t buffered() const noexcept { return ring_.size(); }
  std::size_t capacity() const noexcept { return ring_.capacity(); }

  // ---- backend side (the transport, on the loop's thread) -------------------------------------------------
  /// The contiguous free room of the ring: receive into it, then call received(n).
  std::span<std::uint8_t> write_space() noexcept {
    return ended() ? std::span<std::uint8_t>{} : ring_.write_space();
  }
  /// `n` bytes were written into write_space().
  void received(std::size_t n) noexcept {
    if (n == 0) return;
    ring_.commit(n);
    wake_first();
  }
  /// Copies in as much of `bytes` as fits and returns how many (asyncio feed_data); nothing after the end.
  std::size_t feed(std::span<const std::uint8_t> bytes) noexcept {
    if (ended()) return 0;
    const std::size_t n = ring_.push(bytes);
    if (n != 0) wake_first();
    return n;
  }
  /// The peer ended the stream: readers get what is buffered, then EOF.
  void feed_eof() noexcept {
    if (ended()) return;
    eof_ = true;
    wake_first();
  }
  /// The stream failed: readers get what is buffered, then `e` (asyncio set_exception). The first end wins.
  void fail(IoError e) noexcept {
    if (ended()) return;
    error_ = e.ok() ? io_error(IoErrc::io, "read: the stream failed") : e;
    wake_first();
  }

 private:
  bool can_finish(ReadOp& op) noexcept {
    switch (op.mode_) {
      case ReadOp::Mode::some:
        return op.buf_.empty() || !ring_.empty() || ended();
      case ReadOp::Mode::exactly:
        return ring_.size() >= op.buf_.size() || ended();
      case ReadOp::Mode::until:
      case ReadOp::Mode::line:
        break;
    }
    if (op.found_ == ByteRing::npos) {
      op.found_ = ring_.find(op.sep_, op.scanned_, op.limit_);
      if (op.found_ == ByteRing::npos) {
        // Data only grows while the op waits (it is first in line): positions checked need no second look.
        const std::size_t seen = ring_.size() < op.limit_ ? ring_.size() : op.limit_;
        if (seen >= op.sep_.size()) op.scanned_ = seen - op.sep_.size() + 1;
      }
    }
    return op.found_ != ByteRing::npos || ring_.size() >= op.limit_ || ended();
  }

  Result finish(ReadOp& op) noexcept {
    if (!can_finish(op)) return io_error(IoErrc::io, "read: resumed before its bytes arrived");
    switch (op.mode_) {
      case ReadOp::Mode::some: {
        const std::size_t n = op.buf_.size() < ring_.size() ? op.buf_.size() : ring_.size();
        if (n == 0 && !error_.ok() && !op.buf_.empty()) return error_;
        take(op.buf_.data(), n);
        return op.buf_.first(n);
      }
      case ReadOp::Mode::exactly:
        if (ring_.size() >= op.buf_.size()) {
          take(op.buf_.data(), op.buf_.size());
          return op.buf_;
        }
        if (!error_.ok()) return error_;
        return io_error(
            IoErrc::closed,
            "readexactly: the stream ended (EOF) before that many bytes arrived; the bytes received "
            "stay in the reader");
      case ReadOp::Mode::until:
      case ReadOp::Mode::line:
        break;
    }
    if (op.found_ != ByteRing::npos) {
      const std::size_t n = op.found_ + op.sep_.size();
      take(op.buf_.data(), n);
      return op.buf_.first(n);
    }
    if (ring_.size() >= op.limit_) {
      return io_error(IoErrc::overflow,
                      op.mode_ == ReadOp::Mode::line
                          ? "readline: no end of line within the buffer given; the data stays in the reader"
                          : "readuntil: no separator within the buffer given; the data stays in the reader");
    }
    if (op.mode_ == ReadOp::Mode::line && !ring_.empty()) {  // the last line, unterminated
      const std::size_t n = ring_.size();
      take(op.buf_.data(), n);
      return op.buf_.first(n);
    }
    if (!error_.ok()) return error_;
    if (op.mode_ == ReadOp::Mode::line) return op.buf_.first(0);
    return io_error(
        IoErrc::closed,
        "readuntil: the stream ended (EOF) before the separator; the bytes received stay in the reader");
  }

  void take(std::uint8_t* out, std::size_t n) noexcept {
    if (n == 0) return;
    const bool was_full = ring_.full();
    ring_.pop(out, n);
    if (was_full && !ended() && transport_ != nullptr) transport_->resume_reading();
  }

  /// Wakes the first waiting reader if it can finish now (idempotent: a woken task is not queued twice).
  void wake_first() noexcept {
    if (waiters_.empty()) return;
    auto& op = static_cast<ReadOp&>(waiters_.front());
    if (can_finish(op)) op.task->loop().make_ready(*op.task);
  }

  ByteRing ring_;
  ByteTransport* transport_;
  WaitList<> waiters_;  // FIFO; the first may be woken already (it stays first until it resumes)
  IoError error_{};
  bool eof_ = false;
};

}  // namespace aiopi::hal
