// The comma-separated lists of options.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/text.h"

namespace naskit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SplitListTest, ItemsWithoutSurroundingSpaces) {
  EXPECT_THAT(SplitList("0,1"), ElementsAre("0", "1"));
  EXPECT_THAT(SplitList(" onehot , zc:synflow"), ElementsAre("onehot", "zc:synflow"));
  EXPECT_THAT(SplitList("a b"), ElementsAre("a b"));
  EXPECT_THAT(SplitList("x|y", '|'), ElementsAre("x", "y"));
}

TEST(SplitListTest, EmptyTextHasNoItemsButEmptyItemsAreKept) {
  EXPECT_THAT(SplitList(""), IsEmpty());
  EXPECT_THAT(SplitList("a,,b"), ElementsAre("a", "", "b"));
  EXPECT_THAT(SplitList("a,"), ElementsAre("a", ""));
  EXPECT_THAT(SplitList(" "), ElementsAre(""));
}

}  // namespace
}  // namespace naskit
