// The simulated board's I2C bus: device models attached at addresses, scripted failures (NACK, bus error)
// and slow transfers, all on the loop's virtual clock. Transfers run one at a time in submission order; a
// transfer's effect on the devices happens when it completes (after its transfer time).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::sim {

/// A device model on the simulated bus. Each message of a transfer addressed to it is one call; on_stop()
/// follows the transfer's STOP. Returning anything but ok ends the transfer with that kind (nack: the device
/// refused a byte).
class SimI2cDevice {
 public:
  virtual ~SimI2cDevice() = default;
  virtual hal::IoErrc on_write(std::span<const std::uint8_t> data) = 0;
  virtual hal::IoErrc on_read(std::span<std::uint8_t> data) = 0;
  virtual void on_stop() {}
};

/// The common register-map device: a write's first byte sets the register pointer, further bytes are
/// written from there; a read streams from the pointer. The pointer auto-increments (wrapping at the end of
/// the map) and survives a repeated start, so write_read(reg) reads from reg. An SMBus block read streams the
/// same way: the byte at the register is the count.
class SimRegisterDevice : public SimI2cDevice {
 public:
  explicit SimRegisterDevice(std::size_t size = 256) : regs_(size, 0) {}

  void set(std::uint8_t reg, std::uint8_t value) { regs_[reg % regs_.size()] = value; }
  void set(std::uint8_t reg, std::span<const std::uint8_t> bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
      regs_[(reg + i) % regs_.size()] = bytes[i];
  }
  std::uint8_t get(std::uint8_t reg) const { return regs_[reg % regs_.size()]; }
  std::size_t pointer() const noexcept { return ptr_; }

  hal::IoErrc on_write(std::span<const std::uint8_t> data) override;
  hal::IoErrc on_read(std::span<std::uint8_t> data) override;

 private:
  std::vector<std::uint8_t> regs_;
  std::size_t ptr_ = 0;
};

/// One message of a completed transfer, as the bus saw it.
struct SimI2cMessageRecord {
  std::uint16_t addr;
  bool read;
  std::vector<std::uint8_t> data;
};
/// One transfer that completed (successfully or not): its virtual start and end, messages, result.
struct SimI2cTransferRecord {
  std::int64_t start_us;
  std::int64_t end_us;
  std::vector<SimI2cMessageRecord> messages;
  hal::IoErrc result;
};

class SimI2cBus final : public hal::I2cBus, private TimerNode {
 public:
  explicit SimI2cBus(Loop& loop) noexcept;
  ~SimI2cBus() override;

  /// Attaches a device at a 7-bit address (it must outlive the bus or be detached); an address with no
  /// device NACKs.
  void attach(std::uint16_t addr, SimI2cDevice& device) { devices_[addr] = &device; }
  void detach(std::uint16_t addr) { devices_.erase(addr); }
  /// Makes an address NACK (device present or not) until told otherwise.
  void nack(std::uint16_t addr, bool on = true);
  /// The next `count` transfers fail with `kind` (bus_error: arbitration lost / stuck bus).
  void fail_next(hal::IoErrc kind, int count = 1) noexcept {
    fail_kind_ = kind;
    fail_count_ = count;
  }
  /// Every transfer takes `d` of virtual time (default 0).
  void set_transfer_time(Duration d) noexcept { transfer_time_ = d; }
  /// Transfers to `addr` take `d` more (a slow device stretching the clock).
  void set_delay(std::uint16_t addr, Duration d) { delays_[addr] = d; }
  /// Closes the bus: queued transfers and later ones end with IoErrc::closed.
  void close() noexcept;

  /// Completed transfers, oldest first (aborted ones are not recorded).
  const std::vector<SimI2cTransferRecord>& log() const noexcept { return log_; }
  /// Transfers queued or running now.
  std::size_t in_flight() const noexcept { return queue_.size(); }

 protected:
  void submit(hal::I2cOp& op) noexcept override;
  void abort(hal::I2cOp& op) noexcept override;

 private:
  void start_next() noexcept;
  hal::IoErrc execute(hal::I2cOp& op, SimI2cTransferRecord& rec);
  static void on_timer(TimerNode& node) noexcept;

  Loop& loop_;
  IntrusiveList<hal::I2cOp, hal::I2cOpTag> queue_;  // the front one is running when active_ is set
  bool active_ = false;
  bool closed_ = false;
  std::int64_t active_start_us_ = 0;
  std::map<std::uint16_t, SimI2cDevice*> devices_;
  std::set<std::uint16_t> nacked_;
  std::map<std::uint16_t, Duration> delays_;
  hal::IoErrc fail_kind_ = hal::IoErrc::ok;
  int fail_count_ = 0;
  Duration transfer_time_{0};
  std::vector<SimI2cTransferRecord> log_;
};

}  // namespace aiopi::sim
