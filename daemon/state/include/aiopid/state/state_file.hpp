#pragma once
// The state file in the state directory (StateDirectory=aiopi → /var/lib/aiopi/aiopid.state), written
// atomically: a temp file in the same directory (aiopid.state.tmp-<pid>), write, fsync, rename over the old
// file, fsync the directory. One daemon per state directory. A crash or kill -9 at any moment leaves either
// the old or the new file, never a mix.
//
// How the runtime uses it:
//
//   aiopid::state::StateFile file(config.daemon.state_dir);
//   auto loaded = file.load();                 // at start, before schedules and outputs are set up
//   for (auto& m : loaded.messages) log.warn(m);   // a corrupt file was set aside: never fatal
//   ... use loaded.state.schedule_last_fire / outputs / events ...
//   when a schedule fires, an output changes or a persistent event flips (and at SIGTERM):
//     state.schedule_last_fire[name] = ...;  if (auto e = file.save(state)) log.error(...)
//
// save() blocks on fsync (milliseconds on an SD card): call it off the hot path, e.g. coalesced to once a
// second by a task, and always at shutdown.
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "aiopid/state/state.hpp"

namespace aiopid::state {

struct LoadResult {
  State state;                        ///< empty when there was no file or it was set aside
  std::vector<std::string> messages;  ///< what went wrong, each naming the file ("" = nothing to report)
  std::filesystem::path set_aside;    ///< where a broken file was moved to (empty if none)
};

class StateFile {
 public:
  static constexpr const char* kFileName = "aiopid.state";

  explicit StateFile(std::filesystem::path directory);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Reads the file. Missing = first start (empty state, no message). Empty, truncated, corrupt or of another
  /// version: reported in `messages` and renamed to `aiopid.state.corrupt-<UTC timestamp>` (never fatal).
  /// Temp files left by interrupted saves (`aiopid.state.tmp-<pid>`) are removed.
  LoadResult load();

  /// Writes `state` atomically (see above). The directory must exist.
  std::error_code save(const State& state);

 private:
  std::filesystem::path directory_;
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
};

}  // namespace aiopid::state
