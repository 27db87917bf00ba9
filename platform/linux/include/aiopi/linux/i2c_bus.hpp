// The Linux I2C bus: hal::I2cBus over i2c-dev (/dev/i2c-N), with the loop never blocking on the bus.
//
//   auto opened = os_linux::LinuxI2cBus::open(loop, "bcm2835 (i2c@7e804000)");   // or "1", "/dev/i2c-1"
//   if (!opened) { std::fprintf(stderr, "%s\n", opened.error().message.c_str()); return 1; }
//   hal::I2cBus& bus = *opened;
//   auto id = co_await bus.read_byte_data(0x40, 0xfe);
//
// ## How a transfer runs
//
// An I2C transfer takes about a millisecond at 100 kHz, and the kernel's ioctl sleeps through it. So each
// bus has ONE worker thread that runs the ioctls, one transfer at a time, in submission order:
//
//   loop thread                                        worker thread
//   submit(op): queue it; if the worker is idle,
//     plan it (I2C_RDWR / I2C_SMBUS / refuse, see
//     i2c_transfer_plan.hpp), copy its messages into
//     the bus's bounce buffers, hand over the job  -->   runs the ioctl on the copies
//                                                       posts the job back (ForeignWake)
//   the post runs on the loop: copy read data back <--
//     to the op, complete it; start the next one
//
// The worker never touches an op or the awaiting frame, only the bus's own job slot and bounce buffers (two
// of kI2cRdwrMaxMessage bytes, allocated once when the bus is made): no allocation per transfer, and no
// lock on the loop's side (the hand-over is an atomic and a futex wake).
//
// abort (the awaiting task was cancelled, or the transfer's time limit passed): a queued op is unlinked; the
// op the worker is running is marked abandoned — the worker finishes the ioctl and its result is discarded
// (counted in discarded()). abort never waits for the kernel. The next op starts when the worker is free.
//
// close() (and the destructor) completes the running op and the queued ones with IoErrc::closed, then joins
// the worker — which waits for an ioctl in progress (the adapter's own timeout bounds it: 1 s by default).
// Later transfers complete with closed at once. Make, use and close a bus on its loop's thread; the loop must
// outlive it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <thread>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/linux/i2c_adapter_port.hpp"
#include "aiopi/linux/i2c_lookup.hpp"
#include "aiopi/linux/i2c_transfer_plan.hpp"
#include "aiopi/linux/open_result.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

class LinuxI2cBus final : public hal::I2cBus {
 public:
  /// Opens a bus by number ("1"), node ("i2c-1", "/dev/i2c-1") or adapter name (see find_i2c_bus), and reads
  /// its functionality once (I2C_FUNCS). Errors name what was asked and list the buses here; permission
  /// denied names the `i2c` group.
  static OpenResult<LinuxI2cBus> open(Loop& loop, std::string_view what, const I2cRoots& roots = {});

  /// A bus on any adapter port (a simulated one in tests and the bench). Starts the worker thread.
  LinuxI2cBus(Loop& loop, std::unique_ptr<I2cAdapterPort> port, I2cBusInfo info = {});
  /// Closes the bus (see close()).
  ~LinuxI2cBus() override;

  /// Completes the running and queued transfers with IoErrc::closed, joins the worker (waiting for an ioctl
  /// in progress) and releases the adapter. Later transfers end with closed at once. Idempotent.
  void close() noexcept;
  bool closed() const noexcept { return closed_; }

  /// The adapter's functionality (I2C_FUNC_* bits), read once.
  std::uint32_t funcs() const noexcept { return funcs_; }
  /// Number, adapter name and node of the bus (empty for a bus made on a port).
  const I2cBusInfo& info() const noexcept { return info_; }

  /// Transfers queued or running (an abandoned one the worker still runs is not counted).
  std::size_t in_flight() const noexcept { return queued_ + (running_ != nullptr ? 1 : 0); }
  /// Transfers the worker has run (abandoned ones included).
  std::uint64_t worker_transfers() const noexcept { return worker_transfers_; }
  /// Results the worker produced for transfers aborted while it ran them (discarded).
  std::uint64_t discarded() const noexcept { return discarded_; }

 protected:
  void submit(hal::I2cOp& op) noexcept override;
  void abort(hal::I2cOp& op) noexcept override;

 private:
  /// What the worker runs: the plan, the copies of the messages (pointing into the bounce buffers), and the
  /// errno it got. Written by the loop thread before the hand-over, by the worker until its post.
  struct Job {
    I2cPlan plan;
    hal::I2cMessage msgs[2];
    std::size_t count = 0;
    int result = 0;
  };
  struct DoneNode : ForeignWake {
    explicit DoneNode(LinuxI2cBus* b) noexcept : ForeignWake(&LinuxI2cBus::on_done), bus(b) {}
    LinuxI2cBus* bus;
  };
  // command_: what the worker is told. kJob is set by the loop thread, kIdle by the worker when it posts the
  // job back, kStop by close().
  static constexpr std::uint32_t kIdle = 0;
  static constexpr std::uint32_t kJob = 1;
  static constexpr std::uint32_t kStop = 2;

  void start_next() noexcept;
  void worker_main() noexcept;
  static void on_done(ForeignWake& node) noexcept;
  static void finish(hal::I2cOp& op, const hal::IoError& result) noexcept;

  Loop& loop_;
  std::unique_ptr<I2cAdapterPort> port_;
  I2cBusInfo info_;
  std::uint32_t funcs_ = 0;

  // Loop thread only.
  IntrusiveList<hal::I2cOp, hal::I2cOpTag> queue_;  // submitted, not yet handed to the worker
  std::size_t queued_ = 0;
  hal::I2cOp* running_ = nullptr;  // the op whose job the worker has; null when none or abandoned
  bool worker_busy_ = false;       // a job is with the worker (its post not yet handled)
  bool closed_ = false;
  std::uint64_t worker_transfers_ = 0;
  std::uint64_t discarded_ = 0;

  // Shared with the worker, handed over by command_ (to the worker) and the ForeignWake post (back).
  Job job_;
  std::unique_ptr<std::uint8_t[]> bounce_;  // 2 x kI2cRdwrMaxMessage
  std::atomic<std::uint32_t> command_{kIdle};
  DoneNode done_{this};
  std::thread worker_;
};

}  // namespace aiopi::os_linux
