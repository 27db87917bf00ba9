// The validator is a recursive descent bounded by kJsonMaxDepth; everything after it walks text that is known
// to be valid, so skipping a value only has to track quotes and brackets.
#include "aiopi/pico/json_reader.hpp"

namespace aiopi::pico {

const char* to_string(JsonType type) noexcept {
  switch (type) {
    case JsonType::absent:
      return "absent";
    case JsonType::null:
      return "null";
    case JsonType::boolean:
      return "boolean";
    case JsonType::number:
      return "number";
    case JsonType::string:
      return "string";
    case JsonType::array:
      return "array";
    case JsonType::object:
      return "object";
  }
  return "unknown";
}

namespace {

bool is_ws(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

const char* skip_ws(const char* p, const char* end) noexcept {
  while (p != end && is_ws(*p))
    ++p;
  return p;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Four hex digits at p (p + 4 <= end checked by the caller), or -1.
long hex4(const char* p) noexcept {
  long v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hex_value(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

class Validator {
 public:
  Validator(const char* base, const char* end) noexcept : base_(base), end_(end) {}

  const char* value(const char* p, int depth) noexcept {
    p = skip_ws(p, end_);
    if (p == end_) return fail(p, "expected a value, found the end of the line");
    switch (*p) {
      case '{':
        return object(p, depth + 1);
      case '[':
        return array(p, depth + 1);
      case '"':
        return string(p);
      case 't':
        return literal(p, "true");
      case 'f':
        return literal(p, "false");
      case 'n':
        return literal(p, "null");
      default:
        if (*p == '-' || is_digit(*p)) return number(p);
        return fail(p, "expected a value");
    }
  }

  const char* string(const char* p) noexcept {
    ++p;  // the opening quote
    while (p != end_) {
      const unsigned char c = static_cast<unsigned char>(*p);
      if (c == '"') return p + 1;
      if (c < 0x20) return fail(p, "control character in a string");
      if (c >= 0x80) return fail(p, "byte above 0x7F in a string (the tether is ASCII: use \\uXXXX)");
      if (c != '\\') {
        ++p;
        continue;
      }
      if (end_ - p < 2) return fail(p, "unterminated escape");
      const char e = p[1];
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        p += 2;
        continue;
      }
      if (e != 'u') return fail(p, "unknown escape");
      if (end_ - p < 6) return fail(p, "\\u needs four hex digits");
      const long u = hex4(p + 2);
      if (u < 0) return fail(p, "\\u needs four hex digits");
      if (u >= 0xDC00 && u <= 0xDFFF) return fail(p, "lone low surrogate");
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (end_ - p < 12 || p[6] != '\\' || p[7] != 'u')
          return fail(p, "high surrogate without its low half");
        const long lo = hex4(p + 8);
        if (lo < 0xDC00 || lo > 0xDFFF) return fail(p, "high surrogate without its low half");
        p += 12;
        continue;
      }
      p += 6;
    }
    return fail(p, "unterminated string");
  }

  JsonError error() const noexcept { return error_; }

 private:
  const char* fail(const char* p, const char* what) noexcept {
    if (!failed_) {
      error_ = JsonError{static_cast<std::size_t>(p - base_), what};
      failed_ = true;
    }
    return nullptr;
  }

  const char* literal(const char* p, std::string_view word) noexcept {
    if (static_cast<std::size_t>(end_ - p) < word.size() || std::string_view(p, word.size()) != word)
      return fail(p, "invalid literal (true, false or null)");
    return p + word.size();
  }

  const char* number(const char* p) noexcept {
    const char* start = p;
    if (*p == '-') ++p;
    if (p == end_ || !is_digit(*p)) return fail(start, "a number needs a digit");
    if (*p == '0') {
      ++p;
      if (p != end_ && is_digit(*p)) return fail(p, "leading zero in a number");
    } else {
      while (p != end_ && is_digit(*p))
        ++p;
    }
    if (p != end_ && *p == '.') {
      ++p;
      if (p == end_ || !is_digit(*p)) return fail(p, "a fraction needs a digit");
      while (p != end_ && is_digit(*p))
        ++p;
    }
    if (p != end_ && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p != end_ && (*p == '+' || *p == '-')) ++p;
      if (p == end_ || !is_digit(*p)) return fail(p, "an exponent needs a digit");
      while (p != end_ && is_digit(*p))
        ++p;
    }
    return p;
  }

  const char* object(const char* p, int depth) noexcept {
    if (depth > kJsonMaxDepth) return fail(p, "nested too deep");
    p = skip_ws(p + 1, end_);
    if (p != end_ && *p == '}') return p + 1;
    for (;;) {
      if (p == end_ || *p != '"') return fail(p, "expected a member name (a string)");
      p = string(p);
      if (p == nullptr) return nullptr;
      p = skip_ws(p, end_);
      if (p == end_ || *p != ':') return fail(p, "expected ':' after a member name");
      p = value(p + 1, depth);
      if (p == nullptr) return nullptr;
      p = skip_ws(p, end_);
      if (p == end_) return fail(p, "unterminated object");
      if (*p == '}') return p + 1;
      if (*p != ',') return fail(p, "expected ',' or '}' in an object");
      p = skip_ws(p + 1, end_);
    }
  }

  const char* array(const char* p, int depth) noexcept {
    if (depth > kJsonMaxDepth) return fail(p, "nested too deep");
    p = skip_ws(p + 1, end_);
    if (p != end_ && *p == ']') return p + 1;
    for (;;) {
      p = value(p, depth);
      if (p == nullptr) return nullptr;
      p = skip_ws(p, end_);
      if (p == end_) return fail(p, "unterminated array");
      if (*p == ']') return p + 1;
      if (*p != ',') return fail(p, "expected ',' or ']' in an array");
      ++p;
    }
  }

  const char* base_;
  const char* end_;
  JsonError error_{};
  bool failed_ = false;
};

/// The end of the valid value starting at p.
const char* skip_value(const char* p, const char* end) noexcept {
  if (p == end) return p;
  if (*p == '"') {
    ++p;
    while (p != end && *p != '"')
      p += (*p == '\\') ? 2 : 1;
    return p == end ? p : p + 1;
  }
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (p != end) {
      const char c = *p;
      if (c == '"') {
        p = skip_value(p, end);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return p;
  }
  while (p != end && *p != ',' && *p != '}' && *p != ']' && !is_ws(*p))
    ++p;
  return p;
}

JsonType type_of(char c) noexcept {
  switch (c) {
    case '{':
      return JsonType::object;
    case '[':
      return JsonType::array;
    case '"':
      return JsonType::string;
    case 't':
    case 'f':
      return JsonType::boolean;
    case 'n':
      return JsonType::null;
    default:
      return JsonType::number;
  }
}

/// Calls out(byte) for each UTF-8 byte of the decoded string whose source (quotes included) is `raw`;
/// stops early when out returns false. False when stopped.
template <class Out>
bool decode_each(std::string_view raw, Out&& out) noexcept {
  const char* p = raw.data() + 1;
  const char* end = raw.data() + raw.size() - 1;
  while (p < end) {
    if (*p != '\\') {
      if (!out(*p)) return false;
      ++p;
      continue;
    }
    const char e = p[1];
    if (e != 'u') {
      char c = e;
      switch (e) {
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        default:
          break;
      }
      if (!out(c)) return false;
      p += 2;
      continue;
    }
    unsigned long cp = static_cast<unsigned long>(hex4(p + 2));
    p += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // validated: the low half follows
      const unsigned long lo = static_cast<unsigned long>(hex4(p + 2));
      p += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    char bytes[4];
    int n = 0;
    if (cp < 0x80) {
      bytes[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      bytes[n++] = static_cast<char>(0xC0 | (cp >> 6));
      bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      bytes[n++] = static_cast<char>(0xE0 | (cp >> 12));
      bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      bytes[n++] = static_cast<char>(0xF0 | (cp >> 18));
      bytes[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    for (int i = 0; i < n; ++i)
      if (!out(bytes[i])) return false;
  }
  return true;
}

}  // namespace

JsonValue value_at(const char* base, const char* p, const char* end) noexcept {
  if (p == end) return {};
  const char* stop = skip_value(p, end);
  return JsonValue(type_of(*p), std::string_view(p, static_cast<std::size_t>(stop - p)),
                   static_cast<std::size_t>(p - base));
}

JsonParse parse_json(std::string_view text) noexcept {
  const char* base = text.data();
  const char* end = base + text.size();
  Validator v(base, end);
  JsonParse out;
  const char* start = skip_ws(base, end);
  const char* stop = v.value(start, 0);
  if (stop == nullptr) {
    out.error = v.error();
    return out;
  }
  const char* rest = skip_ws(stop, end);
  if (rest != end) {
    out.error = JsonError{static_cast<std::size_t>(rest - base), "text after the value"};
    return out;
  }
  out.root = value_at(base, start, stop);
  return out;
}

std::optional<bool> JsonValue::as_bool() const noexcept {
  if (type_ != JsonType::boolean) return std::nullopt;
  return text_[0] == 't';
}

std::optional<std::int64_t> JsonValue::as_int() const noexcept {
  if (type_ != JsonType::number) return std::nullopt;
  const bool negative = text_[0] == '-';
  std::uint64_t magnitude = 0;
  for (std::size_t i = negative ? 1 : 0; i < text_.size(); ++i) {
    const char c = text_[i];
    if (!is_digit(c)) return std::nullopt;  // a fraction or an exponent
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  if (magnitude > limit) return std::nullopt;
  if (negative) return static_cast<std::int64_t>(0 - magnitude);
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> JsonValue::as_number() const noexcept {
  if (type_ != JsonType::number) return std::nullopt;
  const char* p = text_.data();
  const char* end = p + text_.size();
  const bool negative = *p == '-';
  if (negative) ++p;
  // Up to 19 significant digits in an integer mantissa, the rest only move the decimal exponent.
  std::uint64_t mantissa = 0;
  int digits = 0;
  int exp10 = 0;
  for (; p != end && is_digit(*p); ++p) {
    if (digits < 19) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
      if (mantissa != 0) ++digits;
    } else {
      ++exp10;
    }
  }
  if (p != end && *p == '.') {
    for (++p; p != end && is_digit(*p); ++p) {
      if (digits < 19) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
        if (mantissa != 0) ++digits;
        --exp10;
      }
    }
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool eneg = false;
    if (*p == '+' || *p == '-') eneg = *p++ == '-';
    int e = 0;
    for (; p != end && is_digit(*p); ++p)
      if (e < 100000) e = e * 10 + (*p - '0');
    exp10 += eneg ? -e : e;
  }
  double v = static_cast<double>(mantissa);
  if (v != 0.0) {
    // Scale by powers of ten, by squaring: a few roundings, far within what the tether's params need.
    double scale = 1.0;
    double power = 10.0;
    for (int e = exp10 < 0 ? -exp10 : exp10; e != 0 && e < 1000; e >>= 1) {
      if (e & 1) scale *= power;
      power *= power;
    }
    if (exp10 < -340) {
      v = 0.0;
    } else if (exp10 > 310) {
      v = v * 1e308 * 10.0;  // infinity
    } else if (exp10 < -300) {
      v = v / 1e300 / (scale / 1e300);
    } else {
      v = exp10 < 0 ? v / scale : v * scale;
    }
  }
  return negative ? -v : v;
}

std::optional<std::size_t> JsonValue::decode(std::span<char> out) const noexcept {
  if (type_ != JsonType::string) return std::nullopt;
  std::size_t n = 0;
  const bool fits = decode_each(text_, [&](char c) {
    if (n == out.size()) return false;
    out[n++] = c;
    return true;
  });
  if (!fits) return std::nullopt;
  return n;
}

bool JsonValue::equals(std::string_view s) const noexcept {
  if (type_ != JsonType::string) return false;
  std::size_t n = 0;
  const bool same = decode_each(text_, [&](char c) {
    if (n == s.size() || s[n] != c) return false;
    ++n;
    return true;
  });
  return same && n == s.size();
}

JsonValue::Cursor JsonValue::items() const noexcept {
  Cursor c;
  if (type_ != JsonType::object && type_ != JsonType::array) return c;
  c.pos_ = text_.data() + 1;
  c.end_ = text_.data() + text_.size() - 1;
  c.base_ = text_.data() - offset_;
  c.object_ = type_ == JsonType::object;
  return c;
}

bool JsonCursor::next() noexcept {
  if (pos_ == nullptr) return false;
  const char* p = skip_ws(pos_, end_);
  if (p != end_ && *p == ',') p = skip_ws(p + 1, end_);
  if (p == end_) {
    pos_ = nullptr;
    key_ = {};
    value_ = {};
    return false;
  }
  if (object_) {
    key_ = value_at(base_, p, end_);
    p = skip_ws(p + key_.raw().size(), end_);
    p = skip_ws(p + 1, end_);  // the ':'
  }
  value_ = value_at(base_, p, end_);
  pos_ = p + value_.raw().size();
  return true;
}

JsonValue JsonValue::find(std::string_view key) const noexcept {
  if (type_ != JsonType::object) return {};
  for (Cursor c = items(); c.next();)
    if (c.key().equals(key)) return c.value();
  return {};
}

JsonValue JsonValue::at(std::size_t index) const noexcept {
  std::size_t i = 0;
  for (Cursor c = items(); c.next(); ++i)
    if (i == index) return c.value();
  return {};
}

std::size_t JsonValue::size() const noexcept {
  std::size_t n = 0;
  for (Cursor c = items(); c.next();)
    ++n;
  return n;
}

}  // namespace aiopi::pico
