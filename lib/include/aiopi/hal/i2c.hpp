// The I2C bus of the HAL: awaitable transfers (write, read, write-then-read with a repeated start) and the
// SMBus helpers built on them. Every result is an IoResult; NACK, bus error and timeout are distinct kinds.
//
//   hal::IoResult<std::uint8_t> id = co_await bus.read_byte_data(0x40, 0xfe);
//   hal::IoResult<void> w = co_await bus.write(0x3c, cmd).timeout(5ms);   // per-transfer time limit
//
// ## The shape, and why
//
// A transfer is an *operation object* (I2cOp) that lives in the awaiting coroutine frame, as every awaiter of
// the core does: no allocation per transfer, no task per transfer. The awaiter returned by each call holds
// the op, up to two messages and a small scratch buffer (register number, SMBus results), so the SMBus
// helpers allocate nothing either. A backend implements two functions:
//
//   void submit(I2cOp& op) noexcept   start (or queue) the op; later, on the loop's thread, call
//                                     I2cBus::complete(op, result). Completing inside submit() is allowed.
//   void abort(I2cOp& op) noexcept    the awaiting frame is going away (its task was cancelled) or the op's
//                                     time limit passed: when abort returns, the backend never again touches
//                                     the op or its buffers, and will not complete it.
//
// A backend destroyed (or closed) while ops are queued or running completes each of them with
// IoErrc::closed first, so no awaiter is left pointing at a dead bus.
//
// This serves the three backends:
//  * Linux (i2c-dev): one worker thread per bus runs the I2C_RDWR / I2C_SMBUS ioctl on *its own copies* of
//  the
//    messages (bounce buffers) and posts the result back through a ForeignWake (loop.post_threadsafe), so the
//    loop never blocks on the bus. abort() on a queued op unlinks it; on the op the worker is running it
//    marks it abandoned (the worker discards the result), so abort never waits for the kernel.
//  * RP2040: submit() programs the I2C block and its IRQ; the IRQ pushes completion through the loop's
//    critical-section inbox; abort() disables the IRQ and aborts the transfer (IC_ENABLE.ABORT).
//  * sim: ops queue on the simulated bus and complete by a timer after the scripted transfer time.
//
// The time limit is enforced here, not by each backend: the op carries a TimerNode armed at submit; when it
// fires first, the op is aborted and completes with IoErrc::timeout. Default: I2cBus::timeout() (1 s, the
// Linux adapters' default), per call `.timeout(d)`; Duration::max() means none.
//
// Cancel-safety: a task cancelled during a transfer aborts it (abort()); the bus stays usable. What a device
// saw of an aborted transfer is undefined (as with real hardware): a register write may or may not have
// happened. Transfers on one bus are served in the order they were submitted.
//
// The awaiters cannot be moved (their messages point into them): await them where they are made, e.g.
// `co_await bus.read(...)` or `co_await wait_for(bus.read(...), 10ms)`.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"

namespace aiopi::hal {

/// One segment of a transfer: a start (or repeated start), the address, then data in one direction.
struct I2cMessage {
  std::uint16_t addr = 0;  // 7-bit address
  bool read = false;
  /// SMBus block read (I2C_M_RECV_LEN): the first byte read is the count of bytes that follow; `len` is the
  /// room (1 + up to 32), and the backend sets `len` to 1 + count on success.
  bool recv_len = false;
  std::uint8_t* buf = nullptr;  // for a write, read-only data (never written through)
  std::size_t len = 0;
};

/// The largest SMBus block (bytes after the count).
inline constexpr std::size_t kSmbusBlockMax = 32;

class I2cBus;
struct I2cOpTag;

/// A transfer in flight: its messages, its time limit, the task waiting for it. Lives in the awaiting frame.
/// Backends may queue it on an IntrusiveList<I2cOp, I2cOpTag>.
class I2cOp : public ListHook<I2cOpTag>, private TimerNode {
 public:
  I2cOp(const I2cOp&) = delete;
  I2cOp& operator=(const I2cOp&) = delete;

  /// The backend's queue hook (not the time-limit timer's).
  using ListHook<I2cOpTag>::unlink;
  using ListHook<I2cOpTag>::linked;

  std::span<I2cMessage> messages() noexcept { return {msgs_, count_}; }
  /// What was asked ("I2C write_read"), for messages.
  const char* name() const noexcept { return name_; }
  Duration time_limit() const noexcept { return timeout_; }

 protected:
  I2cOp(I2cBus& bus, const char* name) noexcept;
  ~I2cOp();

  void add(const I2cMessage& m) noexcept { msgs_[count_++] = m; }
  /// Starts the op (await_suspend): arms the time limit and submits.
  void start(TaskBase& task) noexcept;
  bool submitted() const noexcept { return state_ != State::idle; }

