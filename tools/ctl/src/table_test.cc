#include "table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace oversight::ctl {
namespace {

TEST(TableTest, PadsColumnsToTheWidestCellAndAlignsNumbersRight) {
  Table table({"RULE", "TOTAL"}, {1});
  table.AddRow({"D8", "12"});
  table.AddRow({"D14.4", "3"});
  table.AddRow({"H2"});  // missing cell prints empty
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "RULE   TOTAL\n"
            "D8        12\n"
            "D14.4      3\n"
            "H2\n");
  EXPECT_EQ(table.rows(), 3u);
}

TEST(TableTest, HeaderOnlyWhenEmpty) {
  Table table({"A", "B"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "A  B\n");
}

}  // namespace
}  // namespace oversight::ctl
