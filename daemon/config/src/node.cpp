#include "aiopid/config/node.hpp"

namespace aiopid::config {

Node::Node() = default;
Node::~Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;

Node Node::boolean(bool v, Location where) {
  Node n;
  n.kind_ = Kind::boolean;
  n.bool_ = v;
  n.where_ = std::move(where);
  return n;
}

Node Node::integer(std::int64_t v, Location where) {
  Node n;
  n.kind_ = Kind::integer;
  n.int_ = v;
  n.where_ = std::move(where);
  return n;
}

Node Node::floating(double v, Location where) {
  Node n;
  n.kind_ = Kind::floating;
  n.float_ = v;
  n.where_ = std::move(where);
  return n;
}

Node Node::string(std::string v, Location where) {
  Node n;
  n.kind_ = Kind::string;
  n.string_ = std::move(v);
  n.where_ = std::move(where);
  return n;
}

Node Node::time(TimeOfDay v, Location where) {
  Node n;
  n.kind_ = Kind::time_of_day;
  n.time_ = v;
  n.where_ = std::move(where);
  return n;
}

Node Node::date_time(std::string text, Location where) {
  Node n;
  n.kind_ = Kind::date_time;
  n.string_ = std::move(text);
  n.where_ = std::move(where);
  return n;
}

Node Node::array(Location where) {
  Node n;
  n.kind_ = Kind::array;
  n.where_ = std::move(where);
  return n;
}

Node Node::table(Location where) {
  Node n;
  n.kind_ = Kind::table;
  n.where_ = std::move(where);
  return n;
}

const Node::Member* Node::find_member(std::string_view key) const noexcept {
  for (const Member& m : members_)
    if (m.key == key) return &m;
  return nullptr;
}

const Node* Node::find(std::string_view key) const noexcept {
  const Member* m = find_member(key);
  return m ? &m->value : nullptr;
}

Node* Node::find(std::string_view key) noexcept {
  for (Member& m : members_)
    if (m.key == key) return &m.value;
  return nullptr;
}

Node::Member& Node::append(std::string key, Location key_where, Node value) {
  members_.push_back(Member{std::move(key), std::move(key_where), std::move(value)});
  return members_.back();
}

Node::Member& Node::assign(std::string key, Location key_where, Node value) {
  for (Member& m : members_) {
    if (m.key == key) {
      m.key_where = std::move(key_where);
      m.value = std::move(value);
      return m;
    }
  }
  return append(std::move(key), std::move(key_where), std::move(value));
}

const std::string* Node::get_string(std::string_view key) const noexcept {
  const Node* n = find(key);
  return n && n->is(Kind::string) ? &n->string_ : nullptr;
}

bool Node::get_bool(std::string_view key, bool fallback) const noexcept {
  const Node* n = find(key);
  return n && n->is(Kind::boolean) ? n->bool_ : fallback;
}

std::int64_t Node::get_int(std::string_view key, std::int64_t fallback) const noexcept {
  const Node* n = find(key);
  return n && n->is(Kind::integer) ? n->int_ : fallback;
}

double Node::get_number(std::string_view key, double fallback) const noexcept {
  const Node* n = find(key);
  return n && n->is_number() ? n->as_number() : fallback;
}

bool Node::same_value(const Node& other) const noexcept {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::boolean:
      return bool_ == other.bool_;
    case Kind::integer:
      return int_ == other.int_;
    case Kind::floating:
      return float_ == other.float_;
    case Kind::string:
    case Kind::date_time:
      return string_ == other.string_;
    case Kind::time_of_day:
      return time_ == other.time_;
    case Kind::array:
      if (items_.size() != other.items_.size()) return false;
      for (std::size_t i = 0; i < items_.size(); ++i)
        if (!items_[i].same_value(other.items_[i])) return false;
      return true;
    case Kind::table:
      if (members_.size() != other.members_.size()) return false;
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (members_[i].key != other.members_[i].key) return false;
        if (!members_[i].value.same_value(other.members_[i].value)) return false;
      }
      return true;
  }
  return false;
}

std::string_view kind_name(Node::Kind kind, bool article) noexcept {
  switch (kind) {
    case Node::Kind::boolean:
      return article ? "a boolean" : "boolean";
    case Node::Kind::integer:
      return article ? "an integer" : "integer";
    case Node::Kind::floating:
      return article ? "a float" : "float";
    case Node::Kind::string:
      return article ? "a string" : "string";
    case Node::Kind::time_of_day:
      return article ? "a time" : "time";
    case Node::Kind::date_time:
      return article ? "a date-time" : "date-time";
    case Node::Kind::array:
      return article ? "an array" : "array";
    case Node::Kind::table:
      return article ? "a table" : "table";
  }
  return "?";
}

}  // namespace aiopid::config
