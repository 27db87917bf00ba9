// A Spec written back as normalized key=value text, for logs, `aiopi-cron --explain` and the API.
#pragma once

#include <cstddef>
#include <span>

#include "aiopi/cron/spec.hpp"

namespace aiopi::cron {

/// Enough for any Spec (every field a maximal list).
inline constexpr std::size_t kDescribeMaxLength = 640;

/// Writes every field explicitly, e.g. "secs=0 mins=0-55/5 hrs=3 mday=* month=* wday=mon-fri", then
/// " times=N" if limited, then " (mday or wday)" when the day fields combine with OR (a cron string with both
/// day fields restricted; the key=value form has no way to say that, so that suffix is not parseable).
/// Weekdays and months are written as names (mon..sun, jan..dec). NUL-terminates when it fits. Returns the
/// length of the full text.
std::size_t describe(const Spec& spec, std::span<char> out) noexcept;

}  // namespace aiopi::cron
