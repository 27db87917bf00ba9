// The runtime's changes as the API's notifications: a RuntimeObserver that turns each call into a
// Notification (topic KIND.NAME.WHAT, docs/design/remote-api.md) with both timestamps, and hands it to the
// server. Runs on the loop's thread; publish() only posts, so nothing here waits for a client.
#pragma once

#include <atomic>

#include "aiopid/api/notification.hpp"
#include "aiopid/runtime/observer.hpp"

namespace aiopid::remote {

class Publisher final : public runtime::RuntimeObserver {
 public:
  /// Where notifications go from now on (null: dropped — before the server starts, after it stops).
  void set_sink(api::NotificationSink* to) noexcept { sink_.store(to, std::memory_order_release); }

  void on_output_level(std::string_view device, bool level) override;
  void on_pwm_duty(std::string_view device, double duty) override;
  void on_adc_reading(std::string_view device, double value) override;
  void on_line(std::string_view device, std::string_view line) override;
  void on_register(std::string_view device, std::string_view register_name, std::int64_t raw, double value,
                   bool written) override;
  void on_readings(std::string_view device, const std::vector<runtime::Reading>& readings) override;
  void on_driver_event(std::string_view device, const runtime::DriverEvent& event) override;
  void on_edge(std::string_view device, bool level, aiopi::TimePoint at) override;
  void on_device_state(std::string_view device, runtime::DeviceState state, std::string_view error) override;
  void on_event(std::string_view event, bool set, std::uint64_t set_count) override;
  void on_task_state(std::string_view task, runtime::TaskState state, const runtime::TaskRuns& runs) override;
  void on_schedule_fire(std::string_view schedule, const runtime::ScheduleFire& fire) override;

 private:
  /// Publishes `data` on KIND.NAME.WHAT, stamped now (or at `mono_us` on the monotonic clock when given).
  void publish(std::string_view kind, std::string_view name, std::string_view what, api::Json data,
               std::int64_t mono_us = -1);
  std::atomic<api::NotificationSink*> sink_{nullptr};
};

}  // namespace aiopid::remote
