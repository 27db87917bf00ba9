#include "aiopi/cron/iso8601.hpp"

#include "text_writer.hpp"

namespace aiopi::cron {
namespace {

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

class IsoParser {
 public:
  explicit IsoParser(std::string_view text) noexcept : text_(text) {}

  Result<IsoDateTime> run() noexcept {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!number(4, year, "expected a 4-digit year")) return error_;
    if (!literal('-') || !number(2, month, "expected a 2-digit month")) return error_;
    if (month < 1 || month > 12) return fail(pos_ - 2, 2, "month out of range 01-12");
    if (!literal('-') || !number(2, day, "expected a 2-digit day")) return error_;
    if (day < 1 || day > days_in_month(year, month))
      return fail(pos_ - 2, 2, "day does not exist in that month");
    IsoDateTime result;
    if (pos_ < text_.size() && (text_[pos_] == 'T' || text_[pos_] == 't' || text_[pos_] == ' ')) {
      ++pos_;
      if (!number(2, hour, "expected a 2-digit hour")) return error_;
      if (hour > 23) return fail(pos_ - 2, 2, "hour out of range 00-23");
      if (!literal(':') || !number(2, minute, "expected 2-digit minutes")) return error_;
      if (minute > 59) return fail(pos_ - 2, 2, "minutes out of range 00-59");
      if (pos_ < text_.size() && text_[pos_] == ':') {
        ++pos_;
        if (!number(2, second, "expected 2-digit seconds")) return error_;
        if (second > 59) return fail(pos_ - 2, 2, "seconds out of range 00-59");
      }
      if (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == 'Z' || c == 'z') {
          ++pos_;
          result.has_offset = true;
        } else if (c == '+' || c == '-') {
          ++pos_;
          int oh = 0;
          int om = 0;
          if (!number(2, oh, "expected a 2-digit offset hour")) return error_;
          if (pos_ < text_.size()) {
            if (text_[pos_] == ':') ++pos_;
            if (!number(2, om, "expected 2-digit offset minutes")) return error_;
          }
          if (oh > 18 || om > 59) return fail(pos_ - 2, 2, "offset out of range");
          result.has_offset = true;
          result.offset = std::chrono::seconds{(oh * 3600 + om * 60) * (c == '-' ? -1 : 1)};
        }
      }
    }
    if (pos_ != text_.size()) return fail(pos_, 1, "unexpected character");
    const CivilTime civil{year, month, day, hour, minute, second};
    result.local = LocalSeconds{std::chrono::seconds{seconds_from_civil(civil)}};
    return result;
  }

 private:
  ParseError fail(std::size_t at, std::size_t length, std::string_view message) noexcept {
    error_ = ParseError{"time", at, length, message};
    return error_;
  }
  bool number(int digits, int& out, std::string_view message) noexcept {
    out = 0;
    for (int i = 0; i < digits; ++i) {
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
        fail(pos_, 1, message);
        return false;
      }
      out = out * 10 + (text_[pos_++] - '0');
    }
    return true;
  }
  bool literal(char c) noexcept {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    fail(pos_, 1, c == '-' ? std::string_view{"expected '-'"} : std::string_view{"expected ':'"});
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  ParseError error_{};
};

}  // namespace

std::size_t format_iso8601(Instant t, std::chrono::seconds offset, std::span<char> out) noexcept {
  const CivilTime c = civil_from_seconds((t.time_since_epoch() + offset).count());
  char buffer[kIso8601MaxLength + 1];
  detail::TextWriter w(buffer);
  w.put_int(c.year, 4);
  w.put('-');
  w.put_int(c.month, 2);
  w.put('-');
  w.put_int(c.day, 2);
  w.put('T');
  w.put_int(c.hour, 2);
  w.put(':');
  w.put_int(c.minute, 2);
  w.put(':');
  w.put_int(c.second, 2);
  const auto total = offset.count();
  const auto magnitude = total < 0 ? -total : total;
  w.put(total < 0 ? '-' : '+');
  w.put_int(magnitude / 3600, 2);
  w.put(':');
  w.put_int(magnitude / 60 % 60, 2);
  if (magnitude % 60 != 0) {
    w.put(':');
    w.put_int(magnitude % 60, 2);
  }
  const std::size_t length = w.finish();
  if (length > kIso8601MaxLength || out.size() < length) return 0;
  for (std::size_t i = 0; i < length; ++i)
    out[i] = buffer[i];
  if (out.size() > length) out[length] = '\0';
  return length;
}

std::size_t format_iso8601(Instant t, const TimeZone& zone, std::span<char> out) noexcept {
  return format_iso8601(t, zone.offset_at(t).offset, out);
}

Result<IsoDateTime> parse_iso8601(std::string_view text) noexcept {
  return IsoParser(text).run();
}

}  // namespace aiopi::cron