  I2cBus* bus_;
  IoError result_{};
  Duration timeout_;
  const char* name_;

 private:
  friend class I2cBus;
  enum class State : unsigned char { idle, running, done };
  static void on_time_limit(TimerNode& node) noexcept;
  void finish(const IoError& result) noexcept;

  I2cMessage msgs_[2];
  std::uint8_t count_ = 0;
  State state_ = State::idle;
  TaskBase* task_ = nullptr;
};

/// The awaiter of every I2C call: `co_await` gives IoResult<R>. `.timeout(d)` sets this transfer's limit.
template <class R>
class [[nodiscard]] I2cTransfer : private I2cOp {
 public:
  using Decode = IoResult<R> (*)(I2cTransfer& self);

  /// Made in place by an I2cBus call; `build` adds the messages (they may point into the scratch buffer).
  template <class Build>
  I2cTransfer(I2cBus& bus, const char* name, Decode decode, Build&& build) noexcept
      : I2cOp(bus, name), decode_(decode) {
    build(*this);
  }
  I2cTransfer(const I2cTransfer&) = delete;
  I2cTransfer& operator=(const I2cTransfer&) = delete;

  /// Awaits the transfer it refers to (what timeout() gives; movable, the transfer stays where it was made).
  class [[nodiscard]] Ref {
   public:
    explicit Ref(I2cTransfer& t) noexcept : t_(&t) {}
    bool await_ready() const noexcept { return t_->await_ready(); }
    void await_suspend(std::coroutine_handle<> h) { t_->await_suspend(h); }
    IoResult<R> await_resume() { return t_->await_resume(); }

   private:
    I2cTransfer* t_;
  };

  /// Sets this transfer's time limit (Duration::max(): none): `co_await bus.read(...).timeout(5ms)`. Await
  /// the result in the same full expression (it refers to the transfer).
  Ref timeout(Duration d) noexcept {
    timeout_ = d;
    return Ref(*this);
  }

  bool await_ready() const noexcept { return !result_.ok(); }  // refused before starting (bad argument)
  void await_suspend(std::coroutine_handle<> h) { start(Loop::running().suspend_current(h)); }
  IoResult<R> await_resume() {
    if (!result_.ok()) return result_;
    if constexpr (std::is_void_v<R>) {
      return {};
    } else {
      return decode_(*this);
    }
  }

 private:
  friend class I2cBus;
  void refuse(IoErrc kind, const char* what) noexcept { result_ = io_error(kind, what); }
  I2cMessage& msg(std::size_t i) noexcept { return messages()[i]; }

  Decode decode_;
  std::uint8_t scratch_[2 + kSmbusBlockMax] = {};
  std::span<std::uint8_t> out_{};  // where a block read's data goes
};

/// An I2C bus master. Derive to implement a backend (submit / abort, see the top of the file).
class I2cBus {
 public:
  I2cBus() noexcept = default;
  I2cBus(const I2cBus&) = delete;
  I2cBus& operator=(const I2cBus&) = delete;
  virtual ~I2cBus() = default;

  /// The default time limit of a transfer (1 s).
  Duration timeout() const noexcept { return timeout_; }
  void set_timeout(Duration d) noexcept { timeout_ = d; }

  // ---- plain I2C ----------------------------------------------------------------------------------------
  /// START addr+W data STOP.
  I2cTransfer<void> write(std::uint16_t addr, std::span<const std::uint8_t> data) noexcept {
    return I2cTransfer<void>(*this, "I2C write", nullptr, [&](I2cTransfer<void>& t) {
      if (check_addr(t, addr)) t.add(wmsg(addr, data));
    });
  }
  /// START addr+R data STOP.
  I2cTransfer<void> read(std::uint16_t addr, std::span<std::uint8_t> data) noexcept {
    return I2cTransfer<void>(*this, "I2C read", nullptr, [&](I2cTransfer<void>& t) {
      if (check_addr(t, addr)) t.add(I2cMessage{addr, true, false, data.data(), data.size()});
    });
  }
  /// START addr+W out REPEATED-START addr+R in STOP (one transfer: no other master gets in between).
  I2cTransfer<void> write_read(std::uint16_t addr, std::span<const std::uint8_t> out,
                               std::span<std::uint8_t> in) noexcept {
    return I2cTransfer<void>(*this, "I2C write_read", nullptr, [&](I2cTransfer<void>& t) {
      if (!check_addr(t, addr)) return;
      t.add(wmsg(addr, out));
      t.add(I2cMessage{addr, true, false, in.data(), in.size()});
    });
  }

