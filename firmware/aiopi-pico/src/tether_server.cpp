#include "aiopi/pico/tether_server.hpp"

#include "aiopi/pico/version.hpp"

namespace aiopi::pico {

void TetherServer::send_line(std::string_view line) noexcept {
  // All or nothing, never waiting: a full ring (or a reply still queueing) drops the notification.
  if (stream_.writer().write(line)) {
    ++sent_;
  } else {
    ++dropped_;
  }
}

void TetherServer::comment(std::string_view text) noexcept {
  std::array<char, 128> buf;
  JsonWriter w(buf);
  w.raw("#").raw(text).raw("\n");
  if (!w.ok() || !stream_.writer().write(w.text())) ++dropped_;
}

Task<bool> TetherServer::reply(std::string_view text) {
  hal::IoResult<void> r = co_await stream_.writer().write_all(text);
  co_return r.ok();
}

Task<> TetherServer::run() {
  {
    std::array<char, 64> banner;
    JsonWriter w(banner);
    w.raw("#").raw(kFirmwareName).raw(" ").raw(kFirmwareVersion).raw(" ready\n");
    if (!co_await reply(w.text())) co_return;
  }
  JsonWriter out(reply_buf_);
  for (;;) {
    hal::IoResult<std::span<std::uint8_t>> got = co_await stream_.reader().read(chunk_);
    if (!got || got->empty()) break;  // the stream failed or ended
    std::span<const std::uint8_t> bytes = *got;
    while (!bytes.empty()) {
      LineFramer::Event e;
      bytes = bytes.subspan(framer_.feed(bytes, e));
      if (e.kind == LineFramer::Kind::none) continue;
      if (e.kind == LineFramer::Kind::overlong) {
        Dispatcher::overlong(out);
      } else if (e.line.empty() || e.line[0] == '#' ||
                 e.line.find_first_not_of(" \t\r") == std::string_view::npos) {
        continue;  // blank lines and comments are not requests
      } else {
        dispatcher_.handle(e.line, out);
      }
      if (!co_await reply(out.text())) {
        devices_.close_all();
        co_return;
      }
    }
  }
  devices_.close_all();
}

}  // namespace aiopi::pico
