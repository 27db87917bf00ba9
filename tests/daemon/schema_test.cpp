// The declarative schema and its validator on small hand-made schemas: unknown keys (with suggestions),
// types, ranges, choices, defaults, lists, variants, custom rules, references, error positions.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "aiopid/config/schema.hpp"
#include "aiopid/config/suggest.hpp"
#include "aiopid/config/toml_reader.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {
namespace {

Node parse(const std::string& text) {
  auto file = std::make_shared<SourceFile>();
  file->path = "t.toml";
  file->text = text;
  Diagnostics d;
  auto root = read_toml(file, d);
  EXPECT_TRUE(root.has_value()) << d.to_string();
  return root ? *root : Node::table();
}

/// Validates `text`'s root against `schema` and returns the errors as text ("" if none).
std::string errors_of(const std::string& text, const TableSchema& schema, Node* out = nullptr) {
  Node root = parse(text);
  Diagnostics d;
  Validator v(d);
  const bool ok = v.validate_table(root, schema, "");
  d.sort();
  EXPECT_EQ(ok, d.empty());
  if (out) *out = root;
  return d.to_string();
}

TableSchema lamp_schema() {
  TableSchema s;
  s.name = "lamp";
  s.fields = {
      Field{.key = "pin", .type = FieldType::integer, .required = true, .min = 0.0, .max = 40.0},
      Field{.key = "on", .type = FieldType::boolean, .default_value = Node::boolean(false)},
      Field{.key = "colour",
            .type = FieldType::choice,
            .default_value = Node::string("white"),
            .choices = {"white", "warm_white", "red"}},
      Field{.key = "fade", .type = FieldType::duration, .max_duration = Duration{10'000'000}},
      Field{.key = "brightness", .type = FieldType::number, .min = 0.0, .max = 1.0},
      Field{.key = "tags",
            .type = FieldType::list,
            .element = std::make_shared<Field>(Field{.type = FieldType::string}),
            .single_allowed = true},
      Field{.key = "follows", .type = FieldType::reference, .ref = RefKind::device},
  };
  return s;
}

TEST(Validator, AcceptsAndFillsInDefaultsAfterTheWrittenKeys) {
  Node root;
  EXPECT_EQ(errors_of("pin = 4\nfade = \"1.5s\"\n", lamp_schema(), &root), "");
  ASSERT_EQ(root.members().size(), 4u);
  EXPECT_EQ(root.members()[0].key, "pin");
  EXPECT_EQ(root.members()[1].key, "fade");
  EXPECT_EQ(root.members()[2].key, "on");
  EXPECT_FALSE(root.members()[2].key_where.from_file());  // a default comes from no file
  EXPECT_EQ(*root.get_string("colour"), "white");
}

TEST(Validator, ReportsEveryErrorWithItsPositionAndKeyPath) {
  EXPECT_EQ(errors_of("pin = 41\non = \"yes\"\ncolour = \"warmwhite\"\nfade = \"11s\"\nbrightness = 2\n"
                      "tags = [\"a\", 3]\ncolor = \"red\"\n",
                      lamp_schema()),
            "t.toml:1:7: error: pin: 41 is not in the range 0 to 40\n"
            "t.toml:2:6: error: on: expected a boolean (true or false), found a string\n"
            "t.toml:3:10: error: colour: \"warmwhite\" is not one of white, warm_white, red (did you mean "
            "'warm_white'?)\n"
            "t.toml:4:8: error: fade: must be at most 10s\n"
            "t.toml:5:14: error: brightness: 2 is not in the range 0.0 to 1.0\n"
            "t.toml:6:14: error: tags[1]: expected a string, found an integer\n"
            "t.toml:7:1: error: unknown key 'color' (did you mean 'colour'?)\n");
}

TEST(Validator, MissingRequiredKeyIsReportedAtTheTable) {
  EXPECT_EQ(errors_of("[x]\n",
                      [] {
                        TableSchema outer;
                        outer.name = "outer";
                        static const TableSchema inner = lamp_schema();
                        outer.fields = {Field{.key = "x", .type = FieldType::table, .table = &inner}};
                        return outer;
                      }()),
            "t.toml:1:1: error: x: missing required key 'pin'\n");
}

TEST(Validator, ErrorsInsideAStringPointAtTheCharacter) {
  EXPECT_EQ(errors_of("pin = 1\nfade =   \"2h 5x\"\n", lamp_schema()),
            "t.toml:2:15: error: fade: bad duration: unknown unit 'x' (us, ms, s, m, h or d)\n");
  // With an escape before the error the column cannot be trusted: the start of the string is reported.
  EXPECT_EQ(errors_of("pin = 1\nfade = \"\\u0031h 5x\"\n", lamp_schema()),
            "t.toml:2:8: error: fade: bad duration: unknown unit 'x' (us, ms, s, m, h or d)\n");
}

TEST(Validator, ASingleValueOfAListFieldBecomesAOneElementList) {
  Node root;
  EXPECT_EQ(errors_of("pin = 1\ntags = \"porch\"\n", lamp_schema(), &root), "");
  const Node* tags = root.find("tags");
  ASSERT_TRUE(tags && tags->is(Node::Kind::array));
  ASSERT_EQ(tags->items().size(), 1u);
  EXPECT_EQ(tags->items()[0].as_string(), "porch");
}

TEST(Validator, ReferencesAreCollectedForLater) {
  Node root = parse("pin = 1\nfollows = \"hall_light\"\n");
  Diagnostics d;
  Validator v(d);
  EXPECT_TRUE(v.validate_table(root, lamp_schema(), "devices.lamp"));
  ASSERT_EQ(v.references().size(), 1u);
  EXPECT_EQ(v.references()[0].kind, RefKind::device);
  EXPECT_EQ(v.references()[0].name, "hall_light");
  EXPECT_EQ(v.references()[0].path, "devices.lamp.follows");
  EXPECT_EQ(v.references()[0].where.line, 2u);
  EXPECT_EQ(v.references()[0].where.column, 11u);
}

struct Variants {
  TableSchema table, beep, blink;
  Variants() {
    beep.name = "beep";
    beep.fields = {Field{.key = "beep", .type = FieldType::integer, .required = true},
                   Field{.key = "pitch", .type = FieldType::integer, .default_value = Node::integer(440)}};
    blink.name = "blink";
    blink.fields = {Field{.key = "blink", .type = FieldType::string, .required = true}};
    table.name = "signal";
    table.tag_by_presence = true;
    table.variants = {Variant{"beep", "", &beep}, Variant{"blink", "", &blink}};
  }
};

TEST(Validator, VariantChosenByTheKeyPresent) {
  Variants v;
  Node root;
  EXPECT_EQ(errors_of("beep = 3\n", v.table, &root), "");
  EXPECT_EQ(root.get_int("pitch", 0), 440);
  EXPECT_EQ(errors_of("blink = \"led\"\npitch = 3\n", v.table), "t.toml:2:1: error: unknown key 'pitch'\n");
  EXPECT_EQ(errors_of("beep = 1\nblink = \"led\"\n", v.table),
            "t.toml:2:1: error: 'blink' cannot be combined with 'beep' in one signal\n");
  EXPECT_EQ(errors_of("bleep = 1\n", v.table),
            "t.toml:1:1: error: unknown key 'bleep' (did you mean 'beep'?)\n");
  EXPECT_EQ(errors_of("volume = 1\n", v.table),
            "t.toml:1:1: error: expected one of the keys beep, blink (which signal this is)\n");
}

TEST(Validator, VariantChosenByATagValueDoesNotCascadeWhenTheTagIsUnknown) {
  Variants v;
  TableSchema s;
  s.name = "thing";
  s.fields = {
      Field{.key = "kind", .type = FieldType::choice, .required = true, .choices = {"beep", "blink"}}};
  s.tag_key = "kind";
  s.variants = v.table.variants;
  EXPECT_EQ(errors_of("kind = \"beep\"\nbeep = 2\n", s), "");
  EXPECT_EQ(errors_of("kind = \"beep\"\nblink = \"x\"\n", s),
            "t.toml:1:1: error: missing required key 'beep'\n"
            "t.toml:2:1: error: unknown key 'blink'\n");
  // An unknown kind: only the kind is reported, not every other key.
  EXPECT_EQ(errors_of("kind = \"bep\"\nbeep = 2\nwhatever = 1\n", s),
            "t.toml:1:8: error: kind: \"bep\" is not one of beep, blink (did you mean 'beep'?)\n");
}

TEST(Validator, CustomRulesAndTableRules) {
  TableSchema s;
  s.name = "range";
  s.fields = {Field{.key = "low", .type = FieldType::integer, .required = true},
              Field{.key = "high",
                    .type = FieldType::custom,
                    .required = true,
                    .type_name = "even integer",
                    .check = [](const Node& n, const std::string& path, Validator& v) {
                      if (n.is(Node::Kind::integer) && n.as_int() % 2 == 0) return true;
                      v.error(n.where(), path, "must be an even integer");
                      return false;
                    }}};
  s.check = [](const Node& t, const std::string& path, Validator& v) {
    if (t.get_int("low", 0) > t.get_int("high", 0)) v.error(t.where(), path, "low must not exceed high");
  };
  EXPECT_EQ(errors_of("low = 1\nhigh = 4\n", s), "");
  EXPECT_EQ(errors_of("low = 1\nhigh = 3\n", s), "t.toml:2:8: error: high: must be an even integer\n");
  EXPECT_EQ(errors_of("low = 8\nhigh = 4\n", s), "t.toml:1:1: error: low must not exceed high\n");
}

TEST(Validator, NamesOfNamedTables) {
  TableSchema entry;
  entry.name = "entry";
  TableSchema s;
  s.name = "root";
  s.fields = {Field{.key = "things", .type = FieldType::map, .table = &entry}};
  EXPECT_EQ(errors_of("[things.ok-name_2]\n", s), "");
  EXPECT_EQ(
      errors_of("[things.\"not ok\"]\n", s),
      "t.toml:1:9: error: things: invalid name \"not ok\": names are made of letters, digits, '_' and '-'\n");
}

TEST(Suggest, EditDistanceCountsSwapsAsOne) {
  EXPECT_EQ(edit_distance("led", "led"), 0u);
  EXPECT_EQ(edit_distance("lde", "led"), 1u);
  EXPECT_EQ(edit_distance("pulll", "pull"), 1u);
  EXPECT_EQ(edit_distance("LOG", "log"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggest, OnlyLikelyTypos) {
  const std::vector<std::string> keys = {"bias", "edges", "active_low", "debounce"};
  EXPECT_EQ(closest("bais", keys), "bias");
  EXPECT_EQ(closest("edge", keys), "edges");
  EXPECT_EQ(closest("activelow", keys), "active_low");
  EXPECT_EQ(closest("debunce", keys), "debounce");
  EXPECT_EQ(closest("colour", keys), std::nullopt);
  EXPECT_EQ(closest("c", std::vector<std::string>{"a"}), std::nullopt);  // replacing everything is no typo
  EXPECT_EQ(did_you_mean("bais", keys), " (did you mean 'bias'?)");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

TEST(SchemaDocs, TypesAndDefaultsAsTheReferenceWritesThem) {
  const TableSchema s = lamp_schema();
  EXPECT_EQ(describe_type(*s.field("pin")), "integer (0 to 40)");
  EXPECT_EQ(describe_type(*s.field("colour")), "one of `white`, `warm_white`, `red`");
  EXPECT_EQ(describe_type(*s.field("fade")), "duration (at most 10s)");
  EXPECT_EQ(describe_type(*s.field("brightness")), "number (0.0 to 1.0)");
  EXPECT_EQ(describe_type(*s.field("tags")), "string or array of them");
  EXPECT_EQ(describe_type(*s.field("follows")), "device name");
  EXPECT_EQ(describe_default(*s.field("on")), "false");
  EXPECT_EQ(describe_default(*s.field("colour")), "\"white\"");
  EXPECT_EQ(describe_default(*s.field("pin")), "");
}

}  // namespace
}  // namespace aiopid::config
