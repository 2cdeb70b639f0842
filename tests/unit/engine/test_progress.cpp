// Rank 0's progress line: points done, rate, elapsed time and ETA.
#include <gtest/gtest.h>

#include "ropesweep/engine/progress.hpp"

namespace ropesweep {
namespace {

TEST(Progress, LinesShowCountRateAndEta) {
  ProgressSnapshot s;
  s.done = 250;
  s.total = 1000;
  s.elapsed = 30;
  s.rate = 8.25;
  s.eta = 90;
  EXPECT_EQ(format_progress(s), "250/1000 points (25.0%), 8.25 points/s, elapsed 30s, ETA 1m30s");
  s.eta = -1;
  EXPECT_EQ(format_progress(s), "250/1000 points (25.0%), 8.25 points/s, elapsed 30s, ETA ?");
}

}  // namespace
}  // namespace ropesweep
