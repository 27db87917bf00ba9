// rp2040::GpioOutput / GpioInput: SIO-controlled pins and the IO_BANK0 edge interrupt (see gpio.hpp).
#include "aiopi/rp2040/gpio.hpp"

#include <array>
#include <atomic>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/rp2040/backend.hpp"
#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "hal_common.hpp"

namespace aiopi::rp2040 {
namespace {

// ---- the ISR -> loop staging ring (one producer: the ISR; one consumer: the loop) ------------------------
struct StagedEdge {
  std::int64_t t_us;
  std::uint8_t pin;
  bool rising;  // electrical
};

std::array<StagedEdge, GpioInput::kStagedEdges> g_staged;
std::atomic<std::uint32_t> g_head{0};              // next to read (loop)
std::atomic<std::uint32_t> g_tail{0};              // next to write (ISR)
std::array<std::uint32_t, pins::kCount> g_lost{};  // edges the full ring could not take; ISR adds, loop takes
// Set by the ISR with any g_lost count, so the loop walks the 30 counters (each under IrqGuard) only after a
// loss: the walk was ~600 of the ~1600 cycles from an edge to its task (docs/performance.md).
volatile bool g_any_lost = false;
std::array<GpioInput*, pins::kCount> g_inputs{};
Loop* g_loop = nullptr;
bool g_irq_enabled = false;

void on_staged(ForeignWake&) noexcept {
  GpioInput::deliver_staged();
}
ForeignWake g_wake(&on_staged);

inline void stage(unsigned pin, bool rising, std::int64_t t_us) noexcept {
  const std::uint32_t tail = g_tail.load(std::memory_order_relaxed);
  if (tail - g_head.load(std::memory_order_acquire) >= GpioInput::kStagedEdges) {
    ++g_lost[pin];
    g_any_lost = true;
    return;
  }
  g_staged[tail % GpioInput::kStagedEdges] = StagedEdge{t_us, static_cast<std::uint8_t>(pin), rising};
  g_tail.store(tail + 1, std::memory_order_release);
}

// Edge bits of all eight GPIOs of one INTR/INTE register (EDGE_LOW and EDGE_HIGH of each nibble).
constexpr std::uint32_t kEdgeBitsAll = 0xccccccccu;

std::uint32_t inte_bits(const hal::InputConfig& c) noexcept {
  // Logical edges to electrical ones: with active_low a logical rising edge is the pin falling.
  std::uint32_t bits = 0;
  if (hal::detects(c.edges, hal::Edge::rising)) bits |= c.active_low ? pins::kEdgeLow : pins::kEdgeHigh;
  if (hal::detects(c.edges, hal::Edge::falling)) bits |= c.active_low ? pins::kEdgeHigh : pins::kEdgeLow;
  return bits;
}

}  // namespace
}  // namespace aiopi::rp2040

// IO_BANK0's interrupt to processor 0 (IRQ 13, datasheet §2.3.2). The time is read first, so the stamp is as
// close to the edge as the interrupt latency allows (a few hundred ns at 125 MHz plus any masked section).
extern "C" void aiopi_isr_io_bank0() {
  using namespace aiopi::rp2040;
  const auto t_us = static_cast<std::int64_t>(time_us());  // TIMERAWH/L, the loop's clock
  bool staged = false;
  for (unsigned r = 0; r < 4; ++r) {
    const std::uint32_t status = reg(pins::kProc0Ints0 + 4 * r) & kEdgeBitsAll;
    if (status == 0) continue;
    reg(pins::kIntr0 + 4 * r) = status;  // edge bits are write-1-to-clear (§2.19.6.1 INTR0)
    for (unsigned k = 0; k < 8; ++k) {
      const std::uint32_t bits = (status >> (4 * k)) & (pins::kEdgeLow | pins::kEdgeHigh);
      if (bits == 0) continue;
      const unsigned pin = 8 * r + k;
      const bool rise = (bits & pins::kEdgeHigh) != 0;
      const bool fall = (bits & pins::kEdgeLow) != 0;
      if (rise && fall) {
        // Both since the last run: the level now says which came last.
        const bool high_now = pins::level(pin);
        stage(pin, !high_now, t_us);
        stage(pin, high_now, t_us);
      } else {
        stage(pin, rise, t_us);
      }
      staged = true;
    }
  }
  if (staged && g_loop != nullptr) g_loop->post_threadsafe(g_wake);
}

