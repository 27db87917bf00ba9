// A set of small integers (one schedule field: seconds, minutes, hours, days, months or weekdays) stored as a
// 64-bit mask. Fixed size, no allocation, constexpr.
#pragma once

#include <bit>
#include <cstdint>

namespace aiopi::cron {

/// The values Lo..Hi (inclusive, Hi < 64) a field may take; bit v of the mask is value v.
template <int Lo, int Hi>
class FieldSet {
  static_assert(0 <= Lo && Lo <= Hi && Hi < 64, "a field set holds values 0..63");

 public:
  static constexpr int kMin = Lo;
  static constexpr int kMax = Hi;

  /// The empty set (matches nothing).
  constexpr FieldSet() noexcept = default;

  /// Every value Lo..Hi (the `*` wildcard).
  static constexpr FieldSet any() noexcept { return from_bits(kAllBits); }

  /// Exactly one value; out-of-range values give the empty set.
  static constexpr FieldSet of(int value) noexcept {
    FieldSet s;
    s.add(value);
    return s;
  }

  /// The set whose mask is `bits` (bits outside Lo..Hi are dropped).
  static constexpr FieldSet from_bits(std::uint64_t bits) noexcept {
    FieldSet s;
    s.bits_ = bits & kAllBits;
    return s;
  }

  /// Adds one value; returns false (and changes nothing) if it is outside Lo..Hi.
  constexpr bool add(int value) noexcept {
    if (value < Lo || value > Hi) return false;
    bits_ |= std::uint64_t{1} << value;
    return true;
  }

  /// Adds first, first+step, ... up to and including last (clipped to Lo..Hi). step must be >= 1.
  constexpr void add_range(int first, int last, int step = 1) noexcept {
    if (step < 1) return;
    for (int v = first < Lo ? Lo : first; v <= last && v <= Hi; v += step)
      bits_ |= std::uint64_t{1} << v;
  }

  constexpr bool contains(int value) const noexcept {
    return value >= Lo && value <= Hi && ((bits_ >> value) & 1U) != 0;
  }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  /// True if every value Lo..Hi is in the set.
  constexpr bool is_any() const noexcept { return bits_ == kAllBits; }
  constexpr int count() const noexcept { return std::popcount(bits_); }
  constexpr std::uint64_t bits() const noexcept { return bits_; }

  /// The smallest member >= value, or -1 if there is none.
  constexpr int next(int value) const noexcept {
    if (value > Hi) return -1;
    if (value < Lo) value = Lo;
    const std::uint64_t rest = bits_ & (~std::uint64_t{0} << value);
    return rest == 0 ? -1 : std::countr_zero(rest);
  }
  /// The smallest member, or -1 for the empty set.
  constexpr int first() const noexcept { return bits_ == 0 ? -1 : std::countr_zero(bits_); }
  /// The largest member, or -1 for the empty set.
  constexpr int last() const noexcept { return bits_ == 0 ? -1 : 63 - std::countl_zero(bits_); }

  friend constexpr bool operator==(const FieldSet&, const FieldSet&) = default;

 private:
  static constexpr std::uint64_t kAllBits =
      (Hi == 63 ? ~std::uint64_t{0} : ((std::uint64_t{1} << (Hi + 1)) - 1)) & (~std::uint64_t{0} << Lo);
  std::uint64_t bits_ = 0;
};

using SecondSet = FieldSet<0, 59>;
using MinuteSet = FieldSet<0, 59>;
using HourSet = FieldSet<0, 23>;
using MonthDaySet = FieldSet<1, 31>;
using MonthSet = FieldSet<1, 12>;
/// 0 = Monday ... 6 = Sunday.
using WeekdaySet = FieldSet<0, 6>;

}  // namespace aiopi::cron
