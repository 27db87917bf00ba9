#include "aiopid/config/merge.hpp"

#include <utility>

#include "aiopid/config/key_path.hpp"
#include "aiopid/config/schema.hpp"

namespace aiopid::config {

void merge_into(Node& merged, Node fragment, const TableSchema& root, Diagnostics& out) {
  for (Node::Member& m : fragment.members()) {
    const Field* section = root.field(m.key);
    if (!section || (section->type != FieldType::table && section->type != FieldType::map)) {
      merged.append(std::move(m.key), std::move(m.key_where),
                    std::move(m.value));  // the validator reports it
      continue;
    }
    if (!m.value.is(Node::Kind::table)) {
      out.error(m.value.where(), m.key,
                "expected a table, found " + std::string(kind_name(m.value.kind(), true)) + " (write [" +
                    m.key + (section->type == FieldType::map ? ".NAME]" : "]") + ")");
      continue;
    }
    Node* into = merged.find(m.key);
    if (!into) {
      merged.append(std::move(m.key), std::move(m.key_where), std::move(m.value));
      continue;
    }
    if (section->type == FieldType::table) {
      // Settings: a later file's key replaces the earlier one.
      for (Node::Member& setting : m.value.members()) {
        into->assign(std::move(setting.key), std::move(setting.key_where), std::move(setting.value));
      }
      continue;
    }
    // Named tables: by name; a name defined again is an error naming the first definition.
    for (Node::Member& entry : m.value.members()) {
      if (const Node::Member* first = into->find_member(entry.key)) {
        std::string what = m.key;
        if (what.ends_with('s')) what.pop_back();
        out.error(entry.key_where, join_key(m.key, entry.key),
                  what + " '" + entry.key + "' is already defined at " + first->key_where.to_string());
        continue;
      }
      into->append(std::move(entry.key), std::move(entry.key_where), std::move(entry.value));
    }
  }
}

}  // namespace aiopid::config
