#include "aiopid/config/config.hpp"

namespace aiopid::config {

std::string_view to_string(Board board) noexcept {
  return board == Board::sim ? "sim" : "linux";
}

namespace {
template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) noexcept {
  for (const T& item : items)
    if (item.name == name) return &item;
  return nullptr;
}
}  // namespace

const BoardConfig* Config::find_board(std::string_view name) const noexcept {
  return find_named(boards, name);
}

const DeviceConfig* Config::find_device(std::string_view name) const noexcept {
  return find_named(devices, name);
}
const EventConfig* Config::find_event(std::string_view name) const noexcept {
  return find_named(events, name);
}
const TaskConfig* Config::find_task(std::string_view name) const noexcept {
  return find_named(tasks, name);
}
const ScheduleConfig* Config::find_schedule(std::string_view name) const noexcept {
  return find_named(schedules, name);
}

}  // namespace aiopid::config
