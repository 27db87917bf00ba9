// rp2040::AdcChannel: one-shot conversions of the RP2040's ADC (see adc.hpp).
#include "aiopi/rp2040/adc.hpp"

#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "hal_common.hpp"

namespace aiopi::rp2040 {
namespace {

// ADC (datasheet §4.9.6).
constexpr Addr kCs = kAdcBase + 0x00;      // CS
constexpr Addr kResult = kAdcBase + 0x04;  // RESULT [11:0]
constexpr std::uint32_t kCsEn = 1u << 0, kCsTsEn = 1u << 1, kCsStartOnce = 1u << 2, kCsReady = 1u << 8,
                        kCsErr = 1u << 9;
constexpr unsigned kCsAinselShift = 12;  // AINSEL [14:12]
constexpr std::uint32_t kCsAinselMask = 7u << kCsAinselShift;

// CLOCKS (§2.15.7): clk_adc's generator.
constexpr Addr kClkAdcCtrl = kClocksBase + 0x60;  // ENABLE 11, AUXSRC [7:5] (1 = clksrc_pll_sys)
constexpr Addr kClkAdcDiv = kClocksBase + 0x64;   // INT [9:8]
constexpr std::uint32_t kClkEnable = 1u << 11;

void start_adc() noexcept {
  if ((reg(kClkAdcCtrl) & kClkEnable) == 0) {
    // AUXSRC may only change while the generator is stopped (it is: ENABLE is clear).
    reg(kClkAdcDiv) = 3u << 8;
    reg(kClkAdcCtrl) = 1u << 5;
    reg(kClkAdcCtrl) = (1u << 5) | kClkEnable;
  }
  unreset(resets::kAdc);
  reg_set(kCs, kCsEn);
  for (unsigned spin = 0; spin < 10000 && (reg(kCs) & kCsReady) == 0; ++spin) {
  }
}

}  // namespace

AdcChannel::AdcChannel(unsigned channel) noexcept : channel_(channel) {
  if (channel > kTemperature)
    usage_error("rp2040::AdcChannel: channel must be 0..3 (GP26..29) or 4 (temperature)");
  if ((reg(kCs) & kCsEn) == 0) start_adc();
  if (channel == kTemperature) {
    reg_set(kCs, kCsTsEn);
  } else {
    const unsigned pin = 26 + channel;
    pins::unreset_io();
    // §4.9.1: a pin used as an ADC input should have its digital input and output disabled.
    pins::configure_pad(pin,
                        pins::PadConfig{.input_enable = false, .output_disable = true, .schmitt = false});
    pins::set_function(pin, pins::Function::null);
  }
}

hal::IoResult<std::uint16_t> AdcChannel::read_raw() {
  reg(kCs) = (reg(kCs) & ~kCsAinselMask) | (channel_ << kCsAinselShift) | kCsStartOnce;
  // A conversion is 96 clk_adc cycles (2.3 us at 41.7 MHz); the bound is ~100 times that.
  std::uint32_t cs = 0;
  for (unsigned spin = 0; spin < 20000; ++spin) {
    cs = reg(kCs);
    if ((cs & kCsReady) != 0) break;
  }
  if ((cs & kCsReady) == 0)
    return hal::io_error(hal::IoErrc::timeout, "rp2040::AdcChannel: the conversion did not finish");
  if ((cs & kCsErr) != 0)
    return hal::io_error(hal::IoErrc::io, "rp2040::AdcChannel: conversion error (CS.ERR)");
  return static_cast<std::uint16_t>(reg(kResult) & 0xfff);
}

hal::IoResult<std::uint16_t> AdcChannel::read_u16() {
  hal::IoResult<std::uint16_t> raw = read_raw();
  if (!raw) return raw;
  return scale_to_u16(*raw, 12);
}

}  // namespace aiopi::rp2040
