#include "aiopid/tether/board_link.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include "aiopi/hal/stream_reader.hpp"
#include "aiopi/linux/uart.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/wait_for.hpp"
#include "aiopid/config/board_device_types.hpp"
#include "aiopid/config/duration.hpp"
#include "spdlog/spdlog.h"

using namespace std::chrono_literals;

namespace aiopid::tether {
namespace {

constexpr aiopi::Duration kFirstBackoff = 500ms;
constexpr aiopi::Duration kLastBackoff = 8s;

aiopi::Task<bool> wait_set(aiopi::Event& event) {
  co_return co_await event.wait();
}

std::string type_of(const config::DeviceConfig& d) {
  return d.type ? d.type->name : std::string();
}

bool same_device(const config::DeviceConfig& a, const config::DeviceConfig& b) {
  return a.name == b.name && a.type == b.type && a.params.same_value(b.params);
}

std::int64_t micros(aiopi::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

runtime::OpResult answer_error(const std::string& board, const std::string& device, const Answer& a) {
  using runtime::OpErrc;
  if (a.code == 0)  // no answer: the link
    return runtime::OpResult::fail(OpErrc::unavailable,
                                   "device '" + device + "' on board '" + board + "': " + a.message);
  const OpErrc code = a.code == -32005   ? OpErrc::conflict
                      : a.code == -32602 ? OpErrc::bad_value
                                         : OpErrc::unavailable;
  return runtime::OpResult::fail(code, "device '" + device + "': board '" + board + "' answered " +
                                           std::to_string(a.code) + ": " + a.message);
}

}  // namespace

BoardLink::BoardLink(aiopi::Loop& loop, config::BoardConfig board) : loop_(loop), board_(std::move(board)) {}

BoardLink::~BoardLink() {
  // stop() normally ran; a loop torn down without it only needs the tasks gone before their frames' owner.
  for (aiopi::TaskHandle<>* h : {&runner_, &reader_})
    if (*h && !h->done()) h->cancel();
  for (aiopi::TaskHandle<>& h : side_tasks_)
    if (h && !h.done()) h.cancel();
}

void BoardLink::set_devices(std::vector<config::DeviceConfig> devices) {
  std::vector<config::DeviceConfig> before = std::exchange(devices_, std::move(devices));
  devices_changed_ = true;
  if (!up_) return;  // opened at the next link-up
  for (const config::DeviceConfig& old : before) {
    if (device(old.name) != nullptr) continue;
    stop_polling(old.name);  // now: not once the close has gone out
    track(loop_.create_task(close_device(old.name), "tether close"));
  }
  for (const config::DeviceConfig& d : devices_) {
    auto it = std::find_if(before.begin(), before.end(),
                           [&](const config::DeviceConfig& b) { return b.name == d.name; });
    if (it != before.end() && same_device(*it, d)) continue;
    stop_polling(d.name);  // its open starts it again with the new `poll`
    track(loop_.create_task(open_one(d), "tether open"));
  }
}

bool BoardLink::has_device(std::string_view name) const noexcept {
  return device(name) != nullptr;
}

const config::DeviceConfig* BoardLink::device(std::string_view name) const noexcept {
  for (const config::DeviceConfig& d : devices_)
    if (d.name == name) return &d;
  return nullptr;
}

void BoardLink::start() {
  runner_ = loop_.create_task(run(), board_.name.c_str());
}

void BoardLink::track(aiopi::TaskHandle<> task) {
  std::erase_if(side_tasks_, [](const aiopi::TaskHandle<>& h) { return !h || h.done(); });
  side_tasks_.push_back(std::move(task));
}

aiopi::Task<> BoardLink::stop() {
  stopping_ = true;
  stop_all_polling();  // a poller in a read ends with it, awaited below like the writes
  // The writes queued before (the safe states) go out first; each is bounded by the timeout.
  for (std::size_t i = 0; i < side_tasks_.size(); ++i) {
    aiopi::TaskHandle<> h = side_tasks_[i];
    if (h && !h.done()) co_await h.wait_outcome();
  }
  if (runner_ && !runner_.done()) {
    runner_.cancel();
    co_await runner_.wait_outcome();
  }
  co_await close_port();
  up_ = false;
  spdlog::debug("board {}: link stopped", board_.name);
}

aiopi::TimePoint BoardLink::board_time(std::int64_t mono_us) const noexcept {
  return aiopi::TimePoint(aiopi::Duration(mono_us + offset_us_));
}

// ------------------------------------------------------------------------------------------- the link

aiopi::Task<> BoardLink::run() {
  aiopi::Duration backoff = kFirstBackoff;
  bool in_loss = false;  // a loss was reported; the retries that fail are not logged again
  for (;;) {
    lost_.clear();
    lost_why_.clear();
    std::string why = co_await connect();
    if (why.empty()) {
      up_ = true;
      ++connects_;
      backoff = kFirstBackoff;
      if (in_loss)
        spdlog::info("board {}: link back on {} (boot {})", board_.name, board_.uart, boot_.value_or(0));
      in_loss = false;
      why = co_await serve();
    }
    up_ = false;
    ++losses_;
    stop_all_polling();  // polled again once opened again
    fail_pending(why);
    co_await close_port();
    if (!in_loss) {
      spdlog::warn("board {}: link lost: {}; devices {}; retrying with back-off up to {}", board_.name, why,
                   "link_lost", config::format_duration(kLastBackoff));
      in_loss = true;
    } else {
      spdlog::debug("board {}: still no link: {} (next try in {})", board_.name, why,
                    config::format_duration(backoff));
    }
    if (sink_) {
      for (const config::DeviceConfig& d : devices_)
        sink_->remote_link_lost(d.name, why);
    }
    co_await aiopi::sleep(backoff);
    backoff = std::min<aiopi::Duration>(backoff * 2, kLastBackoff);
  }
}

aiopi::Task<std::string> BoardLink::connect() {
  aiopi::hal::UartConfig settings;
  settings.baud = board_.baud;
  auto opened = aiopi::os_linux::Uart::open(loop_, board_.uart, settings);
  if (!opened) co_return "cannot open " + board_.uart + ": " + opened.error().message;
  port_ = opened.take();
  framer_.reset();
  open_on_board_.clear();
  reader_ = loop_.create_task(read_loop(), "tether reader");
  bool rebooted = false;
  const Answer hello = co_await info(rebooted);
  if (!hello.ok) co_return lost_why_.empty() ? "daemon.info: " + hello.message : lost_why_;
  // Devices an earlier configuration left open on the Pico (the daemon restarted, the Pico did not) would
  // hold their pins: closed first.
  const Answer open_now = co_await request("devices.list", nullptr);
  if (open_now.timed_out || lost_.is_set()) co_return lost_why_;
  if (open_now.ok && open_now.result.is_array()) {
    for (const Json& d : open_now.result) {
      if (!d.is_object() || !d.contains("name") || !d["name"].is_string()) continue;
      const std::string name = d["name"];
      if (has_device(name)) continue;
      spdlog::info("board {}: closing device {}, left open by an earlier configuration", board_.name, name);
      Json which = Json::object();  // a named local: GCC 12 rejects a braced Json in a co_await expression
      which["name"] = name;
      const Answer closed = co_await request("devices.close", std::move(which));
      if (closed.timed_out || lost_.is_set()) co_return lost_why_;
    }
  }
  co_return co_await open_all();
}

aiopi::Task<std::string> BoardLink::open_all() {
  do {
    devices_changed_ = false;
    const std::vector<config::DeviceConfig> devices = devices_;
    for (const config::DeviceConfig& d : devices) {
      const Answer a = co_await open_device(d);
      if (a.timed_out || lost_.is_set()) co_return lost_why_.empty() ? a.message : lost_why_;
    }
  } while (devices_changed_);
  co_return std::string();
}

aiopi::Task<std::string> BoardLink::serve() {
  for (;;) {
    auto r = co_await aiopi::wait_for(wait_set(lost_), board_.heartbeat);
    if (!r.timed_out()) co_return lost_why_;
    bool rebooted = false;
    const Answer a = co_await info(rebooted);
    if (!a.ok) co_return lost_why_.empty() ? "daemon.info: " + a.message : lost_why_;
    if (rebooted) {
      open_on_board_.clear();  // the Pico forgot them
      stop_all_polling();
      std::string why = co_await open_all();
      if (!why.empty()) co_return why;
    }
  }
}

aiopi::Task<Answer> BoardLink::info(bool& rebooted) {
  const aiopi::TimePoint sent = loop_.now();
  Answer a = co_await request("daemon.info", nullptr);
  if (!a.ok) co_return a;
  const aiopi::TimePoint received = loop_.now();
  const Json& r = a.result;
  const auto boot = r.find("boot");
  const auto uptime = r.find("uptime_us");
  if (!r.is_object() || boot == r.end() || !boot->is_number_integer() || uptime == r.end() ||
      !uptime->is_number_integer()) {
    a.ok = false;
    a.message = "the answer has no boot or uptime_us";
    lose("daemon.info: " + a.message);
    co_return a;
  }
  // The Pico's clock read at the middle of the round trip, on the loop's clock.
  offset_us_ = (micros(sent) + micros(received)) / 2 - uptime->get<std::int64_t>();
  const std::int64_t b = boot->get<std::int64_t>();
  if (boot_ && *boot_ != b) {
    rebooted = true;
    spdlog::info("board {}: the Pico restarted (boot {} -> {}): opening its devices again", board_.name,
                 *boot_, b);
  } else if (!boot_) {
    const auto text = [&](const char* key) {
      const auto it = r.find(key);
      return it != r.end() ? it->dump() : std::string("?");
    };
    spdlog::info("board {}: link up on {}: {} {}, protocol {}, boot {}", board_.name, board_.uart,
                 text("name"), text("version"), text("protocol"), b);
  }
  boot_ = b;
  co_return a;
}

aiopi::Task<Answer> BoardLink::open_device(config::DeviceConfig d) {
  const std::string type = type_of(d);
  Json params = Json::object();
  params["name"] = d.name;
  params["type"] = type;
  params["params"] = json_of(config::board_open_params(d.params));
  std::erase(open_on_board_, d.name);
  stop_polling(d.name);
  Answer a = co_await request("devices.open", std::move(params));
  if (!a.ok && a.code == 0) co_return a;  // no answer (timed out, or the link lost): the link's affair
  if (a.ok) {
    open_on_board_.push_back(d.name);
    if (has_device(d.name)) start_polling(d);
  }
  if (!sink_ || !has_device(d.name)) co_return a;
  if (!a.ok) {
    sink_->remote_open_failed(
        d.name, "board '" + board_.name + "' answered " + std::to_string(a.code) + ": " + a.message);
    co_return a;
  }
  runtime::DeviceReading value{false};
  if (a.result.is_object()) {
    const auto v = a.result.find("value");
    if (v != a.result.end()) {
      if (auto reading = reading_of(*v, nullptr, type)) value = std::move(*reading);
    }
  }
  sink_->remote_opened(d.name, value);
  if (a.result.is_object()) {
    if (const auto state = a.result.find("state"); state != a.result.end() && *state == "failing") {
      const auto error = a.result.find("error");
      sink_->remote_error(d.name, error != a.result.end() && error->is_string() ? error->get<std::string>()
                                                                                : std::string("failing"));
    }
  }
  co_return a;
}

aiopi::Task<> BoardLink::open_one(config::DeviceConfig d) {
  (void)co_await open_device(std::move(d));
}

aiopi::Task<> BoardLink::close_device(std::string name) {
  Json which = Json::object();
  which["name"] = name;
  std::erase(open_on_board_, name);
  stop_polling(name);
  const Answer a = co_await request("devices.close", std::move(which));
  if (!a.ok && a.code != 0)
    spdlog::warn("board {}: closing device {}: {} {}", board_.name, name, a.code, a.message);
}

bool BoardLink::reachable(std::string_view device) const noexcept {
  return port_ && !lost_.is_set() &&
         std::find(open_on_board_.begin(), open_on_board_.end(), device) != open_on_board_.end();
}

void BoardLink::write(std::string device, Json value) {
  // Not only once the whole handshake is done: the runtime writes an output back as soon as its device is
  // open, while the link may still be opening the others (a value dropped here is written at the open).
  if (!reachable(device)) {
    spdlog::debug("board {}: device {} not open on the board, not written", board_.name, device);
    return;
  }
  track(loop_.create_task(send_write(std::move(device), std::move(value)), "tether write"));
}

aiopi::Task<> BoardLink::send_write(std::string device, Json value) {
  Json params = Json::object();
  params["name"] = device;
  params["value"] = std::move(value);
  const Answer a = co_await request("devices.set", std::move(params));
  if (!a.ok && a.code != 0)
    spdlog::error("device {}: board {} refused the value: {} {}", device, board_.name, a.code, a.message);
}

aiopi::Task<runtime::ReadResult> BoardLink::read(std::string name) {
  runtime::ReadResult out;
  if (!reachable(name)) {
    const bool link_down = !port_ || lost_.is_set();
    out.status = runtime::OpResult::fail(runtime::OpErrc::unavailable,
                                         "device '" + name + "': " +
                                             (link_down ? "the link to board '" + board_.name + "' is down"
                                                        : "not open on board '" + board_.name + "'"));
    co_return out;
  }
  Json which = Json::object();
  which["name"] = name;
  const Answer a = co_await request("devices.read", std::move(which));
  if (!a.ok) {
    out.status = answer_error(board_.name, name, a);
    co_return out;
  }
  const config::DeviceConfig* d = device(name);
  const Json none;
  const Json& value = a.result.is_object() && a.result.contains("value") ? a.result["value"] : none;
  const Json& unit = a.result.is_object() && a.result.contains("unit") ? a.result["unit"] : none;
  auto reading = reading_of(value, unit, d ? type_of(*d) : std::string());
  if (!reading) {
    out.status = runtime::OpResult::fail(runtime::OpErrc::unavailable,
                                         "device '" + name + "': board '" + board_.name +
                                             "' answered a value of no known shape: " + value.dump());
    co_return out;
  }
  if (sink_ && d) sink_->remote_value(name, *reading);
  out.reading = std::move(*reading);
  co_return out;
}

// ------------------------------------------------------------------------------------------- polls

void BoardLink::start_polling(const config::DeviceConfig& d) {
  if (type_of(d) != "adc" || stopping_) return;
  aiopi::Duration every = 1s;
  if (const std::string* text = d.params.get_string("poll"))
    if (auto parsed = config::parse_duration(*text)) every = *parsed;
  stop_polling(d.name);
  const std::uint64_t serial = ++next_poller_;
  aiopi::TaskHandle<> task = loop_.create_task(poll(d.name, every, serial), "tether poll");
  pollers_[d.name] = Poller{task, serial, false};
  track(std::move(task));  // the destructor cancels it with the other side tasks
}

void BoardLink::stop_polling(std::string_view name) {
  const auto it = pollers_.find(name);
  if (it == pollers_.end()) return;
  if (!it->second.reading && it->second.task && !it->second.task.done()) it->second.task.cancel();
  pollers_.erase(it);
}

void BoardLink::stop_all_polling() {
  while (!pollers_.empty())
    stop_polling(pollers_.begin()->first);
}

aiopi::Task<> BoardLink::poll(std::string name, aiopi::Duration every, std::uint64_t serial) {
  const auto current = [&]() -> Poller* {
    const auto it = pollers_.find(name);
    return it != pollers_.end() && it->second.serial == serial ? &it->second : nullptr;
  };
  bool failing = false;
  for (;;) {
    co_await aiopi::sleep(every);
    Poller* self = current();
    if (self == nullptr || !reachable(name)) co_return;
    self->reading = true;
    const runtime::ReadResult r = co_await read(name);
    self = current();
    if (self == nullptr) co_return;  // stopped during the read
    self->reading = false;
    // A refused or unanswered read is not a loss by itself (an unanswered request is, in request()).
    if (!r.status && !failing && reachable(name))
      spdlog::warn("board {}: polling device {}: {} (retrying every poll)", board_.name, name,
                   r.status.message);
    else if (r.status && failing)
      spdlog::info("board {}: device {} reads again", board_.name, name);
    failing = !r.status;
  }
}

// ------------------------------------------------------------------------------------------- requests

aiopi::Task<Answer> BoardLink::request(std::string method, Json params) {
  Answer out;
  if (!port_ || lost_.is_set()) {
    out.message = lost_.is_set() ? "the link is lost: " + lost_why_ : "the port is not open";
    co_return out;
  }
  const std::int64_t id = ++next_id_;
  auto pending = std::make_shared<Pending>();
  pending_[id] = pending;
  const std::string line = encode_request(id, method, params);
  spdlog::trace("board {}: -> {}", board_.name, std::string_view(line).substr(0, line.size() - 1));
  if (auto w = port_->writer().write(std::string_view(line)); !w) {
    pending_.erase(id);
    out.message = std::string("cannot write to ") + board_.uart + ": " + w.error().what;
    lose(out.message);
    co_return out;
  }
  auto waited = co_await aiopi::wait_for(wait_set(pending->done), board_.timeout);
  pending_.erase(id);
  if (waited.timed_out()) {
    out.timed_out = true;
    out.message = "no answer to " + method + " within " + config::format_duration(board_.timeout);
    lose(out.message);
    co_return out;
  }
  co_return std::move(pending->answer);
}

void BoardLink::lose(std::string why) {
  if (lost_.is_set()) return;
  lost_why_ = std::move(why);
  lost_.set();
  fail_pending(lost_why_);
}

void BoardLink::fail_pending(const std::string& why) {
  for (auto& [id, p] : pending_) {
    if (p->done.is_set()) continue;
    p->answer = Answer{};
    p->answer.message = "the link is lost: " + why;
    p->done.set();
  }
}

aiopi::Task<> BoardLink::close_port() {
  if (reader_ && !reader_.done()) {
    reader_.cancel();
    co_await reader_.wait_outcome();
  }
  port_.reset();
}

aiopi::Task<> BoardLink::read_loop() {
  std::array<std::uint8_t, 256> buf{};
  for (;;) {
    auto got = co_await port_->reader().read(buf);
    if (!got) {
      lose(std::string("the port failed: ") + got.error().what);
      co_return;
    }
    if (got->empty()) {
      lose("the port closed");
      co_return;
    }
    for (const FramedLine& line : framer_.feed(aiopi::hal::as_text(*got)))
      handle_line(line);
  }
}

void BoardLink::handle_line(const FramedLine& line) {
  if (line.over_long) {
    spdlog::warn("board {}: a line longer than {} bytes was dropped", board_.name, LineFramer::kMaxLine);
    return;
  }
  spdlog::trace("board {}: <- {}", board_.name, line.text);
  Incoming in = decode_line(line.text);
  if (auto* r = std::get_if<Response>(&in)) {
    if (r->id < 0) {
      spdlog::warn("board {}: the Pico could not read a request: {} {}", board_.name, r->code, r->message);
      return;
    }
    auto it = pending_.find(r->id);
    if (it == pending_.end() || it->second->done.is_set()) {
      spdlog::debug("board {}: a late answer to request {} was dropped", board_.name, r->id);
      return;
    }
    it->second->answer = Answer{r->ok, false, std::move(r->result), r->code, std::move(r->message)};
    it->second->done.set();
  } else if (auto* n = std::get_if<Notification>(&in)) {
    handle_notification(*n);
  } else if (auto* c = std::get_if<Comment>(&in)) {
    if (c->panic())
      spdlog::warn("board {}: #{}", board_.name, c->text);
    else
      spdlog::debug("board {}: #{}", board_.name, c->text);
  } else {
    spdlog::warn("board {}: unreadable line ({}): {}", board_.name, std::get<Malformed>(in).why,
                 line.text.substr(0, 120));
  }
}

void BoardLink::handle_notification(const Notification& n) {
  const config::DeviceConfig* d = device(n.device);
  if (d == nullptr) {
    spdlog::debug("board {}: a notification about '{}', not one of its devices", board_.name, n.device);
    return;
  }
  if (sink_ == nullptr) return;
  const aiopi::TimePoint at = board_time(n.mono_us);
  const std::string type = type_of(*d);
  if (n.what == "edge") {
    const auto level = n.data.is_object() ? n.data.find("level") : n.data.end();
    if (level != n.data.end() && level->is_boolean()) sink_->remote_edge(n.device, level->get<bool>(), at);
    return;
  }
  if (n.what == "state") {
    const auto state = n.data.is_object() ? n.data.find("state") : n.data.end();
    if (state == n.data.end() || !state->is_string()) return;
    const auto error = n.data.find("error");
    if (*state == "failing")
      sink_->remote_error(n.device, error != n.data.end() && error->is_string() ? error->get<std::string>()
                                                                                : std::string("failing"));
    else
      sink_->remote_error(n.device, "");
    return;
  }
  if (n.what == "value") {
    // `{"value": V[, "unit": U]}`, or a driver's readings object itself (an htu21d's
    // `{"temperature": T, "humidity": H}`).
    if (!n.data.is_object()) return;
    const Json none;
    const auto value = n.data.find("value");
    const auto unit = n.data.find("unit");
    auto reading =
        reading_of(value != n.data.end() ? *value : n.data, unit != n.data.end() ? *unit : none, type);
    if (!reading) return;
    sink_->remote_value(n.device, *reading);
    // A measurement is also the `reading` event an htu21d raises on the daemon's own board.
    if (type == "htu21d") {
      if (const auto* readings = std::get_if<std::vector<runtime::Reading>>(&*reading))
        sink_->remote_event(n.device, runtime::DriverEvent{"reading", *readings, at});
    }
    return;
  }
  sink_->remote_event(n.device, runtime::DriverEvent{n.what, readings_of(n.data), at});
}

}  // namespace aiopid::tether
