// JsonWriter: compact JSON into a fixed buffer, for the tether's replies and notifications. Commas are placed
// by the writer; strings are escaped to ASCII (UTF-8 becomes \uXXXX, surrogate pairs above U+FFFF, invalid
// UTF-8 U+FFFD). A write that does not fit sets overflowed() and is dropped whole from then on: the caller
// checks ok() once at the end instead of after every call.
//
//   std::array<char, 256> buf;
//   JsonWriter w(buf);
//   w.begin_object().key("level").boolean(true).key("edge").str("rising").end_object();
//   if (w.ok()) send(w.text());                          // {"level":true,"edge":"rising"}
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace aiopi::pico {

class JsonWriter {
 public:
  explicit JsonWriter(std::span<char> buffer) noexcept : buf_(buffer) {}

  JsonWriter& begin_object() noexcept { return open('{'); }
  JsonWriter& end_object() noexcept { return close('}'); }
  JsonWriter& begin_array() noexcept { return open('['); }
  JsonWriter& end_array() noexcept { return close(']'); }
  /// A member name; the next value is its value.
  JsonWriter& key(std::string_view name) noexcept;

  JsonWriter& str(std::string_view s) noexcept;
  /// One string value written in parts: begin_string(), string_part() (escaped as str() does), end_string().
  JsonWriter& begin_string() noexcept;
  JsonWriter& string_part(std::string_view s) noexcept;
  JsonWriter& end_string() noexcept;
  JsonWriter& boolean(bool b) noexcept;
  JsonWriter& integer(std::int64_t v) noexcept;
  /// A finite double with up to `decimals` digits after the point (trailing zeros trimmed); NaN and the
  /// infinities, which JSON cannot hold, are written as null.
  JsonWriter& number(double v, int decimals = 6) noexcept;
  JsonWriter& null() noexcept;
  /// A value already in JSON (copied as it is).
  JsonWriter& raw_value(std::string_view json) noexcept;
  /// Text outside the JSON structure (a newline at the end of a line).
  JsonWriter& raw(std::string_view text) noexcept {
    put(text);
    return *this;
  }

  bool ok() const noexcept { return !overflowed_; }
  bool overflowed() const noexcept { return overflowed_; }
  std::string_view text() const noexcept { return {buf_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  /// Starts again on the same buffer.
  void clear() noexcept {
    size_ = 0;
    depth_ = 0;
    need_comma_ = 0;
    after_key_ = false;
    overflowed_ = false;
  }

 private:
  JsonWriter& open(char c) noexcept;
  JsonWriter& close(char c) noexcept;
  void separate() noexcept;
  void put(char c) noexcept;
  void put(std::string_view s) noexcept;
  void put_escaped(std::string_view s) noexcept;
  void put_u16(unsigned long unit) noexcept;

  std::span<char> buf_;
  std::size_t size_ = 0;
  int depth_ = 0;
  std::uint32_t need_comma_ = 0;  // bit d: a value has been written at depth d
  bool after_key_ = false;
  bool overflowed_ = false;
};

}  // namespace aiopi::pico
