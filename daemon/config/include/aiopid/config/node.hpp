// The configuration as a tree of values with their source locations, independent of the file format.
//
// The TOML reader produces it today; the API will produce it from JSON, so that one schema (schema.hpp)
// validates both. Tables keep their members in source order (TOML libraries sort them by key), so errors,
// --print-config and the wiring all follow the order the user wrote.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiopid/config/source.hpp"
#include "aiopid/config/time_of_day.hpp"

namespace aiopid::config {

class Node {
 public:
  enum class Kind : std::uint8_t {
    boolean,
    integer,
    floating,
    string,
    time_of_day,  ///< a TOML local time (07:30:00)
    date_time,    ///< a TOML date, date-time or offset date-time: read, but no key accepts one
    array,
    table,
  };

  struct Member;

  Node();  ///< an empty table without location
  // Out of line: Member is incomplete here, and a vector of an incomplete type may only be destroyed or
  // copied where the type is complete (clang insists).
  ~Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  static Node boolean(bool v, Location where = {});
  static Node integer(std::int64_t v, Location where = {});
  static Node floating(double v, Location where = {});
  static Node string(std::string v, Location where = {});
  static Node time(TimeOfDay v, Location where = {});
  /// `text` is how the date-time reads, for messages.
  static Node date_time(std::string text, Location where = {});
  static Node array(Location where = {});
  static Node table(Location where = {});

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is(Kind k) const noexcept { return kind_ == k; }
  [[nodiscard]] bool is_number() const noexcept { return kind_ == Kind::integer || kind_ == Kind::floating; }
  [[nodiscard]] const Location& where() const noexcept { return where_; }
  void set_where(Location where) { where_ = std::move(where); }

  // Scalars. Preconditions: the kind matches (as_number: integer or floating).
  [[nodiscard]] bool as_bool() const noexcept { return bool_; }
  [[nodiscard]] std::int64_t as_int() const noexcept { return int_; }
  [[nodiscard]] double as_number() const noexcept {
    return kind_ == Kind::integer ? static_cast<double>(int_) : float_;
  }
  /// The text of a string or of a date-time.
  [[nodiscard]] const std::string& as_string() const noexcept { return string_; }
  [[nodiscard]] TimeOfDay as_time() const noexcept { return time_; }

  // Arrays.
  [[nodiscard]] const std::vector<Node>& items() const noexcept { return items_; }
  [[nodiscard]] std::vector<Node>& items() noexcept { return items_; }
  void push_back(Node item) { items_.push_back(std::move(item)); }

  // Tables: members in source order.
  [[nodiscard]] const std::vector<Member>& members() const noexcept { return members_; }
  [[nodiscard]] std::vector<Member>& members() noexcept { return members_; }
  [[nodiscard]] const Node* find(std::string_view key) const noexcept;
  [[nodiscard]] Node* find(std::string_view key) noexcept;
  [[nodiscard]] const Member* find_member(std::string_view key) const noexcept;
  [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  /// Appends a member (even if the key exists: the merge keeps unknown keys of every file so that each is
  /// reported).
  Member& append(std::string key, Location key_where, Node value);
  /// Replaces the value of `key` (and its key location) or appends it.
  Member& assign(std::string key, Location key_where, Node value);

  // Convenience getters for validated tables: the member's value if present and of the right kind.
  [[nodiscard]] const std::string* get_string(std::string_view key) const noexcept;
  [[nodiscard]] bool get_bool(std::string_view key, bool fallback) const noexcept;
  [[nodiscard]] std::int64_t get_int(std::string_view key, std::int64_t fallback) const noexcept;
  [[nodiscard]] double get_number(std::string_view key, double fallback) const noexcept;

  /// Same kind and value, recursively (locations ignored).
  [[nodiscard]] bool same_value(const Node& other) const noexcept;

 private:
  Kind kind_ = Kind::table;
  Location where_;
  bool bool_ = false;
  std::int64_t int_ = 0;
  double float_ = 0.0;
  std::string string_;
  TimeOfDay time_{};
  std::vector<Node> items_;
  std::vector<Member> members_;
};

struct Node::Member {
  std::string key;
  Location key_where;
  Node value;
};

/// "boolean", "integer", "float", "string", "time", "date-time", "array", "table", with an article for
/// messages ("an integer", "a string", ...) when `article` is set.
std::string_view kind_name(Node::Kind kind, bool article = false) noexcept;

}  // namespace aiopid::config
