#include "aiopid/runtime/logging.hpp"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "aiopid/runtime/journal_sink.hpp"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace aiopid::runtime {

LogTarget detect_log_target() {
  // systemd sets JOURNAL_STREAM when stdout/stderr are connected to the journal and INVOCATION_ID for every
  // unit it starts; either means the console is not a person.
  const char* stream = std::getenv("JOURNAL_STREAM");
  const char* invocation = std::getenv("INVOCATION_ID");
  const bool by_systemd = (stream && *stream) || (invocation && *invocation);
  // Without journald's socket (a container, a test faking the variables) the journal sink would lose every
  // line: stderr then, which systemd hands to whatever collects the unit's output.
  return by_systemd && ::access(std::string(journal_socket_path).c_str(), W_OK) == 0 ? LogTarget::journal
                                                                                     : LogTarget::console;
}

void setup_logging(LogTarget target, config::LogLevel level) {
  std::shared_ptr<spdlog::logger> logger;
  if (target == LogTarget::journal) {
    // journald's native protocol: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=aiopid, TID and CODE_* fields; no
    // timestamp or level in the text (the journal has both).
    logger = std::make_shared<spdlog::logger>("aiopid", std::make_shared<JournalSink>("aiopid"));
  } else {
    // stderr, unbuffered line by line: a person or a test reads it as it happens.
    logger = std::make_shared<spdlog::logger>("aiopid", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    logger->flush_on(spdlog::level::trace);
  }
  spdlog::set_default_logger(logger);
  set_log_level(level);
}

spdlog::level::level_enum to_spdlog(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace:
      return spdlog::level::trace;
    case config::LogLevel::debug:
      return spdlog::level::debug;
    case config::LogLevel::info:
      return spdlog::level::info;
    case config::LogLevel::warn:
      return spdlog::level::warn;
    case config::LogLevel::error:
      return spdlog::level::err;
    case config::LogLevel::critical:
      return spdlog::level::critical;
    case config::LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

void set_log_level(config::LogLevel level) {
  spdlog::set_level(to_spdlog(level));
}

}  // namespace aiopid::runtime
