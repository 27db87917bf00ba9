#include "aiopid/state/state.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace aiopid::state {
namespace {

constexpr std::string_view kMagic = "aiopid-state";

bool needs_escape(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '%';
}

void append_name(std::string& out, std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> unescape_name(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_digit(text[i + 1]);
    const int lo = hex_digit(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t space = line.find(' ', start);
    const std::size_t end = space == std::string_view::npos ? line.size() : space;
    words.push_back(line.substr(start, end - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return words;
}

std::string hex8(std::uint32_t value) {
  std::array<char, 9> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%08x", static_cast<unsigned>(value));
  return std::string(buffer.data(), 8);
}

ParseResult failure(std::size_t line, std::string what) {
  return {std::nullopt, std::move(what), line};
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) noexcept {
  std::uint32_t crc = 0xffffffffu;
  for (char ch : bytes) {
    crc ^= static_cast<unsigned char>(ch);
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string serialize(const State& state) {
  std::string body = std::string(kMagic) + " " + std::to_string(kFormatVersion) + "\n";
  std::size_t records = 0;
  for (const auto& [name, when] : state.schedule_last_fire) {
    body += "schedule ";
    append_name(body, name);
    body += ' ' + std::to_string(when.time_since_epoch().count()) + '\n';
    ++records;
  }
  for (const auto& [name, value] : state.outputs) {
    body += "output ";
    append_name(body, name);
    body += ' ';
    if (const bool* level = std::get_if<bool>(&value)) {
      body += *level ? "on" : "off";
    } else {
      std::array<char, 64> buffer{};
      auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::get<double>(value));
      body.append(buffer.data(),
                  ec == std::errc{} ? ptr : buffer.data());  // shortest text that reads back exactly
    }
    body += '\n';
    ++records;
  }
  for (const auto& [name, set] : state.events) {
    body += "event ";
    append_name(body, name);
    body += set ? " set\n" : " clear\n";
    ++records;
  }
  const std::uint32_t checksum = crc32(body);
  body += "end " + std::to_string(records) + " " + hex8(checksum) + "\n";
  return body;
}

ParseResult parse(std::string_view text) {
  if (text.empty()) return failure(0, "the file is empty");
  if (text.back() != '\n') return failure(0, "the file is truncated (it does not end with a newline)");

  // The last line must be the `end` line; everything before it is what its checksum covers.
  const std::size_t last_start =
      text.rfind('\n', text.size() - 2) == std::string_view::npos ? 0 : text.rfind('\n', text.size() - 2) + 1;
  const std::string_view body = text.substr(0, last_start);
  const std::string_view end_line = text.substr(last_start, text.size() - 1 - last_start);

  // Header first, so a file of another version is named as such rather than as "corrupt".
  const std::size_t header_end = text.find('\n');
  const auto header = split_words(text.substr(0, header_end));
  if (header.size() != 2 || header[0] != kMagic) return failure(1, "not an aiopid state file (bad header)");
  const auto version = parse_number<int>(header[1]);
  if (!version) return failure(1, "bad format version '" + std::string(header[1]) + "'");
  if (*version != kFormatVersion) {
    return failure(1, "format version " + std::to_string(*version) + " is not supported (this aiopid reads " +
                          std::to_string(kFormatVersion) + ")");
  }
  const std::size_t line_count = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));

  const auto end_words = split_words(end_line);
  if (last_start == 0 || end_words.size() != 3 || end_words[0] != "end") {
    return failure(line_count, "the file is truncated (no closing 'end' line)");
  }
  const auto records = parse_number<std::size_t>(end_words[1]);
  std::uint32_t stated = 0;
  if (end_words[2].size() == 8) {
    auto [ptr, ec] = std::from_chars(end_words[2].data(), end_words[2].data() + 8, stated, 16);
    if (ec != std::errc{} || ptr != end_words[2].data() + 8) return failure(line_count, "bad checksum field");
  } else {
    return failure(line_count, "bad checksum field");
  }
  if (!records) return failure(line_count, "bad record count in the 'end' line");
  if (crc32(body) != stated) {
    return failure(line_count, "checksum mismatch (stored " + hex8(stated) + ", content " +
                                   hex8(crc32(body)) + "): the file was damaged");
  }

  State state;
  std::size_t line_number = 1;
  std::size_t seen = 0;
  std::size_t position = header_end + 1;
  while (position < body.size()) {
    ++line_number;
    const std::size_t newline = body.find('\n', position);
    const std::string_view line = body.substr(position, newline - position);
    position = newline + 1;
    const auto words = split_words(line);
    if (words.size() != 3) return failure(line_number, "expected '<kind> <name> <value>'");
    const auto name = unescape_name(words[1]);
    if (!name) return failure(line_number, "bad name '" + std::string(words[1]) + "'");
    const std::string_view value = words[2];
    bool duplicate = false;
    if (words[0] == "schedule") {
      const auto seconds = parse_number<std::int64_t>(value);
      if (!seconds) return failure(line_number, "bad time '" + std::string(value) + "'");
      duplicate =
          !state.schedule_last_fire.emplace(*name, std::chrono::sys_seconds(std::chrono::seconds(*seconds)))
               .second;
    } else if (words[0] == "output") {
      OutputValue output;
      if (value == "on") {
        output = true;
      } else if (value == "off") {
        output = false;
      } else if (const auto number = parse_number<double>(value); number && std::isfinite(*number)) {
        output = *number;
      } else {
        return failure(line_number, "bad output value '" + std::string(value) + "'");
      }
      duplicate = !state.outputs.emplace(*name, output).second;
    } else if (words[0] == "event") {
      if (value != "set" && value != "clear")
        return failure(line_number, "bad event state '" + std::string(value) + "'");
      duplicate = !state.events.emplace(*name, value == "set").second;
    } else {
      return failure(line_number, "unknown record kind '" + std::string(words[0]) + "'");
    }
    if (duplicate) return failure(line_number, "'" + *name + "' appears twice");
    ++seen;
  }
  if (seen != *records) {
    return failure(line_count, "the 'end' line counts " + std::to_string(*records) +
                                   " records, the file has " + std::to_string(seen));
  }
  return {std::move(state), {}, 0};
}

}  // namespace aiopid::state
