// libFuzzer harness for both schedule parsers and the ISO 8601 parser (clang: -fsanitize=fuzzer,address).
// Checks invariants rather than just "no crash": errors point inside (or just past) the text; an accepted
// spec can fire, its next fire matches it, and its normalized text parses back to the same spec.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aiopi/cron/describe.hpp"
#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopi/cron/parse.hpp"

namespace {

using namespace aiopi::cron;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_error(const ParseError& e, std::string_view text) {
  check(e.offset <= text.size());
  check(e.length >= 1);
  check(!e.message.empty());
  check(!e.field.empty());
}

void check_spec(const Result<Spec>& r, std::string_view text) {
  if (!r) {
    check_error(r.error(), text);
    return;
  }
  const Spec& spec = *r;
  check(can_ever_fire(spec));
  const Instant after{std::chrono::seconds{1735689600}};  // 2025-01-01
  const auto t = next_fire(spec, after, utc_zone());
  check(t.has_value() && *t > after);
  check(matches(spec, civil_from_seconds(t->time_since_epoch().count())));
  if (spec.day_rule == DayRule::kBoth) {
    char buffer[kDescribeMaxLength];
    const std::size_t n = describe(spec, buffer);
    check(n < sizeof buffer);
    const auto back = parse_keyvalue(std::string_view(buffer, n));
    check(back.has_value() && *back == spec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_spec(parse_cron(text), text);
  check_spec(parse_keyvalue(text), text);
  const auto iso = parse_iso8601(text);
  if (iso) {
    char buffer[kIso8601MaxLength + 1];
    check(format_iso8601(iso->instant(utc_zone()), std::chrono::seconds{0}, buffer) > 0);
  } else {
    check_error(iso.error(), text);
  }
  return 0;
}
