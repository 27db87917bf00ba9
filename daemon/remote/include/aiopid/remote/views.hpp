// How the daemon's live objects look through the API: the JSON of a device, an event, a task and a schedule
// (docs/design/remote-api.md, "Result shapes"), and of a config table. Read on the loop's thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aiopi/cron/time_zone.hpp"
#include "aiopid/api/json.hpp"
#include "aiopid/config/node.hpp"
#include "aiopid/runtime/registry.hpp"

namespace aiopid::remote {

/// A config value as JSON (tables → objects, arrays → arrays, times → "07:30", durations stay text).
api::Json node_json(const config::Node& node);

/// "input", "output" or "sensor", from the device type.
std::string direction_of(const runtime::LiveDevice& device);
/// The device's current value as JSON: a level (bool), a duty or reading (number), a line (string), null.
api::Json device_value(const runtime::LiveDevice& device);

/// The unit of the device's readings: "V" (an adc with a scale), "counts" (without), a driver device's
/// units by reading name ({"temperature": "°C", ...}; readings without a unit left out), null otherwise.
api::Json unit_of(const runtime::LiveDevice& device);

/// One reading's value: null (not measured yet), a boolean, an integer, a number or a text.
api::Json reading_value_json(const runtime::ReadingValue& value);
/// Named readings as an object {name: value}.
api::Json readings_json(const std::vector<runtime::Reading>& readings);
/// Their units as an object {name: unit}, readings without a unit left out.
api::Json units_json(const std::vector<runtime::Reading>& readings);

api::Json device_json(const runtime::LiveDevice& device, bool with_params);
api::Json event_json(const runtime::LiveEvent& event);
/// `with_profile` (while the runtime profiles task runs): a `profile` object with the task's figures.
api::Json task_json(const runtime::LiveTask& task, bool with_profile);
/// `next`: how many coming fire times to list, computed from `now` in the schedule's zone.
api::Json schedule_json(const runtime::LiveSchedule& schedule, int next, aiopi::cron::Instant now);

/// RFC 3339 in UTC with microseconds: "2026-12-06T10:15:02.123456Z".
std::string utc_text(std::int64_t unix_us);
/// RFC 3339 with the zone's offset (seconds precision), as the scheduler formats fire times.
std::string zoned_text(aiopi::cron::Instant t, const aiopi::cron::TimeZone& zone);

}  // namespace aiopid::remote
