#include "aiopid/remote/publisher.hpp"

#include <chrono>
#include <string>

#include "aiopid/remote/views.hpp"

namespace aiopid::remote {
namespace {

std::int64_t now_us(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

}  // namespace

void Publisher::publish(std::string_view kind, std::string_view name, std::string_view what, api::Json data,
                        std::int64_t mono_us) {
  api::NotificationSink* target = sink_.load(std::memory_order_acquire);
  if (target == nullptr) return;
  const std::int64_t mono_now = now_us(CLOCK_MONOTONIC);
  const std::int64_t wall_now = now_us(CLOCK_REALTIME);
  api::Notification n;
  n.topic.reserve(kind.size() + name.size() + what.size() + 2);
  n.topic.append(kind).append(".").append(name).append(".").append(what);
  n.data = std::move(data);
  // An event in the past (an edge the kernel stamped) keeps its time on both clocks.
  n.mono_us = mono_us >= 0 ? mono_us : mono_now;
  n.wall_us = wall_now - (mono_now - n.mono_us);
  target->publish(std::move(n));
}

void Publisher::on_output_level(std::string_view device, bool level) {
  publish("device", device, "value", api::Json{{"value", level}});
}

void Publisher::on_pwm_duty(std::string_view device, double duty) {
  publish("device", device, "value", api::Json{{"value", duty}});
}

void Publisher::on_adc_reading(std::string_view device, double value) {
  publish("device", device, "value", api::Json{{"value", value}});
}

void Publisher::on_line(std::string_view device, std::string_view line) {
  publish("device", device, "value", api::Json{{"value", std::string(line)}});
}

void Publisher::on_register(std::string_view device, std::string_view register_name, std::int64_t raw,
                            double value, bool written) {
  publish(
      "device", device, "value",
      api::Json{
          {"register", std::string(register_name)}, {"raw", raw}, {"value", value}, {"written", written}});
}

void Publisher::on_readings(std::string_view device, const std::vector<runtime::Reading>& readings) {
  publish("device", device, "value",
          api::Json{{"value", readings_json(readings)}, {"unit", units_json(readings)}});
}

void Publisher::on_driver_event(std::string_view device, const runtime::DriverEvent& event) {
  api::Json data = api::Json::object();
  data["event"] = event.name;
  for (const runtime::Reading& r : event.data)
    data[r.name] = reading_value_json(r.value);
  const auto at_us =
      std::chrono::duration_cast<std::chrono::microseconds>(event.at.time_since_epoch()).count();
  publish("device", device, event.name, std::move(data), static_cast<std::int64_t>(at_us));
}

void Publisher::on_edge(std::string_view device, bool level, aiopi::TimePoint at) {
  const auto at_us = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  publish("device", device, "edge", api::Json{{"level", level}, {"edge", level ? "rising" : "falling"}},
          static_cast<std::int64_t>(at_us));
}

void Publisher::on_device_state(std::string_view device, runtime::DeviceState state, std::string_view error) {
  api::Json data{{"state", runtime::to_string(state)}};
  if (!error.empty()) data["error"] = std::string(error);
  publish("device", device, "state", std::move(data));
}

void Publisher::on_event(std::string_view event, bool set, std::uint64_t set_count) {
  publish("event", event, set ? "set" : "clear", api::Json{{"set", set}, {"set_count", set_count}});
}

void Publisher::on_task_state(std::string_view task, runtime::TaskState state,
                              const runtime::TaskRuns& runs) {
  publish("task", task, "state",
          api::Json{{"state", runtime::to_string(state)},
                    {"starts", runs.starts},
                    {"completed", runs.completed},
                    {"cancelled", runs.cancelled},
                    {"failed", runs.failed}});
}

void Publisher::on_schedule_fire(std::string_view schedule, const runtime::ScheduleFire& fire) {
  publish("schedule", schedule, "fire",
          api::Json{{"scheduled", utc_text(std::chrono::duration_cast<std::chrono::microseconds>(
                                               fire.scheduled.time_since_epoch())
                                               .count())},
                    {"number", fire.number},
                    {"catch_up", fire.catch_up},
                    {"run_now", fire.run_now}});
}

}  // namespace aiopid::remote