namespace aiopi::rp2040 {

// ---- GpioOutput -------------------------------------------------------------------------------------------

GpioOutput::GpioOutput(unsigned pin, const hal::OutputConfig& config) noexcept
    : hal::DigitalOutput(config), pin_(pin) {
  hal_detail::check_pin(pin, "rp2040::GpioOutput: pin beyond GPIO29");
  pins::unreset_io();
  // Keep the pulls the board set up; input enabled so the wire can be read back (pins::level).
  const std::uint32_t pulls = reg(pins::pad(pin)) & (pins::kPadPullUp | pins::kPadPullDown);
  pins::configure_pad(pin, pins::PadConfig{.input_enable = true,
                                           .output_disable = false,
                                           .pull_up = (pulls & pins::kPadPullUp) != 0,
                                           .pull_down = (pulls & pins::kPadPullDown) != 0});
  drive(config.initial);  // SIO OUT/OE first: the pin goes straight to its initial level
  pins::set_function(pin, pins::Function::sio);
}

void GpioOutput::drive(bool logical) noexcept {
  const bool high = logical != config().active_low;
  const std::uint32_t bit = 1u << pin_;
  switch (config().drive) {
    case hal::Drive::push_pull:
      reg(high ? pins::kSioGpioOutSet : pins::kSioGpioOutClr) = bit;
      reg(pins::kSioGpioOeSet) = bit;
      break;
    case hal::Drive::open_drain:  // drives low only; high = released (the pull-up raises it)
      reg(pins::kSioGpioOutClr) = bit;
      reg(high ? pins::kSioGpioOeClr : pins::kSioGpioOeSet) = bit;
      break;
    case hal::Drive::open_source:  // drives high only; low = released
      reg(pins::kSioGpioOutSet) = bit;
      reg(high ? pins::kSioGpioOeSet : pins::kSioGpioOeClr) = bit;
      break;
  }
  level_ = logical;
}

hal::IoResult<void> GpioOutput::set(bool level) {
  if (released_) return hal::io_error(hal::IoErrc::closed, "GpioOutput set: the line was released");
  drive(level);
  return {};
}

hal::IoResult<bool> GpioOutput::get() {
  if (released_) return hal::io_error(hal::IoErrc::closed, "GpioOutput get: the line was released");
  return level_;
}

void GpioOutput::release() noexcept {
  if (released_) return;
  released_ = true;
  reg(pins::kSioGpioOeClr) = 1u << pin_;
  pins::set_function(pin_, pins::Function::null);
}

// ---- GpioInput --------------------------------------------------------------------------------------------

GpioInput::GpioInput(Loop& loop, unsigned pin, const hal::InputConfig& config) noexcept
    : hal::DigitalInput(config), loop_(loop), pin_(pin) {
  hal_detail::check_pin(pin, "rp2040::GpioInput: pin beyond GPIO29");
  if (g_inputs[pin] != nullptr) usage_error("rp2040::GpioInput: the pin is already an input");
  pins::unreset_io();
  const std::uint32_t old = reg(pins::pad(pin));
  pins::PadConfig pad{.input_enable = true, .output_disable = true};
  switch (config.bias) {
    case hal::Bias::as_is:
      pad.pull_up = (old & pins::kPadPullUp) != 0;
      pad.pull_down = (old & pins::kPadPullDown) != 0;
      break;
    case hal::Bias::off:
      break;
    case hal::Bias::pull_up:
      pad.pull_up = true;
      break;
    case hal::Bias::pull_down:
      pad.pull_down = true;
      break;
  }
  pins::configure_pad(pin, pad);
  reg(pins::kSioGpioOeClr) = 1u << pin;
  pins::set_function(pin, pins::Function::sio);
  g_inputs[pin] = this;

  const std::uint32_t bits = inte_bits(config) << pins::irq_shift(pin);
  if (bits == 0) return;
  g_loop = &loop;
  loop.add_external_source();
  counted_source_ = true;
  const Addr off = 4 * pins::irq_reg(pin);
  reg(pins::kIntr0 + off) = bits;  // forget edges seen while the pin was configured
  reg_set(pins::kProc0Inte0 + off, bits);
  if (!g_irq_enabled) {
    g_irq_enabled = true;
    irq_enable(Irq::io_bank0);
  }
}

hal::IoResult<bool> GpioInput::value() {
  if (released_) return hal::io_error(hal::IoErrc::closed, "GpioInput value: the line was released");
  return pins::level(pin_) != config().active_low;
}

void GpioInput::release() noexcept {
  if (released_) return;
  released_ = true;
  const Addr off = 4 * pins::irq_reg(pin_);
  const std::uint32_t bits = (pins::kEdgeLow | pins::kEdgeHigh) << pins::irq_shift(pin_);
  {
    IrqGuard guard;
    reg_clear(pins::kProc0Inte0 + off, bits);
    reg(pins::kIntr0 + off) = bits;
    g_inputs[pin_] = nullptr;  // staged edges of this pin are dropped on delivery
    g_lost[pin_] = 0;
  }
  edge_queue().close();
  if (counted_source_) {
    counted_source_ = false;
    loop_.remove_external_source();
  }
}

void GpioInput::deliver(bool electrical_rising, std::int64_t t_us) noexcept {
  const hal::Edge edge = electrical_rising != config().active_low ? hal::Edge::rising : hal::Edge::falling;
  if (hal::detects(config().edges, edge)) edge_queue().push(edge, t_us);
}

void GpioInput::deliver_staged() noexcept {
  std::uint32_t head = g_head.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint32_t tail = g_tail.load(std::memory_order_acquire);
    if (head == tail) break;
    while (head != tail) {
      const StagedEdge e = g_staged[head % kStagedEdges];
      ++head;
      g_head.store(head, std::memory_order_release);
      if (GpioInput* in = g_inputs[e.pin]) in->deliver(e.rising, e.t_us);
    }
  }
  if (!g_any_lost) return;
  g_any_lost = false;  // before the walk: a loss the ISR adds meanwhile sets it again and posts another wake
  for (unsigned pin = 0; pin < pins::kCount; ++pin) {
    std::uint32_t lost;
    {
      IrqGuard guard;
      lost = g_lost[pin];
      g_lost[pin] = 0;
    }
    if (lost != 0 && g_inputs[pin] != nullptr) g_inputs[pin]->edge_queue().push_lost(lost);
  }
}

}  // namespace aiopi::rp2040
