// aiopid's journal sink against a fake journald: a unix datagram socket the test binds, receiving exactly the
// datagrams journald would, parsed back by the native protocol's rules (KEY=value lines, and the binary form
// KEY\n <64-bit little-endian length> value \n for a value holding a newline).
#include "aiopid/runtime/journal_sink.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spdlog/logger.h"

// The noexcept preset builds these tests too; there, a throw cannot happen to begin with.
#if defined(__cpp_exceptions)
#define EXPECT_LOGS_WITHOUT_THROWING(statement) EXPECT_NO_THROW(statement)
#else
#define EXPECT_LOGS_WITHOUT_THROWING(statement) statement
#endif

namespace {

using aiopid::runtime::journal_message_limit;
using aiopid::runtime::JournalSink;

// A bound datagram socket standing in for /run/systemd/journal/socket.
class FakeJournald {
 public:
  FakeJournald() {
    path_ = std::string(::testing::TempDir()) + "aiopid-journal-test-" + std::to_string(getpid());
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.data(), path_.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size() + 1);
    ok_ = fd_ >= 0 && path_.size() < sizeof(address.sun_path) &&
          ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~FakeJournald() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
  }
  FakeJournald(const FakeJournald&) = delete;
  FakeJournald& operator=(const FakeJournald&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  // The next datagram, whole; "<timeout>" if none arrives within a generous safety net (the sink sends
  // synchronously, so it is already there).
  std::string receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return "<timeout>";
    std::string buffer(256 * 1024, '\0');
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_TRUNC);
    if (n < 0 || static_cast<std::size_t>(n) > buffer.size()) return "<error>";
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }
  bool pending() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
};

struct Field {
  std::string name;
  std::string value;
  bool binary = false;
};

