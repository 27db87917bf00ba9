#include "aiopi/cron/parse_error.hpp"

#include "text_writer.hpp"

namespace aiopi::cron {

std::size_t format_error(const ParseError& error, std::span<char> out) noexcept {
  detail::TextWriter w(out);
  w.put("column ");
  w.put_int(static_cast<std::int64_t>(error.column()));
  if (!error.field.empty()) {
    w.put(" (");
    w.put(error.field);
    w.put(')');
  }
  w.put(": ");
  w.put(error.message);
  return w.finish();
}

std::size_t format_caret(const ParseError& error, std::string_view text, std::span<char> out) noexcept {
  detail::TextWriter w(out);
  w.put(text);
  w.put('\n');
  for (std::size_t i = 0; i < error.offset; ++i)
    w.put(i < text.size() && text[i] == '\t' ? '\t' : ' ');
  const std::size_t length = error.length == 0 ? 1 : error.length;
  for (std::size_t i = 0; i < length; ++i)
    w.put('^');
  w.put('\n');
  return w.finish();
}

}  // namespace aiopi::cron
