// libFuzzer harness for the configuration layer (clang: -fsanitize=fuzzer,address): the duration and time
// parsers, and whole configuration texts through toml++, the merge, the validator and the cross checks.
// Invariants beyond "no crash": a parse error points inside (or just past) the text; an accepted duration
// formats back to itself; a rejected configuration has errors that name a file position and a message; an
// accepted one prints as TOML that loads again to the same document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aiopid/config/builtin_device_types.hpp"
#include "aiopid/config/duration.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/config/print.hpp"
#include "aiopid/config/time_of_day.hpp"

namespace {

using namespace aiopid::config;

void check(bool ok) {
  if (!ok) std::abort();
}

const DeviceTypeRegistry& registry() {
  static const DeviceTypeRegistry r = builtin_device_registry();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto d = parse_duration(text); d) {
    check(d->count() >= 0);
    check(*parse_duration(format_duration(*d)) == *d);
  } else {
    check(d.error().offset <= text.size() && !d.error().message.empty());
  }
  if (const auto t = parse_time_of_day(text); t) {
    check(*parse_time_of_day(format_time_of_day(*t)) == *t);
  } else {
    check(t.error().offset <= text.size() && !t.error().message.empty());
  }

  const LoadResult r = load_config_texts({{"fuzz.toml", std::string(text)}}, registry());
  if (!r.config) {
    check(!r.diagnostics.empty());
    for (const Diagnostic& e : r.diagnostics.all())
      check(!e.message.empty());
    return 0;
  }
  const std::string printed = print_config(*r.config);
  const LoadResult again = load_config_texts({{"printed.toml", printed}}, registry());
  check(again.config.has_value());
  for (const char* section : {"daemon", "devices", "events", "tasks", "schedules"}) {
    check(r.config->document.find(section)->same_value(*again.config->document.find(section)));
  }
  return 0;
}
