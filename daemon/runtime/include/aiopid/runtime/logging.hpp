// Logging through spdlog: the console by default; journald (structured fields: PRIORITY, SYSLOG_IDENTIFIER,
// CODE_FILE...) when the process was started by systemd (JOURNAL_STREAM or INVOCATION_ID set) and journald's
// socket is there.
#pragma once

#include "aiopid/config/log_level.hpp"
#include "spdlog/common.h"

namespace aiopid::runtime {

enum class LogTarget { console, journal };

/// Where logs go for this process's environment.
LogTarget detect_log_target();
/// Installs the default spdlog logger ("aiopid") for `target` at `level`.
void setup_logging(LogTarget target, config::LogLevel level);
/// Changes the level (a reload).
void set_log_level(config::LogLevel level);
/// spdlog's level for a configured level.
spdlog::level::level_enum to_spdlog(config::LogLevel level);

}  // namespace aiopid::runtime
