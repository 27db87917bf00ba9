// The firmware's name and version as daemon.info and the boot banner give them.
#pragma once

namespace aiopi::pico {

inline constexpr const char* kFirmwareName = "aiopi-pico";
inline constexpr const char* kFirmwareVersion = "0.1.0";
/// The tether protocol of docs/design/pico-tether.md.
inline constexpr int kProtocolVersion = 1;

}  // namespace aiopi::pico
