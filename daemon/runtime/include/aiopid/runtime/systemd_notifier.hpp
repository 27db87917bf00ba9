// The runtime's Notifier hook on daemon/notify's sd_notify implementation: failures become log lines.
#pragma once

#include "aiopid/notify/notifier.hpp"
#include "aiopid/runtime/hooks.hpp"

namespace aiopid::runtime {

class SystemdNotifier final : public Notifier {
 public:
  explicit SystemdNotifier(notify::Notifier notifier) : notifier_(std::move(notifier)) {}
  void ready() override;
  void status(std::string_view line) override;
  void reloading() override;
  void reloaded() override;
  void stopping() override;
  void watchdog() override;
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const override {
    return notifier_.watchdog_interval();
  }
  [[nodiscard]] bool enabled() const noexcept { return notifier_.enabled(); }

 private:
  void check(std::error_code error, const char* what);
  notify::Notifier notifier_;
  bool reported_ = false;  // one log line for a broken socket, not one per ping
};

}  // namespace aiopid::runtime
