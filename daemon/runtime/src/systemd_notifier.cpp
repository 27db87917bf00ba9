#include "aiopid/runtime/systemd_notifier.hpp"

#include "spdlog/spdlog.h"

namespace aiopid::runtime {

void SystemdNotifier::check(std::error_code error, const char* what) {
  if (!error || reported_) return;
  reported_ = true;
  spdlog::warn("sd_notify {} to {} failed: {} (further failures are not logged)", what, notifier_.socket(),
               error.message());
}

void SystemdNotifier::ready() {
  check(notifier_.ready(), "READY=1");
}
void SystemdNotifier::status(std::string_view line) {
  check(notifier_.status(line), "STATUS");
}
void SystemdNotifier::reloading() {
  check(notifier_.reloading(), "RELOADING=1");
}
void SystemdNotifier::reloaded() {
  check(notifier_.ready(), "READY=1");
}
void SystemdNotifier::stopping() {
  check(notifier_.stopping(), "STOPPING=1");
}
void SystemdNotifier::watchdog() {
  check(notifier_.watchdog(), "WATCHDOG=1");
}

}  // namespace aiopid::runtime