  // ---- SMBus helpers (word data is little-endian, as SMBus defines) ---------------------------------------
  /// Receive byte: START addr+R [b] STOP.
  I2cTransfer<std::uint8_t> read_byte(std::uint16_t addr) noexcept {
    return I2cTransfer<std::uint8_t>(*this, "SMBus read_byte", &decode_u8<0>,
                                     [&](I2cTransfer<std::uint8_t>& t) {
                                       if (check_addr(t, addr))
                                         t.add(I2cMessage{addr, true, false, t.scratch_, 1});
                                     });
  }
  /// Send byte: START addr+W b STOP.
  I2cTransfer<void> write_byte(std::uint16_t addr, std::uint8_t value) noexcept {
    return I2cTransfer<void>(*this, "SMBus write_byte", nullptr, [&](I2cTransfer<void>& t) {
      t.scratch_[0] = value;
      if (check_addr(t, addr)) t.add(I2cMessage{addr, false, false, t.scratch_, 1});
    });
  }
  /// Read byte data: write reg, repeated start, read one byte.
  I2cTransfer<std::uint8_t> read_byte_data(std::uint16_t addr, std::uint8_t reg) noexcept {
    return I2cTransfer<std::uint8_t>(*this, "SMBus read_byte_data", &decode_u8<1>,
                                     [&](I2cTransfer<std::uint8_t>& t) { reg_then_read(t, addr, reg, 1); });
  }
  /// Write byte data: START addr+W reg value STOP.
  I2cTransfer<void> write_byte_data(std::uint16_t addr, std::uint8_t reg, std::uint8_t value) noexcept {
    return I2cTransfer<void>(*this, "SMBus write_byte_data", nullptr, [&](I2cTransfer<void>& t) {
      t.scratch_[0] = reg;
      t.scratch_[1] = value;
      if (check_addr(t, addr)) t.add(I2cMessage{addr, false, false, t.scratch_, 2});
    });
  }
  /// Read word data: write reg, repeated start, read low byte then high byte.
  I2cTransfer<std::uint16_t> read_word_data(std::uint16_t addr, std::uint8_t reg) noexcept {
    return I2cTransfer<std::uint16_t>(*this, "SMBus read_word_data", &decode_u16,
                                      [&](I2cTransfer<std::uint16_t>& t) { reg_then_read(t, addr, reg, 2); });
  }
  /// Write word data: START addr+W reg low high STOP.
  I2cTransfer<void> write_word_data(std::uint16_t addr, std::uint8_t reg, std::uint16_t value) noexcept {
    return I2cTransfer<void>(*this, "SMBus write_word_data", nullptr, [&](I2cTransfer<void>& t) {
      t.scratch_[0] = reg;
      t.scratch_[1] = static_cast<std::uint8_t>(value & 0xff);
      t.scratch_[2] = static_cast<std::uint8_t>(value >> 8);
      if (check_addr(t, addr)) t.add(I2cMessage{addr, false, false, t.scratch_, 3});
    });
  }
  /// Block read: write reg, repeated start, read a count byte and that many bytes (at most 32) into `out`.
  /// Gives the count; IoErrc::overflow when `out` is too small for what the device sent.
  I2cTransfer<std::size_t> read_block_data(std::uint16_t addr, std::uint8_t reg,
                                           std::span<std::uint8_t> out) noexcept {
    return I2cTransfer<std::size_t>(*this, "SMBus read_block_data", &decode_block,
                                    [&](I2cTransfer<std::size_t>& t) {
                                      t.out_ = out;
                                      t.scratch_[0] = reg;
                                      if (!check_addr(t, addr)) return;
                                      t.add(I2cMessage{addr, false, false, t.scratch_, 1});
                                      t.add(I2cMessage{addr, true, true, t.scratch_ + 1, 1 + kSmbusBlockMax});
                                    });
  }
  /// Block write: START addr+W reg count data STOP (at most 32 bytes).
  I2cTransfer<void> write_block_data(std::uint16_t addr, std::uint8_t reg,
                                     std::span<const std::uint8_t> data) noexcept {
    return I2cTransfer<void>(*this, "SMBus write_block_data", nullptr, [&](I2cTransfer<void>& t) {
      if (data.size() > kSmbusBlockMax) {
        t.refuse(IoErrc::invalid_argument, "SMBus write_block_data: more than 32 bytes");
        return;
      }
      t.scratch_[0] = reg;
      t.scratch_[1] = static_cast<std::uint8_t>(data.size());
      if (!data.empty()) std::memcpy(t.scratch_ + 2, data.data(), data.size());
      if (check_addr(t, addr)) t.add(I2cMessage{addr, false, false, t.scratch_, 2 + data.size()});
    });
  }

