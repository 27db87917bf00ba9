// aiopi-cron: print the next fire times of a schedule.
//
//   aiopi-cron SPEC [--tz ZONE] [--from ISO8601] [--count N] [--explain]
//
// SPEC is a cron string ("*/5 * * * *", "0 30 4 * * mon-fri") or the key=value form ("hrs=4 mins=10
// wday=mon"); several arguments are joined with spaces, so `aiopi-cron hrs=4 mins=10` works unquoted. Exit
// status: 0 ok, 1 the schedule never fires, 2 bad spec / option / zone / time.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/cron/describe.hpp"
#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iana_zone.hpp"
#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopi/cron/parse.hpp"

namespace {

using aiopi::cron::Instant;

constexpr int kExitUsage = 2;
constexpr long kMaxCount = 1000000;

void print_usage(std::FILE* to) {
  std::fputs(
      "usage: aiopi-cron SPEC [--tz ZONE] [--from ISO8601] [--count N] [--explain]\n"
      "\n"
      "Prints the next N fire times of SPEC after --from (exclusive), one per line, as ISO 8601 with "
      "offset.\n"
      "  SPEC       cron string, 5 fields (min hour mday month wday) or 6 (sec first), or @daily etc.;\n"
      "             or key=value: secs= mins= hrs= mday= month= wday= (0=mon..6=sun) times=\n"
      "             (key=value defaults: secs=0 mins=0 hrs=3)\n"
      "  --tz       UTC (default), a fixed offset such as +05:45, or an IANA zone such as Europe/London\n"
      "  --from     2025-03-30T01:30:00Z, ...+01:00, or a local time in --tz without offset (default: now)\n"
      "  --count    how many fire times (default 5)\n"
      "  --explain  first print the normalized spec as a '#' line\n",
      to);
}

int usage_error(const char* message, std::string_view detail = {}) {
  const std::string text(detail);
  std::fprintf(stderr, "aiopi-cron: %s%s\n\n", message, text.c_str());
  print_usage(stderr);
  return kExitUsage;
}

void print_parse_error(const char* what, const aiopi::cron::ParseError& error, std::string_view text) {
  char message[256];
  aiopi::cron::format_error(error, message);
  std::fprintf(stderr, "aiopi-cron: %s: %s\n", what, message);
  std::vector<char> caret(text.size() + error.offset + error.length + 8);
  aiopi::cron::format_caret(error, text, caret);
  std::fprintf(stderr, "%s", caret.data());
}

}  // namespace

int main(int argc, char** argv) {
  std::string spec_text;
  std::string_view tz_name = "UTC";
  std::optional<std::string_view> from_text;
  long count = 5;
  bool explain = false;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string_view value;
    bool has_inline = false;
    std::string_view option = arg;
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        option = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        has_inline = true;
      }
    }
    const auto take_value = [&]() -> bool {
      if (has_inline) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    if (option == "--help" || option == "-h") {
      print_usage(stdout);
      return 0;
    } else if (option == "--tz") {
      if (!take_value()) return usage_error("--tz needs a zone");
      tz_name = value;
    } else if (option == "--from") {
      if (!take_value()) return usage_error("--from needs a time");
      from_text = value;
    } else if (option == "--count") {
      if (!take_value()) return usage_error("--count needs a number");
      const std::string digits(value);
      char* end = nullptr;
      count = std::strtol(digits.c_str(), &end, 10);
      if (digits.empty() || *end != '\0' || count < 0 || count > kMaxCount) {
        return usage_error("--count must be a number from 0 to 1000000, not ", value);
      }
    } else if (option == "--explain") {
      explain = true;
    } else if (arg.starts_with("--")) {
      return usage_error("unknown option ", arg);
    } else {
      if (!spec_text.empty()) spec_text += ' ';
      spec_text += arg;
    }
  }
  if (spec_text.empty()) return usage_error("missing SPEC");

  // The zone: fixed offsets first (UTC, Z, +05:45), then the IANA database.
  std::optional<aiopi::cron::FixedOffsetZone> fixed;
  std::optional<aiopi::cron::IanaZone> iana;
  const aiopi::cron::TimeZone* zone = nullptr;
  if (const auto offset = aiopi::cron::parse_utc_offset(tz_name)) {
    fixed = aiopi::cron::FixedOffsetZone(*offset);
    zone = &*fixed;
  } else if ((iana = aiopi::cron::IanaZone::locate(tz_name))) {
    zone = &*iana;
  } else {
    std::fprintf(stderr, "aiopi-cron: unknown time zone '%.*s'\n", static_cast<int>(tz_name.size()),
                 tz_name.data());
    return kExitUsage;
  }

  const auto spec = aiopi::cron::parse_spec(spec_text);
  if (!spec) {
    print_parse_error("bad schedule", spec.error(), spec_text);
    return kExitUsage;
  }

  Instant after = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (from_text) {
    const auto from = aiopi::cron::parse_iso8601(*from_text);
    if (!from) {
      print_parse_error("bad --from time", from.error(), *from_text);
      return kExitUsage;
    }
    after = from->instant(*zone);
  }

  if (explain) {
    char text[aiopi::cron::kDescribeMaxLength];
    aiopi::cron::describe(*spec, text);
    std::printf("# %s (tz %.*s)\n", text, static_cast<int>(zone->name().size()), zone->name().data());
  }

  std::vector<Instant> times(static_cast<std::size_t>(count));
  const std::size_t n = aiopi::cron::next_fires(*spec, after, *zone, times);
  for (std::size_t k = 0; k < n; ++k) {
    char line[aiopi::cron::kIso8601MaxLength + 1];
    aiopi::cron::format_iso8601(times[k], *zone, line);
    std::printf("%s\n", line);
  }
  if (count > 0 && n == 0) {
    std::fprintf(stderr, "aiopi-cron: the schedule does not fire again\n");
    return 1;
  }
  return 0;
}
