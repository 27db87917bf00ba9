// aiopictl: the plain-text table.
#include "table.hpp"

#include <gtest/gtest.h>

namespace aiopictl {
namespace {

TEST(AiopictlTable, ColumnsAlignOnTheWidestCellAndLinesHaveNoTrailingSpace) {
  Table t({"NAME", "VALUE"});
  t.add_row({"a", "1"});
  t.add_row({"longer_name", ""});
  t.add_row({"b"});  // padded
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.render(),
            "NAME         VALUE\n"
            "a            1\n"
            "longer_name\n"
            "b\n");
}

TEST(AiopictlTable, WidthCountsCodePoints) {
  EXPECT_EQ(display_width("température"), 11u);
  Table t({"N", "V"});
  t.add_row({"température", "x"});
  t.add_row({"t", "y"});
  EXPECT_EQ(t.render(),
            "N            V\n"
            "température  x\n"
            "t            y\n");
}

}  // namespace
}  // namespace aiopictl
