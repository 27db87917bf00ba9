// The only translation unit that includes toml++: header-only (no dependency on Debian's shared build of it)
// and without exceptions (toml::parse returns a parse_result), so it also builds in the noexcept preset.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 1
#include "aiopid/config/toml_reader.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>

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
