// The simulated board's UART: a hal::Uart on the loop's virtual clock whose far end (the "peer") the test
// scripts. The peer sends chunks of bytes at virtual times, an EOF or an error; it reads what the UART
// writes at a rate the test limits (bytes per virtual millisecond) or not at all, and records every byte it
// took with the time. A slow peer makes the writer's back-pressure (drain) testable to the microsecond.
//
//   sim::SimUart uart(loop, {.baud = 9600}, {.rx = 64, .tx = 64});
//   uart.schedule({{1ms, "$GPGGA,1"}, {3ms, "23\r\n"}});     // a line split across two chunks
//   uart.set_peer_rate(10);                                   // the peer reads 10 bytes per ms
//   ... co_await uart.reader().readline(buf) ... uart.writer().write(...) ...
//   uart.written_text();                                      // everything the peer read
//
// Model: bytes the peer sent that do not fit in the reader's ring wait on the peer's side (as with flow
// control: none are lost) until the reader makes room. The peer takes at most `rate` bytes at once, then
// the next ones 1 ms later, and so on; with no limit it takes everything as soon as it is written.
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"

namespace aiopi::sim {

/// Bytes the simulated peer sends at virtual time `at` (measured from the clock's epoch).
struct BytesAt {
  Duration at;
  std::string_view bytes;
};

/// Bytes the simulated peer took from the writer, and the virtual time it took them.
struct PeerRead {
  std::int64_t t_us;
  std::string bytes;
  friend bool operator==(const PeerRead&, const PeerRead&) = default;
};

class SimUart final : public hal::Uart, private hal::ByteTransport {
 public:
  /// The peer's read rate when it has none (takes everything at once).
  static constexpr std::size_t kUnlimited = 0;

  SimUart(Loop& loop, const hal::UartConfig& config = {}, hal::BufferSizes sizes = {});
  ~SimUart() override;

  hal::StreamReader& reader() noexcept override { return reader_; }
  hal::StreamWriter& writer() noexcept override { return writer_; }
  const hal::UartConfig& config() const noexcept override { return config_; }
  /// Any setting that passes hal::validate() (the sim has every baud rate); recorded in configs().
  hal::IoResult<void> set_config(const hal::UartConfig& config) override;
  /// Every configuration the UART had, the first at construction.
  const std::vector<hal::UartConfig>& configs() const noexcept { return configs_; }

  // ---- what the peer sends ----------------------------------------------------------------------------
  /// Bytes arrive now.
  void receive(std::string_view bytes);
  /// Chunks arrive at their virtual times (a time already past: at the next timer expiry). Equal times keep
  /// the order given.
  void schedule(std::initializer_list<BytesAt> chunks);
  /// The peer ends the stream at `at` (after every byte scheduled before it): readers see EOF.
  void schedule_eof(Duration at);
  void receive_eof();
  /// The line fails at `at` (after the bytes before it): readers get what arrived, then IoErrc `kind`.
  void schedule_error(Duration at, hal::IoErrc kind = hal::IoErrc::io);
  /// Bytes the peer sent that wait for room in the reader's ring (or for their time).
  std::size_t undelivered() const noexcept;

  // ---- how the peer reads -----------------------------------------------------------------------------
  /// The peer takes at most `bytes_per_ms` bytes each virtual millisecond (kUnlimited: all at once).
  void set_peer_rate(std::size_t bytes_per_ms);
  /// The peer stops reading (the writer's buffer fills, drain() waits) until resume_peer().
  void pause_peer() noexcept { paused_ = true; }
  void resume_peer();
  /// The next time the peer would take bytes, sending fails instead with `kind` (a broken line): drains
  /// and later writes get the error.
  void fail_writes(hal::IoErrc kind = hal::IoErrc::io);
  /// Everything the peer took, in chunks with their virtual times (bytes taken at one time form one chunk).
  const std::vector<PeerRead>& peer_reads() const noexcept { return reads_; }
  /// Everything the peer took, as one string.
  std::string written_text() const;

  // ---- closing ----------------------------------------------------------------------------------------
  /// The UART was closed (writer.close(), after its bytes went out) and when.
  bool closed() const noexcept { return closed_; }
  std::int64_t closed_at_us() const noexcept { return closed_at_us_; }

 private:
  enum class Kind : unsigned char { bytes, eof, error };
  struct RxEvent {
    std::int64_t at_us;
    Kind kind;
    std::string bytes;
    hal::IoErrc error = hal::IoErrc::ok;
  };
  struct Timer : TimerNode {
    Timer(SimUart& o, FireFn f) noexcept : TimerNode(f), owner(&o) {}
    SimUart* owner;
  };

  // ByteTransport
  void resume_reading() noexcept override { deliver(); }
  void write_ready() noexcept override;
  void close() noexcept override;

  std::int64_t now_us() const noexcept { return loop_.now().time_since_epoch().count(); }
  void add(RxEvent ev);
  void arm_rx() noexcept;
  void deliver() noexcept;
  void take() noexcept;
  void finish_close() noexcept;
  static void on_rx_timer(TimerNode& node) noexcept;
  static void on_tx_timer(TimerNode& node) noexcept;

  Loop& loop_;
  hal::UartConfig config_;
  std::vector<hal::UartConfig> configs_;
  std::unique_ptr<std::uint8_t[]> storage_;
  hal::StreamReader reader_;
  hal::StreamWriter writer_;
  Timer rx_timer_;
  Timer tx_timer_;
  std::vector<RxEvent> scheduled_;  // sorted by time, equal times in insertion order
  std::deque<RxEvent> due_;         // arrived, waiting for room in the reader's ring
  std::size_t due_offset_ = 0;      // bytes of due_.front() already delivered
  std::size_t rate_ = kUnlimited;
  bool paused_ = false;
  hal::IoErrc write_failure_ = hal::IoErrc::ok;
  std::vector<PeerRead> reads_;
  bool closing_ = false;
  bool closed_ = false;
  std::int64_t closed_at_us_ = -1;
};

}  // namespace aiopi::sim
