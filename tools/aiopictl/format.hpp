// What aiopictl prints for a result: tables for the lists, "key: value" lines for objects, the notification
// lines of `watch`. Tolerant of the result's shape (a list may come as an array, as {"devices": [...]} or as
// {NAME: {...}}; a column's key may have another accepted name): what it cannot lay out it prints as JSON.
#pragma once

#include <string>
#include <string_view>

#include "aiopid/api/json.hpp"

namespace aiopictl {

using aiopid::api::Json;

/// One value as a table cell: a string as is, null as "-", anything else as compact JSON.
[[nodiscard]] std::string cell_text(const Json& value);

/// devices: NAME TYPE STATE VALUE; events: NAME STATE; tasks: NAME STATE RUNS; schedules: NAME STATE [SPEC]
/// [ZONE] NEXT (one row per fire time). Other commands: an object as "key: value" lines (nested keys
/// joined with '.'), a scalar as itself, null as nothing. Ends in '\n' unless empty.
[[nodiscard]] std::string format_result(std::string_view command, const Json& result);

/// --json: the result as indented JSON and '\n'.
[[nodiscard]] std::string format_json(const Json& result);

/// A `notify` notification's params as `watch` prints them: "TIME TOPIC DATA" (data as compact JSON; TIME
/// from `time`, else `mono_us`). The "dropped" notice as "TIME dropped N".
[[nodiscard]] std::string format_notification(const Json& params);

/// For a "dropped" notice: how many notifications were dropped, else 0.
[[nodiscard]] long long dropped_count(const Json& params);

}  // namespace aiopictl
