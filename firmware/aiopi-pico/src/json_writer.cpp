#include "aiopi/pico/json_writer.hpp"

namespace aiopi::pico {

void JsonWriter::put(char c) noexcept {
  if (overflowed_) return;
  if (size_ == buf_.size()) {
    overflowed_ = true;
    return;
  }
  buf_[size_++] = c;
}

void JsonWriter::put(std::string_view s) noexcept {
  if (overflowed_) return;
  if (buf_.size() - size_ < s.size()) {
    overflowed_ = true;
    return;
  }
  for (char c : s)
    buf_[size_++] = c;
}

void JsonWriter::separate() noexcept {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  const std::uint32_t bit = std::uint32_t{1} << (depth_ & 31);
  if ((need_comma_ & bit) != 0) put(',');
  need_comma_ |= bit;
}

JsonWriter& JsonWriter::open(char c) noexcept {
  separate();
  put(c);
  ++depth_;
  need_comma_ &= ~(std::uint32_t{1} << (depth_ & 31));
  return *this;
}

JsonWriter& JsonWriter::close(char c) noexcept {
  --depth_;
  put(c);
  after_key_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) noexcept {
  separate();
  put('"');
  put_escaped(name);
  put("\":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::str(std::string_view s) noexcept {
  separate();
  put('"');
  put_escaped(s);
  put('"');
  return *this;
}

JsonWriter& JsonWriter::begin_string() noexcept {
  separate();
  put('"');
  return *this;
}

JsonWriter& JsonWriter::string_part(std::string_view s) noexcept {
  put_escaped(s);
  return *this;
}

JsonWriter& JsonWriter::end_string() noexcept {
  put('"');
  return *this;
}

JsonWriter& JsonWriter::boolean(bool b) noexcept {
  separate();
  put(b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() noexcept {
  separate();
  put("null");
  return *this;
}

JsonWriter& JsonWriter::raw_value(std::string_view json) noexcept {
  separate();
  put(json);
  return *this;
}

namespace {
/// Decimal digits of v into the end of `out`; returns where they start.
char* format_u64(std::uint64_t v, char* end) noexcept {
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return p;
}
}  // namespace

JsonWriter& JsonWriter::integer(std::int64_t v) noexcept {
  separate();
  char digits[21];
  char* end = digits + sizeof digits;
  const std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  char* p = format_u64(magnitude, end);
  if (v < 0) *--p = '-';
  put(std::string_view(p, static_cast<std::size_t>(end - p)));
  return *this;
}

JsonWriter& JsonWriter::number(double v, int decimals) noexcept {
  if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) return null();
  separate();
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  const bool negative = v < 0;
  double magnitude = negative ? -v : v;
  if (magnitude >= 1e18) {
    // Beyond what the fixed form below holds: mantissa and exponent (d.ddddddEnn).
    int exp10 = 0;
    while (magnitude >= 10.0) {
      magnitude /= 10.0;
      ++exp10;
    }
    std::uint64_t scaled = static_cast<std::uint64_t>(magnitude * 1e6 + 0.5);
    if (negative) put('-');
    char digits[24];
    char* end = digits + sizeof digits;
    char* p = format_u64(scaled, end);
    put(*p);
    put('.');
    put(std::string_view(p + 1, static_cast<std::size_t>(end - p - 1)));
    put('e');
    char* e = format_u64(static_cast<std::uint64_t>(exp10), end);
    put(std::string_view(e, static_cast<std::size_t>(end - e)));
    return *this;
  }
  std::uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i)
    unit *= 10;
  while (decimals > 0 && magnitude * static_cast<double>(unit) >= 1e18) {  // keep the sum in 64 bits
    unit /= 10;
    --decimals;
  }
  // Rounded to `decimals` places in one integer, then split: no digit is lost between the two halves.
  const std::uint64_t total = static_cast<std::uint64_t>(magnitude * static_cast<double>(unit) + 0.5);
  const std::uint64_t whole = total / unit;
  std::uint64_t fraction = total % unit;
  if (negative && total != 0) put('-');
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = format_u64(whole, end);
  put(std::string_view(p, static_cast<std::size_t>(end - p)));
  if (fraction != 0) {
    int places = decimals;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --places;
    }
    char* f = format_u64(fraction, end);
    put('.');
    for (int pad = places - static_cast<int>(end - f); pad > 0; --pad)
      put('0');
    put(std::string_view(f, static_cast<std::size_t>(end - f)));
  }
  return *this;
}

void JsonWriter::put_u16(unsigned long unit) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  char e[6] = {'\\',           'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
               kHex[unit & 15]};
  put(std::string_view(e, 6));
}

void JsonWriter::put_escaped(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          put("\\\"");
          break;
        case '\\':
          put("\\\\");
          break;
        case '\n':
          put("\\n");
          break;
        case '\r':
          put("\\r");
          break;
        case '\t':
          put("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            put_u16(c);
          } else {
            put(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, then continuation bytes; anything else is U+FFFD.
    std::size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    unsigned long cp = len == 4 ? (c & 0x07u) : len == 3 ? (c & 0x0Fu) : (c & 0x1Fu);
    bool valid = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (valid && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                  (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
      valid = false;
    if (!valid) {
      put_u16(0xFFFD);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      const unsigned long v = cp - 0x10000;
      put_u16(0xD800 + (v >> 10));
      put_u16(0xDC00 + (v & 0x3FF));
    } else {
      put_u16(cp);
    }
    i += len;
  }
}

}  // namespace aiopi::pico
