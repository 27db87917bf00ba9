// The runtime's StateStore hook on daemon/state's atomic state file (STATE_DIR/aiopid.state). A missing
// state directory disables persistence with one warning; a broken file is set aside by daemon/state.
#pragma once

#include <optional>
#include <string>

#include "aiopid/runtime/hooks.hpp"
#include "aiopid/state/state_file.hpp"

namespace aiopid::runtime {

class StateFileStore final : public StateStore {
 public:
  explicit StateFileStore(const std::string& directory);
  std::optional<PersistedState> load() override;
  void save(const PersistedState& state) override;

 private:
  state::StateFile file_;
  bool usable_ = true;
  std::optional<PersistedState> last_saved_;  // unchanged state is not written again
};

}  // namespace aiopid::runtime
