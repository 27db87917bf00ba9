// aiopid_state: the state file's format, atomic saves, and what happens to a broken file (reported, set
// aside, never fatal). The kill -9 loop SIGKILLs a child in the middle of saving at random moments and checks
// that the file always loads, with the old or the new content.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "aiopid/state/state.hpp"
#include "aiopid/state/state_file.hpp"

namespace {

using aiopid::state::LoadResult;
using aiopid::state::State;
using aiopid::state::StateFile;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// A fresh directory per test, removed with its files afterwards.
class StateDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::string(::testing::TempDir()) + "aiopid-state-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    for (const auto& name : files())
      ::unlink((dir_ / name).c_str());
    ::rmdir(dir_.c_str());
  }
  [[nodiscard]] std::vector<std::string> files() const {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir_.c_str())) {
      while (dirent* entry = ::readdir(d)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
      }
      ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  void write(const std::string& text) {
    std::ofstream(dir_ / StateFile::kFileName, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

State sample() {
  State state;
  state.schedule_last_fire["morning"] = sys_seconds(seconds(1'780'000'000));
  state.schedule_last_fire["odd name 100%\n"] = sys_seconds(seconds(-5));
  state.outputs["pump"] = true;
  state.outputs["fan"] = false;
  state.outputs["dimmer"] = 0.1;  // not exact in binary: must round-trip bit for bit
  state.outputs["valve"] = -3.5e-7;
  state.events["alarm"] = true;
  state.events["holiday"] = false;
  return state;
}

TEST(StateFormat, RoundTripsEveryKindOfRecord) {
  const State state = sample();
  const std::string text = aiopid::state::serialize(state);
  EXPECT_EQ(text.substr(0, 15), "aiopid-state 1\n");
  EXPECT_NE(text.find("schedule odd%20name%20100%25%0A -5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("output dimmer 0.1\n"), std::string::npos) << text;
  const auto parsed = aiopid::state::parse(text);
  ASSERT_TRUE(parsed.state) << parsed.error;
  EXPECT_EQ(*parsed.state, state);
}

TEST(StateFormat, EmptyStateRoundTrips) {
  const auto parsed = aiopid::state::parse(aiopid::state::serialize(State{}));
  ASSERT_TRUE(parsed.state) << parsed.error;
  EXPECT_EQ(*parsed.state, State{});
}

TEST(StateFormat, EveryTruncationIsDetected) {
  const std::string text = aiopid::state::serialize(sample());
  for (std::size_t length = 0; length < text.size(); ++length) {
    EXPECT_FALSE(aiopid::state::parse(text.substr(0, length)).state) << "cut at " << length;
  }
}

TEST(StateFormat, EveryFlippedByteIsDetected) {
  const std::string text = aiopid::state::serialize(sample());
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x04);
    EXPECT_FALSE(aiopid::state::parse(damaged).state) << "byte " << i << " changed";
  }
}

TEST(StateFormat, NamesWhatIsWrong) {
  EXPECT_EQ(aiopid::state::parse("").error, "the file is empty");
  EXPECT_EQ(aiopid::state::parse("{\"json\": 1}\n").error, "not an aiopid state file (bad header)");
  const auto v2 = aiopid::state::parse("aiopid-state 2\nend 0 00000000\n");
  EXPECT_EQ(v2.error, "format version 2 is not supported (this aiopid reads 1)");
  EXPECT_EQ(v2.line, 1u);
  EXPECT_EQ(aiopid::state::parse("aiopid-state 1\n").error, "the file is truncated (no closing 'end' line)");
  // A well-formed body with a bad record: the checksum is right, the record is not.
  std::string body = "aiopid-state 1\noutput pump maybe\n";
  char end[32];
  std::snprintf(end, sizeof end, "end 1 %08x\n", static_cast<unsigned>(aiopid::state::crc32(body)));
  const auto bad = aiopid::state::parse(body + end);
  EXPECT_EQ(bad.error, "bad output value 'maybe'");
  EXPECT_EQ(bad.line, 2u);
}

TEST_F(StateDir, SavesAndLoads) {
  StateFile file(dir_);
  EXPECT_FALSE(file.save(sample()));
  const LoadResult loaded = StateFile(dir_).load();
  EXPECT_TRUE(loaded.messages.empty());
  EXPECT_EQ(loaded.state, sample());
  EXPECT_EQ(files(), std::vector<std::string>{"aiopid.state"});  // no temp file left behind
  struct stat info {};
  ASSERT_EQ(::stat(file.path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(StateDir, MissingFileIsAFirstStart) {
  const LoadResult loaded = StateFile(dir_).load();
  EXPECT_TRUE(loaded.messages.empty());
  EXPECT_EQ(loaded.state, State{});
  EXPECT_TRUE(loaded.set_aside.empty());
}

TEST_F(StateDir, SaveReplacesTheOldContent) {
  StateFile file(dir_);
  ASSERT_FALSE(file.save(sample()));
  State next;
  next.outputs["pump"] = false;
  ASSERT_FALSE(file.save(next));
  EXPECT_EQ(file.load().state, next);
}

TEST_F(StateDir, ALeftoverTempFileIsRemovedAndIgnored) {
  StateFile file(dir_);
  ASSERT_FALSE(file.save(sample()));
  std::ofstream(dir_ / "aiopid.state.tmp-12345") << "aiopid-state 1\nout";
  const LoadResult loaded = file.load();
  EXPECT_TRUE(loaded.messages.empty());
  EXPECT_EQ(loaded.state, sample());
  EXPECT_EQ(files(), std::vector<std::string>{"aiopid.state"});
}

TEST_F(StateDir, SaveReportsAMissingDirectory) {
  StateFile file(dir_ / "nope");
  EXPECT_EQ(file.save(sample()), std::errc::no_such_file_or_directory);
}

struct BrokenCase {
  const char* name;
  std::string content;
  std::string message;  // after "<path>" (which may carry ":<line>")
};

class BrokenFile : public StateDir, public ::testing::WithParamInterface<BrokenCase> {};

TEST_P(BrokenFile, IsReportedAndSetAside) {
  write(GetParam().content);
  StateFile file(dir_);
  const LoadResult loaded = file.load();
  EXPECT_EQ(loaded.state, State{});
  ASSERT_EQ(loaded.messages.size(), 1u);
  const std::string& message = loaded.messages[0];
  EXPECT_EQ(message.substr(0, file.path().string().size()), file.path().string()) << message;
  EXPECT_NE(message.find(GetParam().message), std::string::npos) << message;
  EXPECT_NE(message.find("set aside as aiopid.state.corrupt-"), std::string::npos) << message;

  // The broken file keeps its bytes under the new name; the real name is free for the next save.
  const auto names = files();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("aiopid.state.corrupt-", 0), 0u) << names[0];
  EXPECT_EQ(loaded.set_aside, dir_ / names[0]);
  std::ifstream in(loaded.set_aside, std::ios::binary);
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_EQ(kept.str(), GetParam().content);

  ASSERT_FALSE(file.save(sample()));
  EXPECT_EQ(file.load().state, sample());
}

std::string truncated_sample() {
  const std::string text = aiopid::state::serialize(sample());
  return text.substr(0, text.size() / 2);
}
std::string damaged_sample() {
  std::string text = aiopid::state::serialize(sample());
  text[text.find("pump on")] = 'P';
  return text;
}

INSTANTIATE_TEST_SUITE_P(
    StateDir, BrokenFile,
    ::testing::Values(BrokenCase{"empty", "", ": the file is empty"},
                      BrokenCase{"truncated", truncated_sample(), ": the file is truncated"},
                      BrokenCase{"truncated_at_a_line_end", "aiopid-state 1\nevent alarm set\n",
                                 ":2: the file is truncated (no closing 'end' line)"},
                      BrokenCase{"damaged", damaged_sample(), "checksum mismatch"},
                      BrokenCase{"wrong_version", "aiopid-state 7\nend 0 00000000\n",
                                 ":1: format version 7 is not supported"},
                      BrokenCase{"json", "{\"version\": 1}\n", ":1: not an aiopid state file"},
                      BrokenCase{"binary", std::string("\0\x01\xff\n", 4), ":1: not an aiopid state file"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST_F(StateDir, TwoBrokenFilesInOneSecondAreBothKept) {
  write("garbage\n");
  (void)StateFile(dir_).load();
  write("more garbage\n");
  (void)StateFile(dir_).load();
  EXPECT_EQ(files().size(), 2u);
}

// The state a writer saves as its n-th: every value derived from n, so a mix of two saves is detectable.
State generation(std::int64_t n) {
  State state;
  state.schedule_last_fire["generation"] = sys_seconds(seconds(n));
  // Sizes vary with n so saves are of different lengths (a torn write would show up as a bad length).
  for (std::int64_t i = 0; i < 20 + n % 50; ++i) {
    state.outputs["output-" + std::to_string(i)] = static_cast<double>(n) + static_cast<double>(i) / 8;
  }
  state.events["even"] = n % 2 == 0;
  return state;
}

TEST_F(StateDir, KillNineDuringSavesNeverLeavesABrokenFile) {
  StateFile file(dir_);
  ASSERT_FALSE(file.save(generation(0)));
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> delay_us(0, 8000);
  std::int64_t newest_seen = 0;
  constexpr int kKills = 200;
  for (int kill = 0; kill < kKills; ++kill) {
    // The child says when its first save has completed, so a slow start (a sanitizer build, a loaded
    // machine) cannot make every kill land before anything was written; the kill then comes at a random
    // moment among the saves that follow.
    int first_saved[2];
    ASSERT_EQ(::pipe2(first_saved, O_CLOEXEC), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // The writer: saves generation after generation until killed. The first one it saves is newer than
      // anything the parent has seen, so the parent can tell old from new.
      ::close(first_saved[0]);
      StateFile writer(dir_);
      for (std::int64_t n = newest_seen + 1;; ++n) {
        if (writer.save(generation(n))) ::_exit(3);
        if (first_saved[1] >= 0) {
          if (::write(first_saved[1], "s", 1) != 1) ::_exit(4);
          ::close(first_saved[1]);
          first_saved[1] = -1;
        }
      }
    }
    ::close(first_saved[1]);
    char saved = 0;
    const ssize_t got = ::read(first_saved[0], &saved, 1);
    ::close(first_saved[0]);
    ASSERT_EQ(got, 1) << "the writer ended before its first save completed";
    ::usleep(static_cast<useconds_t>(delay_us(random)));  // a random moment, not a timing assertion
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself (a save failed)";

    const LoadResult loaded = file.load();
    ASSERT_TRUE(loaded.messages.empty()) << "after kill " << kill << ": " << loaded.messages[0];
    const auto it = loaded.state.schedule_last_fire.find("generation");
    ASSERT_NE(it, loaded.state.schedule_last_fire.end()) << "after kill " << kill;
    const std::int64_t n = it->second.time_since_epoch().count();
    EXPECT_GE(n, newest_seen) << "after kill " << kill << ": an older state came back";
    ASSERT_EQ(loaded.state, generation(n)) << "after kill " << kill << ": a mix of two saves";
    newest_seen = n;
  }
  EXPECT_GT(newest_seen, 0) << "no save was ever seen after a kill";
  EXPECT_EQ(files(), std::vector<std::string>{"aiopid.state"});
}

}  // namespace
