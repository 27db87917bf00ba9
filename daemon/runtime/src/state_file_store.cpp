#include "aiopid/runtime/state_file_store.hpp"

#include <filesystem>
#include <system_error>
#include <variant>

#include "spdlog/spdlog.h"

namespace aiopid::runtime {

StateFileStore::StateFileStore(const std::string& directory) : file_(directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    usable_ = false;
    spdlog::warn(
        "state directory {} does not exist: schedules' last fires, retained outputs and persistent "
        "events are not saved (create it, or set [daemon] state_dir)",
        directory);
  }
}

std::optional<PersistedState> StateFileStore::load() {
  if (!usable_) return {};
  state::LoadResult loaded = file_.load();
  for (const std::string& message : loaded.messages)
    if (!message.empty()) spdlog::warn("{}", message);
  PersistedState out;
  for (const auto& [name, at] : loaded.state.schedule_last_fire)
    out.schedule_last_fire[name] = at.time_since_epoch().count();
  // An output record is a level (`on` / `off`: a digital_out) or a number (a pwm's duty). A file of the
  // previous version has levels only, and that version skipped numbers: the format is the same.
  for (const auto& [name, value] : loaded.state.outputs) {
    if (const bool* level = std::get_if<bool>(&value))
      out.outputs[name] = *level;
    else
      out.duties[name] = std::get<double>(value);
  }
  out.events = loaded.state.events;
  spdlog::info("state loaded from {}: {} schedules, {} outputs, {} events", file_.path().string(),
               out.schedule_last_fire.size(), out.outputs.size() + out.duties.size(), out.events.size());
  last_saved_ = out;
  return out;
}

void StateFileStore::save(const PersistedState& s) {
  if (!usable_) return;
  if (last_saved_ && last_saved_->schedule_last_fire == s.schedule_last_fire &&
      last_saved_->outputs == s.outputs && last_saved_->duties == s.duties && last_saved_->events == s.events)
    return;
  state::State out;
  for (const auto& [name, at] : s.schedule_last_fire)
    out.schedule_last_fire[name] = std::chrono::sys_seconds{std::chrono::seconds{at}};
  for (const auto& [name, level] : s.outputs)
    out.outputs[name] = level;
  for (const auto& [name, duty] : s.duties)
    out.outputs[name] = duty;
  out.events = s.events;
  if (std::error_code error = file_.save(out)) {
    spdlog::error("cannot save state to {}: {}", file_.path().string(), error.message());
    return;
  }
  last_saved_ = s;
}

}  // namespace aiopid::runtime
