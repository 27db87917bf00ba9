// rp2040::I2cBus: hal::I2cBus on the DW_apb_i2c blocks, master mode, interrupt-driven (see i2c.hpp).
#include "aiopi/rp2040/i2c.hpp"

#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "hal_common.hpp"

namespace aiopi::rp2040 {
namespace {

// DW_apb_i2c registers (datasheet §4.3.17).
constexpr Addr kCon = 0x00;           // IC_CON
constexpr Addr kTar = 0x04;           // IC_TAR: written while the block is disabled
constexpr Addr kDataCmd = 0x10;       // IC_DATA_CMD: DAT [7:0], CMD 8 (1 = read), STOP 9, RESTART 10
constexpr Addr kSsSclHcnt = 0x14;     // IC_SS_SCL_HCNT
constexpr Addr kSsSclLcnt = 0x18;     // IC_SS_SCL_LCNT
constexpr Addr kFsSclHcnt = 0x1c;     // IC_FS_SCL_HCNT
constexpr Addr kFsSclLcnt = 0x20;     // IC_FS_SCL_LCNT
constexpr Addr kIntrStat = 0x2c;      // IC_INTR_STAT (masked)
constexpr Addr kIntrMask = 0x30;      // IC_INTR_MASK
constexpr Addr kRawIntrStat = 0x34;   // IC_RAW_INTR_STAT
constexpr Addr kRxTl = 0x38;          // IC_RX_TL
constexpr Addr kTxTl = 0x3c;          // IC_TX_TL
constexpr Addr kClrIntr = 0x40;       // IC_CLR_INTR: reading clears every clearable interrupt
constexpr Addr kClrTxAbrt = 0x54;     // IC_CLR_TX_ABRT: reading also releases the flushed TX FIFO
constexpr Addr kClrStopDet = 0x60;    // IC_CLR_STOP_DET
constexpr Addr kEnable = 0x6c;        // IC_ENABLE: ENABLE 0, ABORT 1
constexpr Addr kStatus = 0x70;        // IC_STATUS: ACTIVITY 0, MST_ACTIVITY 5
constexpr Addr kTxflr = 0x74;         // IC_TXFLR
constexpr Addr kRxflr = 0x78;         // IC_RXFLR
constexpr Addr kSdaHold = 0x7c;       // IC_SDA_HOLD: IC_SDA_TX_HOLD [15:0]
constexpr Addr kTxAbrtSource = 0x80;  // IC_TX_ABRT_SOURCE
constexpr Addr kEnableStatus = 0x9c;  // IC_ENABLE_STATUS: IC_EN 0
constexpr Addr kFsSpklen = 0xa0;      // IC_FS_SPKLEN

constexpr std::uint32_t kCmdRead = 1u << 8, kCmdStop = 1u << 9, kCmdRestart = 1u << 10;
// IC_CON: MASTER_MODE 0, SPEED [2:1] (1 standard, 2 fast), IC_RESTART_EN 5, IC_SLAVE_DISABLE 6,
// TX_EMPTY_CTRL 8 (TX_EMPTY only once the last command has left the shift register).
constexpr std::uint32_t kConMaster = 1u << 0, kConRestartEn = 1u << 5, kConSlaveDisable = 1u << 6,
                        kConTxEmptyCtrl = 1u << 8;
// Interrupt bits (IC_INTR_MASK / _STAT / RAW): RX_FULL 2, TX_EMPTY 4, TX_ABRT 6, STOP_DET 9.
constexpr std::uint32_t kIntRxFull = 1u << 2, kIntTxEmpty = 1u << 4, kIntTxAbrt = 1u << 6,
                        kIntStopDet = 1u << 9;
constexpr std::uint32_t kEnableBit = 1u << 0, kAbortBit = 1u << 1;
constexpr std::uint32_t kStatusActivity = 1u << 0, kStatusMstActivity = 1u << 5;
// IC_TX_ABRT_SOURCE: 7-bit address NACK 0, 10-bit address NACKs 1-2, data NACK 3, general call NACK 4,
// arbitration lost 12.
constexpr std::uint32_t kAbrtNackBits = 0x1f, kAbrtArbLost = 1u << 12;
constexpr std::size_t kFifoDepth = 16;  // both FIFOs (§4.3.1)

I2cBus* g_buses[2] = {nullptr, nullptr};

hal::IoErrc kind_of(std::uint32_t abort_source) noexcept {
  if ((abort_source & kAbrtNackBits) != 0) return hal::IoErrc::nack;
  if ((abort_source & kAbrtArbLost) != 0) return hal::IoErrc::bus_error;
  return hal::IoErrc::io;
}

}  // namespace

I2cBus::I2cBus(Loop& loop, unsigned sda_pin, unsigned scl_pin, std::uint32_t hz) noexcept
    : loop_(loop),
      index_((sda_pin / 2) % 2),
      base_((sda_pin / 2) % 2 == 0 ? kI2c0Base : kI2c1Base),
      sda_pin_(sda_pin),
      scl_pin_(scl_pin),
      hz_(hz) {
  hal_detail::check_pin(sda_pin, "rp2040::I2cBus: SDA pin beyond GPIO29");
  hal_detail::check_pin(scl_pin, "rp2040::I2cBus: SCL pin beyond GPIO29");
  // Function table (§2.19.2): GPn carries I2C((n / 2) % 2), SDA on even pins, SCL on odd ones.
  if (sda_pin % 2 != 0 || scl_pin % 2 != 1 || (scl_pin / 2) % 2 != index_)
    usage_error("rp2040::I2cBus: the pins are not SDA and SCL of one I2C block (e.g. GP4/GP5)");
  // The SCL counts are 16-bit registers: 60 % of the period must stay below 65536 cycles (from 1.2 kHz).
  if (hz < 2'000 || hz > 400'000) usage_error("rp2040::I2cBus: frequency must be 2 kHz to 400 kHz");
  if (g_buses[index_] != nullptr) usage_error("rp2040::I2cBus: that I2C block is already open");

  pins::unreset_io();
  unreset(index_ == 0 ? resets::kI2c0 : resets::kI2c1);
  g_buses[index_] = this;
  disable_block();

  // SCL timing from clk_sys (§4.3.14): the period in clk_sys cycles, 60 % low and 40 % high, which meets
  // the I2C minimums (standard: low 4.7 us, high 4.0 us; fast: low 1.3 us, high 0.6 us) at both rates.
  const std::uint32_t period = (hal_detail::kClkSysHz + hz / 2) / hz;
  const std::uint32_t lcnt = period * 3 / 5;
  const std::uint32_t hcnt = period - lcnt;
  const bool fast = hz > 100'000;
  reg(base_ + kCon) =
      kConMaster | ((fast ? 2u : 1u) << 1) | kConRestartEn | kConSlaveDisable | kConTxEmptyCtrl;
  reg(base_ + (fast ? kFsSclHcnt : kSsSclHcnt)) = hcnt;
  reg(base_ + (fast ? kFsSclLcnt : kSsSclLcnt)) = lcnt;
  // Spikes up to 50 ns are suppressed (I2C fast mode): 7 cycles at 8 ns.
  reg(base_ + kFsSpklen) = 7;
  // SDA hold after SCL falls: at least 300 ns (fast mode tHD;DAT): 39 cycles = 312 ns.
  reg(base_ + kSdaHold) = 39;
  reg(base_ + kRxTl) = 0;  // RX_FULL as soon as one byte is there
  reg(base_ + kTxTl) = 0;  // TX_EMPTY when the FIFO has run dry
  reg(base_ + kIntrMask) = 0;

  pins::PadConfig pad{.input_enable = true, .pull_up = true};
  pins::configure_pad(sda_pin, pad);
  pins::configure_pad(scl_pin, pad);
  pins::set_function(sda_pin, pins::Function::i2c);
  pins::set_function(scl_pin, pins::Function::i2c);
  loop_.add_external_source();
  irq_enable(index_ == 0 ? Irq::i2c0 : Irq::i2c1);
}

I2cBus::~I2cBus() {
  hal::I2cOp* running;
  {
    IrqGuard guard;
    reg(base_ + kIntrMask) = 0;
    running = cur_;
    cur_ = nullptr;
    done_ = false;
    aborting_ = false;
  }
  irq_disable(index_ == 0 ? Irq::i2c0 : Irq::i2c1);
  const hal::IoError closed = hal::io_error(hal::IoErrc::closed, default_message(hal::IoErrc::closed));
  if (running != nullptr) complete(*running, closed);
  while (!queue_.empty())
    complete(queue_.pop_front(), closed);
  reg(base_ + kEnable) = kEnableBit | kAbortBit;
  disable_block();
  pins::set_function(sda_pin_, pins::Function::null);
  pins::set_function(scl_pin_, pins::Function::null);
  g_buses[index_] = nullptr;
  loop_.drain_inbox();
  loop_.remove_external_source();
}

void I2cBus::disable_block() noexcept {
  // §4.3.10.3: after clearing IC_ENABLE, IC_ENABLE_STATUS.IC_EN says when the block has really stopped.
  for (unsigned spin = 0; spin < 100000 && (reg(base_ + kStatus) & kStatusMstActivity) != 0; ++spin) {
  }
  reg(base_ + kEnable) = 0;
  for (unsigned spin = 0; spin < 100000 && (reg(base_ + kEnableStatus) & 1u) != 0; ++spin) {
  }
}

// ---- loop side -----------------------------------------------------------------------------------------

void I2cBus::submit(hal::I2cOp& op) noexcept {
  queue_.push_back(op);
  bool idle;
  {
    IrqGuard guard;
    idle = cur_ == nullptr && !aborting_ && !done_;
  }
  if (idle) start_next();
}

void I2cBus::start_next() noexcept {
  while (!queue_.empty()) {
    hal::I2cOp& op = queue_.pop_front();
    std::span<hal::I2cMessage> m = op.messages();
    bool ok = !m.empty();
    for (const hal::I2cMessage& msg : m)
      if (msg.len == 0 || msg.addr != m[0].addr) ok = false;
    if (!ok) {
      complete(op,
               hal::io_error(hal::IoErrc::unsupported,
                             "rp2040::I2cBus: zero-length messages (address-only probes) are not supported"));
      continue;
    }
    disable_block();
    reg(base_ + kTar) = m[0].addr;
    hal_detail::read_to_clear(base_ + kClrIntr);
    reg(base_ + kEnable) = kEnableBit;
    IrqGuard guard;
    msgs_ = m.data();
    nmsgs_ = m.size();
    cmd_msg_ = cmd_pos_ = rx_msg_ = rx_pos_ = 0;
    reads_in_flight_ = 0;
    discard_ = 0;
    stop_issued_ = false;
    count_known_ = false;
    block_bad_ = false;
    abort_source_ = 0;
    done_ = false;
    cur_ = &op;
    reg(base_ + kIntrMask) = kIntRxFull | kIntTxEmpty | kIntTxAbrt | kIntStopDet;
    service();  // the first commands now: the emulator raises TX_EMPTY only after a command ran
    return;
  }
}

void I2cBus::on_wake(ForeignWake& w) noexcept {
  I2cBus& bus = *static_cast<Wake&>(w).owner;
  hal::I2cOp* op = nullptr;
  hal::IoErrc kind = hal::IoErrc::ok;
  bool bad_block = false;
  bool idle;
  {
    IrqGuard guard;
    if (bus.done_) {
      op = bus.cur_;
      kind = bus.result_;
      bad_block = bus.block_bad_;
      bus.cur_ = nullptr;
      bus.done_ = false;
    }
    idle = bus.cur_ == nullptr && !bus.aborting_;
  }
  if (op != nullptr) {
    if (kind == hal::IoErrc::ok)
      complete(*op, {});
    else
      complete(*op,
               hal::io_error(kind, bad_block ? "SMBus read_block_data: the device sent an invalid block count"
                                             : default_message(kind)));
  }
  if (idle) bus.start_next();
}

void I2cBus::abort(hal::I2cOp& op) noexcept {
  if (op.linked()) {  // still queued
    op.unlink();
    return;
  }
  bool wake = false;
  {
    IrqGuard guard;
    if (cur_ != &op) return;
    cur_ = nullptr;
    done_ = false;
    msgs_ = nullptr;
    nmsgs_ = 0;
    // §4.3.10.3.3: ABORT makes the controller flush the TX FIFO and send STOP after the byte on the wire; the
    // bit clears itself and TX_ABRT (USER_ABRT) reports it done. An idle controller clears it at once.
    reg(base_ + kEnable) = kEnableBit | kAbortBit;
    if ((reg(base_ + kEnable) & kAbortBit) != 0) {
      aborting_ = true;
      reg(base_ + kIntrMask) = kIntTxAbrt | kIntStopDet;
    } else {
      reg(base_ + kIntrMask) = 0;
      wake = true;
    }
  }
  if (wake && !queue_.empty()) loop_.post_threadsafe(wake_);  // the next op starts from the loop
}

// ---- ISR side (interrupts masked) ----------------------------------------------------------------------

void I2cBus::on_irq() noexcept {
  service();
}

void I2cBus::finish_hw(hal::IoErrc kind) noexcept {
  reg(base_ + kIntrMask) = 0;
  result_ = kind;
  done_ = true;
  loop_.post_threadsafe(wake_);
}

bool I2cBus::next_command(std::uint32_t& cmd) noexcept {
  if (stop_issued_) return false;
  while (cmd_msg_ < nmsgs_) {
    hal::I2cMessage& m = msgs_[cmd_msg_];
    const bool awaiting_count = m.recv_len && !count_known_;
    const std::size_t len = awaiting_count ? 1 : m.len;
    if (cmd_pos_ >= len) {
      if (awaiting_count) return false;  // the count byte decides how many reads follow
      if (cmd_msg_ + 1 < nmsgs_) {
        ++cmd_msg_;
        cmd_pos_ = 0;
        continue;
      }
      // The last message is complete but its STOP was not sent (a block count of 0, or an invalid one,
      // after the count read went out): one more read carries the STOP and is thrown away.
      if (reads_in_flight_ >= kFifoDepth) return false;
      cmd = kCmdRead | kCmdStop;
      ++reads_in_flight_;
      ++discard_;
      stop_issued_ = true;
      return true;
    }
    if (m.read && reads_in_flight_ >= kFifoDepth) return false;  // the RX FIFO must hold every answer
    cmd = m.read ? kCmdRead : m.buf[cmd_pos_];
    if (cmd_pos_ == 0 && cmd_msg_ > 0) cmd |= kCmdRestart;
    if (!awaiting_count && cmd_pos_ + 1 == len && cmd_msg_ + 1 == nmsgs_) {
      cmd |= kCmdStop;
      stop_issued_ = true;
    }
    if (m.read) ++reads_in_flight_;
    ++cmd_pos_;
    return true;
  }
  return false;
}

void I2cBus::store(std::uint8_t byte) noexcept {
  if (reads_in_flight_ != 0) --reads_in_flight_;
  while (rx_msg_ < nmsgs_) {
    const hal::I2cMessage& m = msgs_[rx_msg_];
    if (m.read && rx_pos_ < ((m.recv_len && !count_known_) ? 1 : m.len)) break;
    ++rx_msg_;
    rx_pos_ = 0;
  }
  if (rx_msg_ >= nmsgs_) {  // the padding read
    if (discard_ != 0) --discard_;
    return;
  }
  hal::I2cMessage& m = msgs_[rx_msg_];
  m.buf[rx_pos_++] = byte;
  if (m.recv_len && rx_pos_ == 1) {
    count_known_ = true;
    if (byte == 0 || byte > hal::kSmbusBlockMax || 1u + byte > m.len) {
      block_bad_ = byte != 0;
      m.len = 1;
    } else {
      m.len = 1u + byte;
    }
  }
}

void I2cBus::service() noexcept {
  if (cur_ == nullptr) {
    const std::uint32_t raw = reg(base_ + kRawIntrStat);
    if (aborting_ && (raw & (kIntTxAbrt | kIntStopDet)) != 0) {
      hal_detail::read_to_clear(base_ + kClrIntr);
      // Done only once the hardware has cleared IC_ENABLE.ABORT (§4.3.17 IC_ENABLE): TX_ABRT can come before
      // the STOP, and a STOP_DET left over would end the next transfer at once.
      if ((reg(base_ + kEnable) & kAbortBit) != 0) return;
      aborting_ = false;
      reg(base_ + kIntrMask) = 0;
      loop_.post_threadsafe(wake_);  // the next op can start
    } else if (!aborting_) {
      reg(base_ + kIntrMask) = 0;
    }
    return;
  }
  const std::uint32_t stat = reg(base_ + kIntrStat);
  if ((stat & kIntTxAbrt) != 0) {
    abort_source_ |= reg(base_ + kTxAbrtSource);
    hal_detail::read_to_clear(base_ + kClrTxAbrt);
  }
  while (reg(base_ + kRxflr) != 0)
    store(static_cast<std::uint8_t>(reg(base_ + kDataCmd) & 0xff));
  if (abort_source_ == 0) {
    std::uint32_t cmd = 0;
    // A TX_ABRT raised while filling (a NACK can come back at once) stops the fill: later words would
    // start a new transfer once the flushed FIFO is released.
    while (reg(base_ + kTxflr) < kFifoDepth && (reg(base_ + kRawIntrStat) & kIntTxAbrt) == 0 &&
           next_command(cmd))
      reg(base_ + kDataCmd) = cmd;
  }
  if ((abort_source_ & kAbrtArbLost) != 0) {  // another master owns the bus: no STOP of ours will come
    finish_hw(hal::IoErrc::bus_error);
    return;
  }
  const bool more = !stop_issued_ && abort_source_ == 0;
  reg(base_ + kIntrMask) = kIntRxFull | kIntTxAbrt | kIntStopDet | (more ? kIntTxEmpty : 0u);
  if ((stat & kIntStopDet) != 0) {
    hal_detail::read_to_clear(base_ + kClrStopDet);
    if (abort_source_ != 0)
      finish_hw(kind_of(abort_source_));
    else if (block_bad_)
      finish_hw(hal::IoErrc::io);
    else if (stop_issued_ && reads_in_flight_ == 0)
      finish_hw(hal::IoErrc::ok);
    else
      finish_hw(hal::IoErrc::io);  // a STOP before the transfer's end
  }
}

}  // namespace aiopi::rp2040

// I2C0 / I2C1 (IRQ 23 / 24, §2.3.2).
extern "C" void aiopi_isr_i2c0() {
  if (aiopi::rp2040::g_buses[0] != nullptr) aiopi::rp2040::g_buses[0]->on_irq();
}
extern "C" void aiopi_isr_i2c1() {
  if (aiopi::rp2040::g_buses[1] != nullptr) aiopi::rp2040::g_buses[1]->on_irq();
}
