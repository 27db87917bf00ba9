// Benchmark: cost of next_fire over a mix of specs, and allocations per call (bench/support's counter).
// Prints one JSON object per line:
//   {"name":"cron_next","impl":"aiopi","zone":"UTC","ns_per_op":...,"allocs_per_op":0}
//   {"name":"cron_next_iana","impl":"aiopi","zone":"Europe/London",...}
//   {"name":"cron_parse","impl":"aiopi",...}
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string_view>

#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iana_zone.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopi/cron/parse.hpp"
#include "support/alloc_counter.hpp"

// ----------------------------------------------------------------------------------------- benchmark

namespace {

using aiopi::cron::Instant;
using aiopi::cron::Spec;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSpecs[] = {
    "*/5 * * * *",                 // every 5 minutes
    "0 30 4 * * mon-fri",          // weekdays 04:30:00
    "hrs=4 mins=10 wday=mon,fri",  // the seed's keywords
    "secs=0,30 mins=*/5 hrs=*",    // twice a minute, every 5 minutes
    "0 0 31 * *",                  // skips short months
    "0 0 29 2 *",                  // leap days only
    "mday=1-7 wday=mon hrs=9",     // first Monday of the month
    "0 0 13 * 5",                  // the 13th or a Friday (cron OR)
    "0 15 1-3 * * *",              // DST hours
    "@hourly",
};
constexpr std::size_t kSpecCount = sizeof kSpecs / sizeof kSpecs[0];

struct Figures {
  double ns_per_op;
  double allocs_per_op;
};

/// Chains next_fire through each spec from 2024, restarting a spec when it passes 2100.
Figures run(const Spec (&specs)[kSpecCount], const aiopi::cron::TimeZone& zone, std::uint64_t ops) {
  const Instant start{std::chrono::seconds{1704067200}};  // 2024-01-01
  const Instant stop{std::chrono::seconds{4102444800}};   // 2100-01-01
  Instant after[kSpecCount];
  for (auto& a : after)
    a = start;
  std::int64_t checksum = 0;
  const std::uint64_t allocs_before = aiopi::bench::allocations();
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < ops; ++i) {
    const std::size_t k = i % kSpecCount;
    const std::optional<Instant> t = aiopi::cron::next_fire(specs[k], after[k], zone);
    after[k] = (t && *t < stop) ? *t : start;
    checksum += after[k].time_since_epoch().count();
  }
  const auto t1 = Clock::now();
  const std::uint64_t allocs = aiopi::bench::allocations() - allocs_before;
  if (checksum == 42) std::puts("");  // keep the work observable
  return Figures{std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(ops),
                 static_cast<double>(allocs) / static_cast<double>(ops)};
}

void print(const char* name, const char* zone, Figures f) {
  std::printf(
      "{\"name\":\"%s\",\"impl\":\"aiopi\",\"zone\":\"%s\",\"ns_per_op\":%.1f,\"allocs_per_op\":%g}\n", name,
      zone, f.ns_per_op, f.allocs_per_op);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t ops = 2000000;
  if (argc > 1) ops = std::strtoull(argv[1], nullptr, 10);
  if (ops == 0) ops = 1;

  Spec specs[kSpecCount];
  for (std::size_t i = 0; i < kSpecCount; ++i) {
    const auto parsed = aiopi::cron::parse_spec(kSpecs[i]);
    if (!parsed) {
      std::fprintf(stderr, "bad bench spec %zu\n", i);
      return 1;
    }
    specs[i] = *parsed;
  }

  run(specs, aiopi::cron::utc_zone(), ops / 10);  // warm-up
  print("cron_next", "UTC", run(specs, aiopi::cron::utc_zone(), ops));

  if (const auto london = aiopi::cron::IanaZone::locate("Europe/London")) {
    run(specs, *london, ops / 10);
    print("cron_next_iana", "Europe/London", run(specs, *london, ops));
  }

  // Parsing cost (both forms), for reference.
  const std::uint64_t parse_ops = ops / 4 + 1;
  std::uint64_t ok = 0;
  const std::uint64_t allocs_before = aiopi::bench::allocations();
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < parse_ops; ++i)
    ok += aiopi::cron::parse_spec(kSpecs[i % kSpecCount]).has_value();
  const auto t1 = Clock::now();
  const std::uint64_t allocs = aiopi::bench::allocations() - allocs_before;
  if (ok != parse_ops) return 1;
  print("cron_parse", "-",
        Figures{std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(parse_ops),
                static_cast<double>(allocs) / static_cast<double>(parse_ops)});
  return 0;
}
