// Zero allocations: parsing, next_fire / next_fires (UTC, fixed offset and IANA zones), describe and ISO 8601
// formatting never touch the heap. Its own executable, because tests/alloc's counter replaces operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "aiopi/cron/describe.hpp"
#include "alloc_counter.hpp"
#include "cron_test_support.hpp"

namespace aiopi::cron {
namespace {

TEST(Allocations, NoneInParsingOrNextFire) {
  const TimeZone& london = test::zone("Europe/London");  // looked up (and allocated) before counting
  const TimeZone& lord_howe = test::zone("Australia/Lord_Howe");
  const FixedOffsetZone kathmandu(std::chrono::minutes{345});
  const Instant start = test::at("2025-03-29T12:00:00Z");
  const char* const texts[] = {"*/5 * * * *",
                               "0 30 1 * * *",
                               "hrs=4 mins=10 wday=mon,fri",
                               "0 0 29 2 *",
                               "mday=1-7 wday=mon times=3",
                               "secs=* mins=*/7 hrs=1-2",
                               "0 0 31 * *"};

  // Sanity check that the counter works at all.
  const std::uint64_t before_probe = aiopi::testing::thread_allocations();
  int* volatile probe = new int(1);
  delete probe;
  ASSERT_EQ(aiopi::testing::thread_allocations(), before_probe + 1);

  const std::uint64_t before = aiopi::testing::thread_allocations();
  std::uint64_t fires = 0;
  for (const char* text : texts) {
    const auto spec = parse_spec(text);
    ASSERT_TRUE(spec.has_value());
    const TimeZone* zones[] = {&utc_zone(), &kathmandu, &london, &lord_howe};
    for (const TimeZone* tz : zones) {
      Instant out[50];
      fires += next_fires(*spec, start, *tz, out);
      char line[kIso8601MaxLength + 1];
      format_iso8601(out[0], *tz, line);
    }
    char normalized[kDescribeMaxLength];
    describe(*spec, normalized);
  }
  const auto bad = parse_cron("0 0 * * frx");
  ASSERT_FALSE(bad.has_value());
  char message[128];
  format_error(bad.error(), message);
  const std::uint64_t allocations = aiopi::testing::thread_allocations() - before;
  EXPECT_GT(fires, 1000U);
  EXPECT_EQ(allocations, 0U);
}

}  // namespace
}  // namespace aiopi::cron
