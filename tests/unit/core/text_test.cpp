#include "sim/core/text.hpp"

#include <gtest/gtest.h>

namespace sdsim {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // 2 substitutions + 1 insertion
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);       // 1 deletion + 1 insertion
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

TEST(EditDistance, CountsASwapOfAdjacentCharactersOnce) {
  EXPECT_EQ(edit_distance("modle", "model"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);  // optimal string alignment, not Damerau's 2
}

TEST(EditDistance, IsCaseSensitive) { EXPECT_EQ(edit_distance("MS", "ms"), 2u); }

TEST(DidYouMean, SuggestsTheCloseCandidate) {
  EXPECT_EQ(did_you_mean("expo", {"const", "exp", "uniform"}), "exp");
  EXPECT_EQ(did_you_mean("wokers", {"threads", "workers", "queue"}), "workers");
  EXPECT_EQ(did_you_mean("wets", {"default", "east", "west"}), "west");  // a swap
}

TEST(DidYouMean, ReturnsEmptyWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("banana", {"exp", "uniform"}), "");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

TEST(DidYouMean, AllowsOneEditForShortWords) {
  EXPECT_EQ(did_you_mean("mx", {"ms"}), "ms");
  EXPECT_EQ(did_you_mean("xy", {"ms"}), "");  // distance 2 > max(1, 2 / 3)
}

TEST(DidYouMean, AllowsLengthOverThreeEditsForLongWords) {
  // "unifxxm" has 7 letters: up to 2 edits.
  EXPECT_EQ(did_you_mean("unifxxm", {"uniform"}), "uniform");
  EXPECT_EQ(did_you_mean("unxxxrm", {"uniform"}), "");  // 3 edits
}

TEST(DidYouMean, PrefersTheClosestThenTheEarliest) {
  EXPECT_EQ(did_you_mean("p98", {"mean", "p99"}), "p99");
  EXPECT_EQ(did_you_mean("meann", {"median", "mean"}), "mean");  // 1 edit beats 2
  EXPECT_EQ(did_you_mean("medan", {"mean", "median"}), "mean");  // both 1 edit: first wins
  EXPECT_EQ(did_you_mean("medan", {"median", "mean"}), "median");
}

}  // namespace
}  // namespace sdsim
