#include "oversight/html/escape.h"

#include <gtest/gtest.h>

namespace oversight::html {
namespace {

TEST(EscapeTest, ReplacesTheFiveCharactersThatMeanSomethingInHtml) {
  EXPECT_EQ(Escape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(EscapeTest, LeavesOtherTextAloneIncludingUtf8AndEmpty) {
  EXPECT_EQ(Escape(""), "");
  EXPECT_EQ(Escape("Zoë Ó Briain, 12/03"), "Zoë Ó Briain, 12/03");
  // An already-escaped reference is text like any other: escaped again, not passed through.
  EXPECT_EQ(Escape("&amp;"), "&amp;amp;");
}

}  // namespace
}  // namespace oversight::html
