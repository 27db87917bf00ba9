#include "aiopid/tether/tether_boards.hpp"

#include <utility>

#include "spdlog/spdlog.h"

namespace aiopid::tether {
namespace {

bool same_board(const config::BoardConfig& a, const config::BoardConfig& b) {
  return a.uart == b.uart && a.baud == b.baud && a.timeout == b.timeout && a.heartbeat == b.heartbeat;
}

}  // namespace

void TetherBoards::attach(runtime::RemoteBoardSink* sink) {
  sink_ = sink;
  for (auto& [name, link] : links_)
    link->attach(sink);
}

void TetherBoards::apply(const config::Config& config) {
  // Boards that went away or changed stop (in the background: their writes are sent first).
  for (auto it = links_.begin(); it != links_.end();) {
    const config::BoardConfig* next = config.find_board(it->first);
    if (next && same_board(*next, it->second->board())) {
      ++it;
      continue;
    }
    spdlog::info("board {}: link stopped ({})", it->first, next ? "changed" : "removed");
    std::erase_if(retiring_, [](const aiopi::TaskHandle<>& h) { return !h || h.done(); });
    retiring_.push_back(loop_.create_task(retire(std::move(it->second)), "tether retire"));
    it = links_.erase(it);
  }
  for (const config::BoardConfig& b : config.boards) {
    std::vector<config::DeviceConfig> devices;
    for (const config::DeviceConfig& d : config.devices)
      if (d.board == b.name) devices.push_back(d);
    auto it = links_.find(b.name);
    if (it == links_.end()) {
      auto link = std::make_shared<BoardLink>(loop_, b);
      link->attach(sink_);
      link->set_devices(std::move(devices));
      link->start();
      links_.emplace(b.name, std::move(link));
    } else {
      it->second->set_devices(std::move(devices));
    }
  }
}

aiopi::Task<> TetherBoards::retire(std::shared_ptr<BoardLink> link) {
  link->attach(nullptr);  // its devices are gone or belong to the new link
  co_await link->stop();
}

std::shared_ptr<BoardLink> TetherBoards::link_of_device(std::string_view device) const {
  for (const auto& [name, link] : links_)
    if (link->has_device(device)) return link;
  return nullptr;
}

BoardLink* TetherBoards::link(std::string_view board) const noexcept {
  auto it = links_.find(board);
  return it == links_.end() ? nullptr : it->second.get();
}

void TetherBoards::write(std::string_view device, const runtime::SetValue& value) {
  std::shared_ptr<BoardLink> link = link_of_device(device);
  if (!link) return;
  link->write(std::string(device), json_of(value));
}

aiopi::Task<runtime::ReadResult> TetherBoards::read(std::string device) {
  std::shared_ptr<BoardLink> link = link_of_device(device);  // held: a reload may drop it meanwhile
  if (!link) {
    runtime::ReadResult out;
    out.status = runtime::OpResult::fail(runtime::OpErrc::unavailable,
                                         "device '" + device + "' is on no board's link");
    co_return out;
  }
  co_return co_await link->read(std::move(device));
}

aiopi::Task<> TetherBoards::stop() {
  for (auto& [name, link] : links_)
    co_await link->stop();
  for (aiopi::TaskHandle<>& h : retiring_)
    if (h && !h.done()) co_await h.wait_outcome();
  links_.clear();
}

}  // namespace aiopid::tether