// journald's reading of a native datagram; nullopt when it is malformed.
std::optional<std::vector<Field>> parse_entry(std::string_view datagram) {
  std::vector<Field> fields;
  while (!datagram.empty()) {
    const std::size_t newline = datagram.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;  // every field ends with a newline
    const std::size_t equals = datagram.find('=');
    Field field;
    if (equals < newline) {
      field.name = datagram.substr(0, equals);
      field.value = datagram.substr(equals + 1, newline - equals - 1);
      datagram.remove_prefix(newline + 1);
    } else {
      field.name = datagram.substr(0, newline);
      field.binary = true;
      datagram.remove_prefix(newline + 1);
      if (datagram.size() < 8) return std::nullopt;
      std::uint64_t size = 0;
      for (int i = 7; i >= 0; --i)
        size = (size << 8) | static_cast<unsigned char>(datagram[static_cast<std::size_t>(i)]);
      datagram.remove_prefix(8);
      if (datagram.size() < size + 1 || datagram[size] != '\n') return std::nullopt;
      field.value = datagram.substr(0, size);
      datagram.remove_prefix(size + 1);
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

const Field* find(const std::vector<Field>& fields, std::string_view name) {
  for (const auto& field : fields)
    if (field.name == name) return &field;
  return nullptr;
}

std::vector<std::string> names(const std::vector<Field>& fields) {
  std::vector<std::string> out;
  for (const auto& field : fields)
    out.push_back(field.name);
  return out;
}

class JournalSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(journald_.ok()) << journald_.path();
    sink_ = std::make_shared<JournalSink>("aiopid", journald_.path());
    logger_ = std::make_shared<spdlog::logger>("aiopid", sink_);
    logger_->set_level(spdlog::level::trace);
  }

  std::vector<Field> next_entry() {
    const std::string datagram = journald_.receive();
    auto fields = parse_entry(datagram);
    EXPECT_TRUE(fields.has_value()) << "malformed datagram: " << datagram;
    return fields.value_or(std::vector<Field>{});
  }

  FakeJournald journald_;
  std::shared_ptr<JournalSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST_F(JournalSinkTest, PlainLineCarriesMessagePriorityIdentifierAndThread) {
  logger_->info("device {} opened", "led");
  const auto fields = next_entry();
  EXPECT_EQ(names(fields), (std::vector<std::string>{"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "TID"}));
  ASSERT_NE(find(fields, "MESSAGE"), nullptr);
  EXPECT_EQ(find(fields, "MESSAGE")->value, "device led opened");  // no time, level or newline in the text
  EXPECT_FALSE(find(fields, "MESSAGE")->binary);
  EXPECT_EQ(find(fields, "PRIORITY")->value, "6");
  EXPECT_EQ(find(fields, "SYSLOG_IDENTIFIER")->value, "aiopid");
  EXPECT_EQ(find(fields, "TID")->value, std::to_string(::gettid()));
  EXPECT_FALSE(journald_.pending());  // one record, one datagram
  EXPECT_EQ(sink_->send_failures(), 0u);
}

TEST_F(JournalSinkTest, EveryLevelMapsToItsSyslogPriority) {
  const std::pair<spdlog::level::level_enum, const char*> cases[] = {
      {spdlog::level::trace, "7"}, {spdlog::level::debug, "7"}, {spdlog::level::info, "6"},
      {spdlog::level::warn, "4"},  {spdlog::level::err, "3"},   {spdlog::level::critical, "2"},
  };
  for (const auto& [level, priority] : cases) {
    logger_->log(level, "x");
    const auto fields = next_entry();
    ASSERT_NE(find(fields, "PRIORITY"), nullptr);
    EXPECT_EQ(find(fields, "PRIORITY")->value, priority) << spdlog::level::to_string_view(level).data();
  }
}

TEST_F(JournalSinkTest, MultiLineMessageUsesTheBinaryForm) {
  logger_->error("reload failed:\nline 3: unknown key\nline 9: bad duration");
  const std::string datagram = journald_.receive();
  // The framing byte by byte: name, newline, length 55 as 64-bit little-endian, the bytes, newline.
  const std::string text = "reload failed:\nline 3: unknown key\nline 9: bad duration";
  ASSERT_EQ(text.size(), 55u);
  const std::string expected_head =
      std::string("MESSAGE\n") + std::string("\x37\0\0\0\0\0\0\0", 8) + text + "\n";
  ASSERT_GE(datagram.size(), expected_head.size());
  EXPECT_EQ(datagram.substr(0, expected_head.size()), expected_head);
  EXPECT_EQ(datagram.substr(expected_head.size(), 11), "PRIORITY=3\n");

  const auto fields = parse_entry(datagram);
  ASSERT_TRUE(fields.has_value());
  ASSERT_NE(find(*fields, "MESSAGE"), nullptr);
  EXPECT_TRUE(find(*fields, "MESSAGE")->binary);
  EXPECT_EQ(find(*fields, "MESSAGE")->value, text);
  EXPECT_EQ(find(*fields, "SYSLOG_IDENTIFIER")->value, "aiopid");
}

TEST_F(JournalSinkTest, SourceLocationBecomesCodeFields) {
  logger_->log(spdlog::source_loc{"daemon/runtime/src/runtime.cpp", 412, "apply"}, spdlog::level::warn,
               "task {} failed", "report");
  const auto fields = next_entry();
  EXPECT_EQ(names(fields), (std::vector<std::string>{"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "TID",
                                                     "CODE_FILE", "CODE_LINE", "CODE_FUNC"}));
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(find(fields, "MESSAGE")->value, "task report failed");
  EXPECT_EQ(find(fields, "PRIORITY")->value, "4");
  EXPECT_EQ(find(fields, "CODE_FILE")->value, "daemon/runtime/src/runtime.cpp");
  EXPECT_EQ(find(fields, "CODE_LINE")->value, "412");
  EXPECT_EQ(find(fields, "CODE_FUNC")->value, "apply");
}

TEST_F(JournalSinkTest, OverLongMessageIsCutAndMarked) {
  const std::string huge(200 * 1024, 'a');  // bigger than the socket's default send buffer
  logger_->info("{}", huge);
  const auto fields = next_entry();
  ASSERT_NE(find(fields, "MESSAGE"), nullptr);
  const std::string& message = find(fields, "MESSAGE")->value;
  EXPECT_EQ(message.substr(0, journal_message_limit), huge.substr(0, journal_message_limit));
  const std::string marker =
      " [… " + std::to_string(huge.size() - journal_message_limit) + " more bytes cut]";
  EXPECT_EQ(message.substr(journal_message_limit), marker);
  EXPECT_EQ(find(fields, "PRIORITY")->value, "6");
  EXPECT_EQ(sink_->send_failures(), 0u);
}

TEST_F(JournalSinkTest, CutNeverSplitsAUtf8Character) {
  // "é" is two bytes; with one ASCII byte in front every character straddles an even limit.
  const std::string text = "x" + [] {
    std::string s;
    for (int i = 0; i < 40000; ++i)
      s += "\xC3\xA9";
    return s;
  }();
  logger_->info("{}", text);
  const auto fields = next_entry();
  ASSERT_NE(find(fields, "MESSAGE"), nullptr);
  const std::string& message = find(fields, "MESSAGE")->value;
  const std::size_t kept = journal_message_limit - 1;  // the limit would fall inside a character
  EXPECT_EQ(message.substr(0, kept), text.substr(0, kept));
  EXPECT_EQ(message.substr(kept), " [… " + std::to_string(text.size() - kept) + " more bytes cut]");
}

TEST(JournalField, TextAndBinaryForms) {
  std::string entry;
  aiopid::runtime::append_journal_field(entry, "PRIORITY", "6");
  EXPECT_EQ(entry, "PRIORITY=6\n");
  entry.clear();
  aiopid::runtime::append_journal_field(entry, "MESSAGE", "a\nb");
  EXPECT_EQ(entry, std::string("MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n", 20));
  entry.clear();
  aiopid::runtime::append_journal_field(entry, "MESSAGE", "");
  EXPECT_EQ(entry, "MESSAGE=\n");
  // A length past 255 uses the higher bytes, low byte first.
  entry.clear();
  aiopid::runtime::append_journal_field(entry, "M", std::string(0x1234, '\n'));
  EXPECT_EQ(entry.substr(0, 10), std::string("M\n\x34\x12\0\0\0\0\0\0", 10));
}

TEST(JournalSinkFailure, NoJournaldFallsBackToStderrWithoutThrowing) {
  const std::string missing =
      std::string(::testing::TempDir()) + "aiopid-no-journald-" + std::to_string(getpid());
  ::unlink(missing.c_str());
  auto sink = std::make_shared<JournalSink>("aiopid", missing);
  spdlog::logger logger("aiopid", sink);
  ::testing::internal::CaptureStderr();
  EXPECT_LOGS_WITHOUT_THROWING(logger.error("disk {} full", "sda"));
  EXPECT_LOGS_WITHOUT_THROWING(logger.info("second\nline"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "<3>disk sda full\n<6>second\nline\n");
  EXPECT_EQ(sink->send_failures(), 2u);
  EXPECT_EQ(sink->last_error(), ENOENT);
}

TEST(JournalSinkFailure, UnusableSocketPathFallsBack) {
  auto sink = std::make_shared<JournalSink>("aiopid", "relative/socket");
  spdlog::logger logger("aiopid", sink);
  ::testing::internal::CaptureStderr();
  EXPECT_LOGS_WITHOUT_THROWING(logger.warn("w"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "<4>w\n");
  EXPECT_EQ(sink->send_failures(), 1u);
  EXPECT_EQ(sink->last_error(), EINVAL);
}

TEST(JournalSinkFailure, FullJournaldQueueNeverBlocks) {
  // journald not reading: its queue fills (net.unix.max_dgram_qlen datagrams, or its receive buffer), and a
  // blocking socket would stall the logging thread here for good. Every record returns; the ones journald had
  // no room for went to stderr and were counted.
  FakeJournald journald;
  ASSERT_TRUE(journald.ok());
  auto sink = std::make_shared<JournalSink>("aiopid", journald.path());
  spdlog::logger logger("aiopid", sink);
  const std::string line(4000, 'q');
  constexpr int records = 2000;
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < records; ++i)
    logger.info("{}", line);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_GT(sink->send_failures(), 0u);
  EXPECT_LT(sink->send_failures(), static_cast<std::uint64_t>(records));  // the first ones were taken
  EXPECT_EQ(sink->last_error(), EAGAIN);
  EXPECT_EQ(err.size(), sink->send_failures() * (3 + line.size() + 1));
  // What was taken arrived intact.
  const auto fields = parse_entry(journald.receive());
  ASSERT_TRUE(fields.has_value());
  ASSERT_NE(find(*fields, "MESSAGE"), nullptr);
  EXPECT_EQ(find(*fields, "MESSAGE")->value, line);
}

}  // namespace
