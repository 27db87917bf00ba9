// The only translation unit that includes toml++: header-only (no dependency on Debian's shared build of it)
// and without exceptions (toml::parse returns a parse_result), so it also builds in the noexcept preset.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 1
#include "aiopid/config/toml_reader.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace aiopid::config {
namespace {

Location at(const std::shared_ptr<const SourceFile>& file, const toml::source_position& p) {
  return Location{file, p.line, p.column};
}

template <class T>
std::string stream_text(const T& value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

Node convert(const toml::node& n, const std::shared_ptr<const SourceFile>& file) {
  const Location where = at(file, n.source().begin);
  switch (n.type()) {
    case toml::node_type::table: {
      Node table = Node::table(where);
      // toml++ keeps keys sorted; put them back into the order they were written.
      std::vector<std::pair<const toml::key*, const toml::node*>> ordered;
      for (auto&& [key, value] : *n.as_table())
        ordered.emplace_back(&key, &value);
      std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.first->source().begin;
        const auto& pb = b.first->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      for (const auto& [key, value] : ordered) {
        table.append(std::string(key->str()), at(file, key->source().begin), convert(*value, file));
      }
      return table;
    }
    case toml::node_type::array: {
      Node array = Node::array(where);
      for (const toml::node& item : *n.as_array())
        array.push_back(convert(item, file));
      return array;
    }
    case toml::node_type::string:
      return Node::string(std::string(n.as_string()->get()), where);
    case toml::node_type::integer:
      return Node::integer(n.as_integer()->get(), where);
    case toml::node_type::floating_point:
      return Node::floating(n.as_floating_point()->get(), where);
    case toml::node_type::boolean:
      return Node::boolean(n.as_boolean()->get(), where);
    case toml::node_type::time: {
      const toml::time t = n.as_time()->get();
      return Node::time(TimeOfDay{t.hour, t.minute, t.second}, where);
    }
    case toml::node_type::date:
      return Node::date_time(stream_text(n.as_date()->get()), where);
    case toml::node_type::date_time:
      return Node::date_time(stream_text(n.as_date_time()->get()), where);
    case toml::node_type::none:
      break;
  }
  return Node::table(where);
}

/// Decodes the UTF-8 sequence at `text[i]` (its length in `length`); U+FFFD for an invalid one (length 1).
char32_t decode_utf8(std::string_view text, std::size_t i, std::size_t& length) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (length == 1 || i + length > text.size()) {
    length = 1;
    return 0xFFFD;
  }
  char32_t c = b & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      length = 1;
      return 0xFFFD;
    }
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  return c;
}

/// Finds what toml++ 3.3 (Debian 12's) must not be given. Its whitespace test reaches __builtin_unreachable()
/// — undefined behaviour — for many non-ASCII characters (upstream marzer/tomlplusplus #190 and #295, fixed
/// after 3.3) when one stands where whitespace could: outside strings and comments (never valid TOML anyway)
/// and right after a backslash in a multi-line basic string (valid TOML, but rare). A light lexer finds the
/// first such character, which is then reported as a syntax error instead of being parsed.
std::optional<std::pair<std::size_t, std::string>> unsafe_for_tomlplusplus(std::string_view text) {
  enum class State { normal, comment, basic, literal, ml_basic, ml_literal } state = State::normal;
  const auto starts = [&](std::size_t i, std::string_view what) {
    return text.substr(i, what.size()) == what;
  };
  const auto non_ascii = [&](std::size_t i) { return static_cast<unsigned char>(text[i]) >= 0x80; };
  const auto describe = [&](std::size_t i) {
    std::size_t length = 1;
    const char32_t c = decode_utf8(text, i, length);
    char code[32];
    if (c == 0xFFFD && length == 1) {
      std::snprintf(code, sizeof code, "byte 0x%02X (not UTF-8)",
                    static_cast<unsigned>(static_cast<unsigned char>(text[i])));
      return std::string(code);
    }
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    return "'" + std::string(text.substr(i, length)) + "' (" + code + ")";
  };
  constexpr std::string_view kTripleQuote = "\"\"\"";
  constexpr std::string_view kTripleApostrophe = "'''";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (state) {
      case State::normal:
        if (c == '#') {
          state = State::comment;
        } else if (starts(i, kTripleQuote)) {
          state = State::ml_basic;
          i += 2;
        } else if (c == '"') {
          state = State::basic;
        } else if (starts(i, kTripleApostrophe)) {
          state = State::ml_literal;
          i += 2;
        } else if (c == '\'') {
          state = State::literal;
        } else if (non_ascii(i)) {
          return std::pair(i, "syntax error: unexpected " + describe(i) +
                                  "; outside strings and comments TOML allows ASCII only");
        }
        break;
      case State::comment:
        if (c == '\n') state = State::normal;
        break;
      case State::basic:
        if (c == '\\') {
          ++i;  // an escape (toml++ checks it)
        } else if (c == '"' || c == '\n') {
          state = State::normal;
        }
        break;
      case State::literal:
        if (c == '\'' || c == '\n') state = State::normal;
        break;
      case State::ml_basic:
        if (c == '\\') {
          std::size_t k = i + 1;
          while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n'))
            ++k;
          if (k < text.size() && non_ascii(k)) {
            return std::pair(k,
                             "syntax error in string: after a backslash in a multi-line string (and the "
                             "whitespace it skips) write " +
                                 describe(k) + " as a \\u escape");
          }
          if (k == i + 1) ++i;  // an escaped character, not a line-ending backslash
        } else if (starts(i, kTripleQuote)) {
          i += 2;
          while (i + 1 < text.size() && text[i + 1] == '"')
            ++i;  // up to two more quotes end the string's text
          state = State::normal;
        }
        break;
      case State::ml_literal:
        if (starts(i, kTripleApostrophe)) {
          i += 2;
          while (i + 1 < text.size() && text[i + 1] == '\'')
            ++i;
          state = State::normal;
        }
        break;
    }
  }
  return std::nullopt;
}

/// The 1-based line and column (counted in characters, as toml++ counts) of byte `offset`.
toml::source_position position_of(std::string_view text, std::size_t offset) {
  toml::source_position p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

std::string syntax_message(std::string_view description) {
  constexpr std::string_view kPrefix = "Error while parsing ";
  if (description.starts_with(kPrefix)) {
    description.remove_prefix(kPrefix.size());
    return "syntax error in " + std::string(description);
  }
  return "syntax error: " + std::string(description);
}

}  // namespace

std::optional<Node> read_toml(const std::shared_ptr<const SourceFile>& file, Diagnostics& out) {
  if (const auto unsafe = unsafe_for_tomlplusplus(file->text)) {
    out.error(at(file, position_of(file->text, unsafe->first)), "", unsafe->second);
    return std::nullopt;
  }
  toml::parse_result result = toml::parse(std::string_view(file->text), std::string_view(file->path));
  if (!result) {
    const toml::parse_error& e = result.error();
    out.error(at(file, e.source().begin), "", syntax_message(e.description()));
    return std::nullopt;
  }
  Node root = convert(result.table(), file);
  root.set_where(Location{file, 1, 1});
  return root;
}

}  // namespace aiopid::config
