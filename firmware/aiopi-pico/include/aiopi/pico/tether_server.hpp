// TetherServer: the Pico's end of the tether on a byte stream (UART0 on the board, a SimStreamPair in the
// tests). It sends the boot banner, then reads lines (LineFramer), answers each request in order
// (Dispatcher) and sends the devices' notifications in between.
//
// Outgoing bytes go through the stream's writer ring, which is the bounded outgoing queue: a reply waits
// for room (only the request task waits; the loop and the devices go on), a notification that does not fit
// now is dropped and counted (dropped_notifications()), so a slow or absent reader never blocks the loop
// and never makes the Pico's memory grow.
//
//   static TetherServer server(uart0, board, boot);
//   loop.create_task(server.run());
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "aiopi/hal/stream.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/pico/board.hpp"
#include "aiopi/pico/device_table.hpp"
#include "aiopi/pico/dispatcher.hpp"
#include "aiopi/pico/line_framer.hpp"
#include "aiopi/task.hpp"

namespace aiopi::pico {

class TetherServer final : private LineSink {
 public:
  /// The longest reply: devices.list of a full table.
  static constexpr std::size_t kMaxReply = 8192;

  TetherServer(hal::ByteStream& stream, Loop& loop, Board& board, std::uint32_t boot) noexcept
      : stream_(stream), devices_(loop, board, *this), dispatcher_(devices_, boot) {}
  TetherServer(const TetherServer&) = delete;
  TetherServer& operator=(const TetherServer&) = delete;

  /// Sends "#aiopi-pico 0.1.0 ready", then serves until the stream ends or fails; closes every device then.
  Task<> run();

  /// Sends a comment line ("#" is added) now, or drops it when there is no room.
  void comment(std::string_view text) noexcept;

  DeviceTable& devices() noexcept { return devices_; }
  std::uint32_t dropped_notifications() const noexcept { return dropped_; }
  std::uint32_t sent_notifications() const noexcept { return sent_; }
  std::uint32_t overlong_lines() const noexcept { return framer_.overlong_count(); }

 private:
  void send_line(std::string_view line) noexcept override;
  Task<bool> reply(std::string_view text);

  hal::ByteStream& stream_;
  DeviceTable devices_;
  Dispatcher dispatcher_;
  LineFramer framer_;
  std::array<char, kMaxReply> reply_buf_{};
  std::array<std::uint8_t, 64> chunk_{};
  std::uint32_t dropped_ = 0;
  std::uint32_t sent_ = 0;
};

}  // namespace aiopi::pico