  /// Backend side: ends `op` with `result` (kind ok for success). On the loop's thread; at most once; not
  /// after abort(op).
  static void complete(I2cOp& op, IoError result) noexcept { op.finish(result); }
  /// The message a backend may use for a failure kind when it has nothing more precise.
  static const char* default_message(IoErrc kind) noexcept;

 protected:
  friend class I2cOp;
  virtual void submit(I2cOp& op) noexcept = 0;
  virtual void abort(I2cOp& op) noexcept = 0;

 private:
  template <class R>
  static bool check_addr(I2cTransfer<R>& t, std::uint16_t addr) noexcept {
    if (addr > 0x7f) {
      t.refuse(IoErrc::invalid_argument, "I2C: address beyond 7 bits (0x00-0x7f)");
      return false;
    }
    return true;
  }
  static I2cMessage wmsg(std::uint16_t addr, std::span<const std::uint8_t> data) noexcept {
    return I2cMessage{addr, false, false, const_cast<std::uint8_t*>(data.data()), data.size()};
  }
  template <class R>
  static void reg_then_read(I2cTransfer<R>& t, std::uint16_t addr, std::uint8_t reg, std::size_t n) noexcept {
    t.scratch_[0] = reg;
    if (!check_addr(t, addr)) return;
    t.add(I2cMessage{addr, false, false, t.scratch_, 1});
    t.add(I2cMessage{addr, true, false, t.scratch_ + 1, n});
  }
  template <std::size_t kAt>
  static IoResult<std::uint8_t> decode_u8(I2cTransfer<std::uint8_t>& t) noexcept {
    return t.scratch_[kAt];
  }
  static IoResult<std::uint16_t> decode_u16(I2cTransfer<std::uint16_t>& t) noexcept {
    return static_cast<std::uint16_t>(t.scratch_[1] | (t.scratch_[2] << 8));
  }
  static IoResult<std::size_t> decode_block(I2cTransfer<std::size_t>& t) noexcept {
    const std::size_t count = t.scratch_[1];
    if (count > kSmbusBlockMax || t.msg(1).len != 1 + count)
      return io_error(IoErrc::io, "SMBus read_block_data: the device sent an invalid block count");
    if (count > t.out_.size())
      return io_error(IoErrc::overflow, "SMBus read_block_data: the block is larger than the buffer given");
    if (count != 0) std::memcpy(t.out_.data(), t.scratch_ + 2, count);
    return count;
  }

  Duration timeout_ = std::chrono::seconds(1);
};

// ---- I2cOp ------------------------------------------------------------------------------------------------

inline I2cOp::I2cOp(I2cBus& bus, const char* name) noexcept
    : TimerNode(&I2cOp::on_time_limit), bus_(&bus), timeout_(bus.timeout()), name_(name) {}

inline I2cOp::~I2cOp() {
  // Unwound while the transfer runs (cancelled): the backend lets go of it before the buffers disappear.
  if (state_ == State::running) bus_->abort(*this);
}

inline void I2cOp::start(TaskBase& task) noexcept {
  task_ = &task;
  state_ = State::running;
  if (timeout_ != Duration::max()) {
    Loop& loop = task.loop();
    loop.arm(*this, saturating_add(loop.now(), timeout_));
  }
  bus_->submit(*this);
}

inline void I2cOp::finish(const IoError& result) noexcept {
  if (state_ != State::running) return;
  state_ = State::done;
  if (armed()) task_->loop().disarm(*this);
  result_ = result;
  task_->loop().make_ready(*task_);
}

inline void I2cOp::on_time_limit(TimerNode& node) noexcept {
  auto& op = static_cast<I2cOp&>(node);
  if (op.state_ != State::running) return;
  op.bus_->abort(op);
  op.finish(io_error(IoErrc::timeout, I2cBus::default_message(IoErrc::timeout)));
}

inline const char* I2cBus::default_message(IoErrc kind) noexcept {
  switch (kind) {
    case IoErrc::nack:
      return "I2C transfer: not acknowledged (NACK: no device at the address, or it refused a byte)";
    case IoErrc::bus_error:
      return "I2C transfer: bus error (arbitration lost, or SDA/SCL stuck)";
    case IoErrc::timeout:
      return "I2C transfer: did not complete within its time limit";
    case IoErrc::closed:
      return "I2C transfer: the bus was closed";
    case IoErrc::busy:
      return "I2C transfer: the bus is busy";
    case IoErrc::unsupported:
      return "I2C transfer: the adapter cannot do this kind of transfer";
    case IoErrc::overflow:
      return "I2C transfer: more data than the buffer holds";
    case IoErrc::invalid_argument:
      return "I2C transfer: invalid argument";
    default:
      return "I2C transfer failed";
  }
}

}  // namespace aiopi::hal
