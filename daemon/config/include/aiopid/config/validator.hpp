// Checks a Node tree against the schema and fills in defaults. It never stops at the first problem: every
// error is reported (to a Diagnostics) with the location of the offending key or value and its key path,
// and checking goes on with the next key. References to devices, events and tasks are collected for the
// caller to resolve once everything has been read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "aiopid/config/diagnostic.hpp"
#include "aiopid/config/node.hpp"
#include "aiopid/config/schema.hpp"

namespace aiopid::config {

/// A name used somewhere that must exist (checked after all files are merged).
struct Reference {
  RefKind kind = RefKind::none;
  std::string name;
  Location where;
  std::string path;
};

class Validator {
 public:
  explicit Validator(Diagnostics& out) noexcept : out_(&out) {}

  /// Validates `table` (members in source order) against `schema`; fills in defaults and normalises single
  /// values of list fields into one-element arrays. Returns false if it reported any error.
  bool validate_table(Node& table, const TableSchema& schema, const std::string& path);

  /// Validates one present value against its field.
  bool validate_value(Node& value, const Field& field, const std::string& path);

  /// Reports the keys of `table` that are not in `known` as unknown (with a suggestion). Returns false if
  /// any.
  bool reject_unknown_keys(const Node& table, const std::vector<std::string>& known, const std::string& path);

  /// Checks a name of a named table (devices.NAME, ...): letters, digits, '_' and '-'.
  bool check_name(const Node::Member& member, const std::string& path);

  void error(const Location& where, std::string path, std::string message);
  /// An error at character `offset` of a string value (see location_in_string).
  void error_in_string(const Node& string_value, std::size_t offset, std::string path, std::string message);
  /// A "type mismatch" error: "expected WHAT, found a string".
  void type_error(const Node& value, std::string_view expected, std::string path);

  void add_reference(RefKind kind, const Node& name, std::string path);
  [[nodiscard]] const std::vector<Reference>& references() const noexcept { return references_; }

  [[nodiscard]] std::size_t error_count() const noexcept { return errors_; }

 private:
  Diagnostics* out_;
  std::vector<Reference> references_;
  std::size_t errors_ = 0;
};

/// Where character `offset` of a string value sits in its file: the column just after the opening quote
/// plus the offset, when the value is a single-line string written without escapes up to that point;
/// otherwise the start of the string.
Location location_in_string(const Node& string_value, std::size_t offset);

}  // namespace aiopid::config
