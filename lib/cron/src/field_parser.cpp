#include "field_parser.hpp"

namespace aiopi::cron::detail {
namespace {

constexpr std::string_view kMonthNames[12][2] = {
    {"jan", "january"},   {"feb", "february"}, {"mar", "march"},    {"apr", "april"},
    {"may", "may"},       {"jun", "june"},     {"jul", "july"},     {"aug", "august"},
    {"sep", "september"}, {"oct", "october"},  {"nov", "november"}, {"dec", "december"},
};

// Monday first, as aiopi numbers weekdays.
constexpr std::string_view kDayNames[7][2] = {
    {"mon", "monday"}, {"tue", "tuesday"},  {"wed", "wednesday"}, {"thu", "thursday"},
    {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
};

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

struct Atom {
  int value;
  bool sunday_name;  // written as a name meaning Sunday (cron: may end a range as 7)
};

class FieldParser {
 public:
  FieldParser(std::string_view text, std::size_t base, const FieldDef& def) noexcept
      : text_(text), base_(base), def_(def) {}

  Result<FieldValue> run() noexcept {
    FieldValue value{0, false};
    for (;;) {
      if (at_end() || peek() == ',') return error(pos_, 1, "empty list element");
      if (!item(value)) return error_;
      if (at_end()) break;
      if (peek() != ',') return error(pos_, 1, "unexpected character");
      ++pos_;
    }
    return value;
  }

 private:
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  char peek() const noexcept { return text_[pos_]; }

  bool fail(std::size_t at, std::size_t length, std::string_view message) noexcept {
    error_ = ParseError{def_.name, base_ + at, length == 0 ? 1 : length, message};
    return false;
  }
  ParseError error(std::size_t at, std::size_t length, std::string_view message) noexcept {
    fail(at, length, message);
    return error_;
  }

  bool item(FieldValue& value) noexcept {
    const std::size_t start = pos_;
    int first = 0;
    int last = 0;
    bool ranged = false;  // a-b (or * which is a range too)
    if (peek() == '*' || (peek() == '?' && def_.question_mark)) {
      value.wildcard = true;
      ranged = true;
      first = def_.lo;
      last = def_.star_hi;
      ++pos_;
    } else {
      Atom a{};
      if (!atom(a)) return false;
      first = last = a.value;
      if (!at_end() && peek() == '-') {
        ++pos_;
        Atom b{};
        if (!atom(b)) return false;
        last = (b.sunday_name && def_.names == Names::kWeekdayCron) ? 7 : b.value;
        ranged = true;
        if (first > last) return fail(start, pos_ - start, "range start is after its end");
      }
    }
    int step = 1;
    if (!at_end() && peek() == '/') {
      ++pos_;
      const std::size_t step_at = pos_;
      if (at_end() || !is_digit(peek())) return fail(pos_, 1, "expected a step number after '/'");
      int digits = 0;
      long long n = 0;
      while (!at_end() && is_digit(peek())) {
        if (++digits <= 9) n = n * 10 + (peek() - '0');
        ++pos_;
      }
      if (n < 1) return fail(step_at, pos_ - step_at, "step must be at least 1");
      if (digits > 9 || n > def_.hi - def_.lo + 1) {
        return fail(step_at, pos_ - step_at, "step is larger than the field's range");
      }
      step = static_cast<int>(n);
      if (!ranged) last = def_.star_hi;  // "a/s" = from a to the end of the field
    }
    if (!at_end() && peek() != ',') return fail(pos_, 1, "unexpected character");
    for (int v = first; v <= last; v += step)
      value.bits |= std::uint64_t{1} << v;
    return true;
  }

  bool atom(Atom& out) noexcept {
    const std::size_t start = pos_;
    if (at_end()) return fail(pos_, 1, "value ends too early");
    if (is_digit(peek())) {
      long long n = 0;
      int digits = 0;
      while (!at_end() && is_digit(peek())) {
        if (++digits <= 9) n = n * 10 + (peek() - '0');
        ++pos_;
      }
      if (digits > 9 || n < def_.lo || n > def_.hi) return fail(start, pos_ - start, def_.range_message);
      out = Atom{static_cast<int>(n), false};
      return true;
    }
    if (is_alpha(peek())) {
      while (!at_end() && is_alpha(peek()))
        ++pos_;
      const std::string_view word{text_.data() + start, pos_ - start};
      switch (def_.names) {
        case Names::kNone:
          return fail(start, word.size(), "expected a number or '*'");
        case Names::kMonth:
          for (int i = 0; i < 12; ++i) {
            if (equals_folded(word, kMonthNames[i][0]) || equals_folded(word, kMonthNames[i][1])) {
              out = Atom{i + 1, false};
              return true;
            }
          }
          return fail(start, word.size(), "unknown month name (jan..dec)");
        case Names::kWeekdayCron:
        case Names::kWeekdaySeed:
          for (int i = 0; i < 7; ++i) {
            if (equals_folded(word, kDayNames[i][0]) || equals_folded(word, kDayNames[i][1])) {
              const bool sunday = i == 6;
              const int value = def_.names == Names::kWeekdaySeed ? i : (sunday ? 0 : i + 1);
              out = Atom{value, sunday};
              return true;
            }
          }
          return fail(start, word.size(), "unknown day name (mon..sun)");
      }
      return fail(start, word.size(), "unexpected name");
    }
    return fail(pos_, 1,
                def_.names == Names::kNone ? std::string_view{"expected a number or '*'"}
                                           : std::string_view{"expected a number, a name or '*'"});
  }

  std::string_view text_;
  std::size_t base_;
  const FieldDef& def_;
  std::size_t pos_ = 0;
  ParseError error_{};
};

}  // namespace

Result<FieldValue> parse_field(std::string_view text, std::size_t base, const FieldDef& def) noexcept {
  return FieldParser(text, base, def).run();
}

}  // namespace aiopi::cron::detail
