#include "aiopi/cron/describe.hpp"

#include <cstdint>
#include <string_view>

#include "text_writer.hpp"

namespace aiopi::cron {
namespace {

constexpr std::string_view kMonthNames[13] = {"",    "jan", "feb", "mar", "apr", "may", "jun",
                                              "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

enum class Style : std::uint8_t { kNumber, kMonth, kWeekday };

void put_value(detail::TextWriter& w, int v, Style style) noexcept {
  switch (style) {
    case Style::kMonth:
      w.put(kMonthNames[v]);
      break;
    case Style::kWeekday:
      w.put(kDayNames[v]);
      break;
    case Style::kNumber:
      w.put_int(v);
      break;
  }
}

/// Writes the members of bits (values lo..hi) compactly: "*", "*/s", "a-b/s", or runs "a-b" and single
/// values.
void put_set(detail::TextWriter& w, std::uint64_t bits, int lo, int hi, Style style) noexcept {
  const std::uint64_t all = (((std::uint64_t{1} << (hi - lo + 1)) - 1) << lo);
  if (bits == all) {
    w.put('*');
    return;
  }
  int members[64];
  int count = 0;
  for (int v = lo; v <= hi; ++v) {
    if ((bits >> v) & 1U) members[count++] = v;
  }
  if (count == 0) {
    w.put("none");
    return;
  }
  // An arithmetic progression with a step > 1, written as a step (numbers only).
  if (style == Style::kNumber && count >= 3) {
    const int step = members[1] - members[0];
    bool progression = step > 1;
    for (int i = 2; progression && i < count; ++i)
      progression = members[i] - members[i - 1] == step;
    if (progression) {
      if (members[0] == lo && members[count - 1] + step > hi) {
        w.put("*/");
      } else {
        w.put_int(members[0]);
        w.put('-');
        w.put_int(members[count - 1]);
        w.put('/');
      }
      w.put_int(step);
      return;
    }
  }
  bool first = true;
  for (int i = 0; i < count;) {
    int j = i;
    while (j + 1 < count && members[j + 1] == members[j] + 1)
      ++j;
    const auto put_one = [&](int v) {
      if (!first) w.put(',');
      first = false;
      put_value(w, v, style);
    };
    if (j - i >= 2) {
      put_one(members[i]);
      w.put('-');
      put_value(w, members[j], style);
    } else {
      for (int k = i; k <= j; ++k)
        put_one(members[k]);
    }
    i = j + 1;
  }
}

}  // namespace

std::size_t describe(const Spec& spec, std::span<char> out) noexcept {
  detail::TextWriter w(out);
  w.put("secs=");
  put_set(w, spec.secs.bits(), 0, 59, Style::kNumber);
  w.put(" mins=");
  put_set(w, spec.mins.bits(), 0, 59, Style::kNumber);
  w.put(" hrs=");
  put_set(w, spec.hrs.bits(), 0, 23, Style::kNumber);
  w.put(" mday=");
  put_set(w, spec.mday.bits(), 1, 31, Style::kNumber);
  w.put(" month=");
  put_set(w, spec.month.bits(), 1, 12, Style::kMonth);
  w.put(" wday=");
  put_set(w, spec.wday.bits(), 0, 6, Style::kWeekday);
  if (spec.times != 0) {
    w.put(" times=");
    w.put_int(spec.times);
  }
  if (spec.day_rule == DayRule::kEither) w.put(" (mday or wday)");
  return w.finish();
}

}  // namespace aiopi::cron
