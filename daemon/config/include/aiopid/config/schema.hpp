// The one schema: a small declarative description of every table a user can write — keys, types,
// required or optional, defaults, constraints, a doc string and an example. The validator (validator.hpp)
// checks configuration against it, the API will check its input against it, and the reference in
// docs/daemon.md is generated from it (reference.hpp), so the three cannot drift apart.
//
// Schemas are plain data built at start-up (config_schema.hpp), because device types — and with them the
// parameters a device table accepts — are registered at run time (device_registry.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopid/config/duration.hpp"
#include "aiopid/config/node.hpp"

namespace aiopid::config {

class Validator;
struct TableSchema;

enum class FieldType : std::uint8_t {
  boolean,
  integer,      ///< range in min/max
  number,       ///< integer or float; range in min/max
  string,       ///< non_empty if set
  choice,       ///< a string from `choices`
  duration,     ///< a string such as "250ms" (duration.hpp); range in min_duration/max_duration
  time_of_day,  ///< "07:30" or a TOML local time (time_of_day.hpp)
  cron,         ///< a cron string or the key=value form (lib/cron's parse_spec)
  time_zone,    ///< "local", a fixed offset ("UTC", "+05:45") or an IANA zone ("Europe/London")
  reference,    ///< the name of a device, event or task (`ref`), resolved once every file is read
  table,        ///< a table of `table`'s shape
  map,          ///< named tables: NAME = { ...`table`... }
  list,         ///< an array of `element`s
  custom,       ///< `check` decides; `type_name` says what it accepts
};

/// What a reference names.
enum class RefKind : std::uint8_t { none, device, event, task, board };

std::string_view ref_kind_name(RefKind kind) noexcept;  // "device", "event", "task", "board"

/// Extra rule on a value (custom fields: the only rule). Reports through the validator; returns false
/// when it reported an error.
using ValueCheck = std::function<bool(const Node& value, const std::string& path, Validator& v)>;
/// Rule across the keys of a table, run once its keys are valid and defaults are filled in.
using TableCheck = std::function<void(const Node& table, const std::string& path, Validator& v)>;

struct Field {
  std::string key{};
  FieldType type = FieldType::string;
  bool required = false;
  /// Filled in when the key is absent (never together with `required`).
  std::optional<Node> default_value{};
  std::string doc{};
  /// A value as it is written in TOML, for the reference ("17", "\"GPIO17\"", "\"250ms\"").
  std::string example{};

  std::vector<std::string> choices{};      ///< choice
  std::optional<double> min{}, max{};      ///< integer, number
  std::optional<Duration> min_duration{};  ///< duration
  std::optional<Duration> max_duration{};  ///< duration
  bool non_empty = false;                  ///< string, list
  RefKind ref = RefKind::none;             ///< reference
  const TableSchema* table = nullptr;      ///< table; map (each entry)
  std::shared_ptr<const Field> element{};  ///< list: what each element is (its key is unused)
  bool single_allowed = false;             ///< list: one element may be written without the brackets
  std::string type_name{};                 ///< custom: e.g. "integer or string"
  ValueCheck check{};                      ///< custom: the rule; other types: an extra rule
  /// Shown instead of `default_value` when the default is computed ("the daemon's time_zone").
  std::string default_doc{};
};

/// One shape of a table with variants.
struct Variant {
  std::string
      tag;  ///< value of the tag key (devices: "digital_out") or the key that selects it (actions: "pulse")
  std::string doc{};
  const TableSchema* schema = nullptr;  ///< its fields, added to the table's own
};

struct TableSchema {
  /// How messages and the reference name a table of this shape: "[daemon]", "action", "device type 'adc'".
  std::string name;
  std::string doc{};
  std::vector<Field> fields;

  /// Variants chosen by the string value of this key (devices: "type"); empty if none.
  std::string tag_key{};
  /// Variants chosen by which variant's tag appears as a key (actions: `pulse = "led"` is a pulse).
  bool tag_by_presence = false;
  std::vector<Variant> variants{};
  /// Variants used instead of `variants` when the table has this key (devices: `board`: a device on a
  /// remote board names its pins as that board does, `pin` instead of `chip` and `line`). A tag without an
  /// alternate variant is an error at this key; `alternate_what` ends its message ("on a board").
  std::string alternate_key{};
  std::vector<Variant> alternate_variants{};
  std::string alternate_what{};

  /// Keys not in `fields` are left for the owner to check (events: the condition keys depend on the
  /// device's type).
  bool open = false;
  TableCheck check{};

  [[nodiscard]] const Field* field(std::string_view key) const noexcept;
  [[nodiscard]] const Variant* variant(std::string_view tag) const noexcept;
  [[nodiscard]] const Variant* alternate_variant(std::string_view tag) const noexcept;
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] std::vector<std::string> variant_tags() const;
};

/// How the reference writes a field's type: "integer (0 to 1023)", "duration", "one of `a`, `b`", ...
std::string describe_type(const Field& field);

/// The default as TOML text ("false", "\"as_is\"", "[]"), `default_doc`, or "" when there is none.
std::string describe_default(const Field& field);

}  // namespace aiopid::config
