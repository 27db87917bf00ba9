// The runtime's RemoteBoards over the tether: one BoardLink per `[boards.NAME]`, kept by difference across
// reloads (a board whose table changed is restarted; its devices are updated in place otherwise). main.cpp
// makes one and hands it to the Runtime (RuntimeOptions::remote_boards).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopid/runtime/remote_board.hpp"
#include "aiopid/tether/board_link.hpp"

namespace aiopid::tether {

class TetherBoards final : public runtime::RemoteBoards {
 public:
  explicit TetherBoards(aiopi::Loop& loop) : loop_(loop) {}
  ~TetherBoards() override = default;

  void attach(runtime::RemoteBoardSink* sink) override;
  void apply(const config::Config& config) override;
  void write(std::string_view device, const runtime::SetValue& value) override;
  aiopi::Task<runtime::ReadResult> read(std::string device) override;
  aiopi::Task<> stop() override;

  /// The link of a board (null: none of that name), for tests.
  [[nodiscard]] BoardLink* link(std::string_view board) const noexcept;

 private:
  std::shared_ptr<BoardLink> link_of_device(std::string_view device) const;
  aiopi::Task<> retire(std::shared_ptr<BoardLink> link);

  aiopi::Loop& loop_;
  runtime::RemoteBoardSink* sink_ = nullptr;
  std::map<std::string, std::shared_ptr<BoardLink>, std::less<>> links_;
  std::vector<aiopi::TaskHandle<>> retiring_;  ///< links of removed or changed boards, stopping
};

}  // namespace aiopid::tether
