// Retained PWM duties: the runtime's state store keeps them as numeric `output` records of the state file
// (format 1, unchanged: a file written by the previous aiopid, levels only, still loads), and the runtime
// restores a PWM's duty at opening as it restores a digital output's level.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "aiopid/runtime/state_file_store.hpp"
#include "aiopid/state/state.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::PersistedState;
using aiopid::runtime::Runtime;
using aiopid::runtime::StateFileStore;

namespace {

struct TempDir : ::testing::Test {
  std::filesystem::path dir;
  void SetUp() override {
    std::string pattern = std::string(::testing::TempDir()) + "aiopid-duty-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  [[nodiscard]] std::string file_text() const {
    std::ifstream in(dir / "aiopid.state", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(TempDir, AFileOfThePreviousVersionStillLoads) {
  // What the previous aiopid wrote: levels only.
  const std::string body =
      "aiopid-state 1\n"
      "schedule morning 1780000000\n"
      "output pump on\n"
      "output siren off\n"
      "event armed set\n";
  std::ofstream(dir / "aiopid.state", std::ios::binary) << body << "end 4 " << [&] {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(aiopid::state::crc32(body)));
    return std::string(hex);
  }() << "\n";
  StateFileStore store(dir.string());
  const std::optional<PersistedState> loaded = store.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->schedule_last_fire.at("morning"), 1780000000);
  EXPECT_TRUE(loaded->outputs.at("pump"));
  EXPECT_FALSE(loaded->outputs.at("siren"));
  EXPECT_TRUE(loaded->duties.empty());
  EXPECT_TRUE(loaded->events.at("armed"));
}

TEST_F(TempDir, DutiesAreSavedAsNumbersAndLoadBack) {
  PersistedState state;
  state.outputs["pump"] = true;
  state.duties["fan"] = 0.75;
  state.duties["dimmer"] = 0.1;  // not exact in binary: must come back bit for bit
  {
    StateFileStore store(dir.string());
    store.save(state);
  }
  const std::string text = file_text();
  EXPECT_NE(text.find("output fan 0.75\n"), std::string::npos) << text;
  EXPECT_NE(text.find("output pump on\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(0, 15), "aiopid-state 1\n") << "the same format version";
  StateFileStore again(dir.string());
  const std::optional<PersistedState> loaded = again.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->outputs, state.outputs);
  EXPECT_EQ(loaded->duties, state.duties);
}

struct MemoryState final : aiopid::runtime::StateStore {
  std::optional<PersistedState> saved;
  std::vector<PersistedState> saves;
  std::optional<PersistedState> load() override { return saved; }
  void save(const PersistedState& state) override { saves.push_back(state); }
};

TEST(RetainedDuty, RestoredAtOpeningAndSaved) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopid::runtime::SimBoard board;
  MemoryState state;
  state.saved = PersistedState{};
  state.saved->duties["fan"] = 0.6;
  Runtime runtime{loop, board, {.state = &state}};
  auto config = aiopid::config::load_config_texts({{"test.toml", R"([daemon]
board = "sim"
log_level = "off"

[devices.fan]
type = "pwm"
chip = "sim"
channel = 0
duty = 0.2
safe_state = 0.1

[devices.lamp]
type = "pwm"
chip = "sim"
channel = 1
duty = 0.3

[events.save_now]
persistent = true

[tasks.later]
start = "boot"
actions = [ { sleep = "1s" }, { set = "fan", value = 0.9 }, { set_event = "save_now" } ]
)"}},
                                                  aiopid::runtime::testing::types());
  ASSERT_TRUE(config.config) << config.diagnostics.to_string();
  auto body = [&]() -> aiopi::Task<> {
    co_await runtime.apply(std::move(*config.config));
    const auto& fan = *runtime.registry().devices.at("fan");
    EXPECT_DOUBLE_EQ(fan.value, 0.6) << "the retained duty, not the configured 0.2";
    EXPECT_EQ(fan.pwm->duty_ns(), fan.pwm->period_ns() * 6 / 10);
    EXPECT_DOUBLE_EQ(runtime.registry().devices.at("lamp")->value, 0.3)
        << "nothing retained: the configured duty";
    co_await aiopi::sleep(2s);
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
  ASSERT_GE(state.saves.size(), 2u);
  EXPECT_DOUBLE_EQ(state.saves.front().duties.at("fan"), 0.9) << "saved with the persistent event";
  EXPECT_DOUBLE_EQ(state.saves.front().duties.at("lamp"), 0.3);
  EXPECT_DOUBLE_EQ(state.saves.back().duties.at("fan"), 0.1) << "saved after the stop: its safe state";
}

}  // namespace
