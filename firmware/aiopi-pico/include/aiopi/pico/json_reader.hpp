// A JSON reader for the tether's request lines that allocates nothing: parse_json() validates a whole line in
// place and gives a JsonValue, a view into the caller's buffer. Members, elements and string contents are
// found again on demand by walking the (already validated) text, so no token table is needed and the memory
// used is the line buffer itself plus a few words of stack.
//
//   JsonParse p = parse_json(line);
//   if (!p.ok()) reply_parse_error(p.error.offset, p.error.what);
//   JsonValue method = p.root.find("method");            // absent: !method
//   if (method.equals("devices.get")) ...
//   std::optional<std::int64_t> id = p.root.find("id").as_int();
//
// The subset: objects, arrays, strings (escapes \" \\ \/ \b \f \n \r \t and \uXXXX, surrogate pairs joined,
// a lone surrogate refused), numbers (JSON's grammar), true, false, null; nesting at most kMaxDepth deep. The
// tether is ASCII, so a raw byte above 0x7F or a control byte inside a string is an error: non-ASCII text
// travels as \uXXXX and is decoded to UTF-8 by decode(). Duplicate keys are allowed; find() gives the first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace aiopi::pico {

enum class JsonType : unsigned char { absent, null, boolean, number, string, array, object };

/// "null", "boolean", ..., "absent".
const char* to_string(JsonType type) noexcept;

/// Where a line failed to parse: the byte offset from its start and a static description.
struct JsonError {
  std::size_t offset = 0;
  const char* what = "";
};

/// A value inside validated JSON text (or an absent one: a missing member, an index past the end). Cheap to
/// copy; valid while the text is.
class JsonCursor;

class JsonValue {
 public:
  JsonValue() noexcept = default;

  JsonType type() const noexcept { return type_; }
  /// Present (anything but absent, null included).
  explicit operator bool() const noexcept { return type_ != JsonType::absent; }
  bool is_null() const noexcept { return type_ == JsonType::null; }
  bool is_string() const noexcept { return type_ == JsonType::string; }
  bool is_number() const noexcept { return type_ == JsonType::number; }
  bool is_object() const noexcept { return type_ == JsonType::object; }
  bool is_array() const noexcept { return type_ == JsonType::array; }
  bool is_bool() const noexcept { return type_ == JsonType::boolean; }

  /// The value's source text (a string with its quotes and escapes as written).
  std::string_view raw() const noexcept { return text_; }
  /// Its byte offset in the parsed text.
  std::size_t offset() const noexcept { return offset_; }

  std::optional<bool> as_bool() const noexcept;
  /// An integer written without fraction or exponent that fits in 64 bits; nothing otherwise.
  std::optional<std::int64_t> as_int() const noexcept;
  /// Any number (as close as a double gets; integers up to 2^53 exactly).
  std::optional<double> as_number() const noexcept;

  /// A string's content decoded to UTF-8 into `out`; its length, or nothing when this is not a string or
  /// `out` is too small.
  std::optional<std::size_t> decode(std::span<char> out) const noexcept;
  /// A string whose decoded content is exactly `s` (false for anything else).
  bool equals(std::string_view s) const noexcept;

  /// An object's member named `key` (the first, if repeated); absent otherwise.
  JsonValue find(std::string_view key) const noexcept;
  /// An array's element `index` or an object's member value `index`; absent past the end.
  JsonValue at(std::size_t index) const noexcept;
  /// Members of an object / elements of an array (0 for anything else).
  std::size_t size() const noexcept;

  /// Walks an object's members or an array's elements: `for (JsonValue::Cursor c = v.items(); c.next();)`
  /// then c.key() (objects; absent for arrays) and c.value().
  using Cursor = JsonCursor;
  Cursor items() const noexcept;

 private:
  friend struct JsonParse;
  friend class JsonCursor;
  friend JsonValue value_at(const char* base, const char* p, const char* end) noexcept;
  JsonValue(JsonType type, std::string_view text, std::size_t offset) noexcept
      : type_(type), text_(text), offset_(offset) {}

  JsonType type_ = JsonType::absent;
  std::string_view text_{};
  std::size_t offset_ = 0;
};

/// See JsonValue::items().
class JsonCursor {
 public:
  bool next() noexcept;
  JsonValue key() const noexcept { return key_; }
  JsonValue value() const noexcept { return value_; }

 private:
  friend JsonValue;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  const char* base_ = nullptr;
  bool object_ = false;
  JsonValue key_;
  JsonValue value_;
};

/// The outcome of parse_json: the root value, or the first error.
struct JsonParse {
  JsonValue root;
  JsonError error;
  bool ok() const noexcept { return static_cast<bool>(root); }
};

/// The deepest nesting of objects and arrays accepted (the tether's requests use 3).
inline constexpr int kJsonMaxDepth = 16;

/// Validates `text` as exactly one JSON value (whitespace around it allowed).
JsonParse parse_json(std::string_view text) noexcept;

}  // namespace aiopi::pico
