// The HAL's I2C bus (hal::I2cBus: awaitable transfers, SMBus helpers) on the RP2040's DW_apb_i2c blocks,
// master mode, interrupt-driven.
//
//   rp2040::I2cBus bus(loop, 4, 5);                       // I2C0 on GP4 (SDA) / GP5 (SCL), 100 kHz
//   rp2040::I2cBus fast(loop, 2, 3, 400'000);             // I2C1, fast mode
//   hal::IoResult<std::uint8_t> id = co_await bus.read_byte_data(0x40, 0xe7);
//
// I2cBus(loop, sda_pin, scl_pin, hz = 100'000): the instance follows from the pins (GPn is I2C((n/2)%2),
//   SDA on even pins, SCL on odd ones; other combinations are a usage error, as is a second bus on one
//   instance). hz up to 100 kHz uses standard mode, up to 400 kHz fast mode (SCL low 60 % / high 40 % of the
//   period from clk_sys 125 MHz); below 2 kHz or above 400 kHz is a usage error. The pads get FUNCSEL 3,
//   input enable and the internal pull-ups (about 50 kOhm: enough for a short bench bus, a real bus
//   wants 2.2-4.7 kOhm).
// Transfers run in submission order. The I2C interrupt (TX_EMPTY, RX_FULL, TX_ABRT, STOP_DET) feeds command
//   words from the op's messages into the TX FIFO (RESTART before a second message, STOP on the last
//   word), keeps at most 16 reads outstanding (the RX FIFO's depth), stores received bytes into the op's
//   buffers, and on STOP_DET posts a ForeignWake; the loop completes the op. Results: a NACK of the address
//   or of a data byte -> IoErrc::nack; arbitration lost -> bus_error; other aborts -> io. A message of zero
//   bytes (an address-only probe) is IoErrc::unsupported: the controller cannot send one.
// abort(op) (task cancelled, time limit): a queued op is dropped; the running one has its interrupt masked at
//   once and the controller told to ABORT (it sends STOP after the byte on the wire); the next op starts
//   when the controller reports the abort done. The op's buffers are never touched after abort returns.
#pragma once

#include <cstddef>
#include <cstdint>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::rp2040 {

class I2cBus final : public hal::I2cBus {
 public:
  I2cBus(Loop& loop, unsigned sda_pin, unsigned scl_pin, std::uint32_t hz = 100'000) noexcept;
  /// Ends the running and queued transfers with IoErrc::closed, disables the block, gives the pins back.
  ~I2cBus() override;

  /// 0 for I2C0, 1 for I2C1.
  unsigned index() const noexcept { return index_; }
  /// The SCL frequency set up (Hz).
  std::uint32_t frequency() const noexcept { return hz_; }

  /// The interrupt's work (called by aiopi_isr_i2c0/1).
  void on_irq() noexcept;

 protected:
  void submit(hal::I2cOp& op) noexcept override;
  void abort(hal::I2cOp& op) noexcept override;

 private:
  struct Wake : ForeignWake {
    explicit Wake(I2cBus* b) noexcept : ForeignWake(&I2cBus::on_wake), owner(b) {}
    I2cBus* owner;
  };
  static void on_wake(ForeignWake& w) noexcept;
  void start_next() noexcept;
  void service() noexcept;  // with interrupts masked (ISR, or IrqGuard)
  bool next_command(std::uint32_t& cmd) noexcept;
  void store(std::uint8_t byte) noexcept;
  void finish_hw(hal::IoErrc kind) noexcept;
  void disable_block() noexcept;

  Loop& loop_;
  unsigned index_;
  std::uintptr_t base_;
  unsigned sda_pin_, scl_pin_;
  std::uint32_t hz_;
  IntrusiveList<hal::I2cOp, hal::I2cOpTag> queue_;
  Wake wake_{this};

  // Shared with the ISR (the loop touches them only under IrqGuard).
  hal::I2cOp* volatile cur_ = nullptr;
  volatile bool aborting_ = false;  // a cancelled transfer is still winding down on the wire
  volatile bool done_ = false;
  volatile hal::IoErrc result_ = hal::IoErrc::ok;
  hal::I2cMessage* msgs_ = nullptr;
  std::size_t nmsgs_ = 0;
  std::size_t cmd_msg_ = 0, cmd_pos_ = 0;  // the next command word to issue
  std::size_t rx_msg_ = 0, rx_pos_ = 0;    // where the next received byte goes
  std::size_t reads_in_flight_ = 0;
  std::size_t discard_ = 0;  // received bytes to throw away (a padding read after a bad block count)
  bool stop_issued_ = false;
  bool count_known_ = false;  // the block count of a recv_len message has arrived
  bool block_bad_ = false;
  std::uint32_t abort_source_ = 0;
};

}  // namespace aiopi::rp2040
