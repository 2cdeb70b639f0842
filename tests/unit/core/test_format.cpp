// The shared text forms of numbers, durations and byte counts.
#include <gtest/gtest.h>

#include "ropesweep/core/format.hpp"

namespace ropesweep {
namespace {

TEST(Format, NumbersReadBackExactlyInTheShortestForm) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(10000), "10000");
  EXPECT_EQ(format_number(1e8), "1e+08");
  EXPECT_EQ(format_number(1.0 / 3.0), "0.3333333333333333");
  for (const double x : {0.1, 1.0 / 3.0, 2.5e-300, 6.02214076e23, -7.0}) {
    EXPECT_EQ(std::stod(format_number(x)), x) << format_number(x);
  }
  EXPECT_EQ(format_significant(3.14159265, 3), "3.14");
  EXPECT_EQ(format_exact(0.1), "0.10000000000000001");
}

TEST(Format, Durations) {
  EXPECT_EQ(format_duration(0.05), "0.05s");
  EXPECT_EQ(format_duration(4.25), "4.2s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(7500), "2h05m");
  EXPECT_EQ(format_duration(3 * 86400 + 4 * 3600), "3d04h");
}

TEST(Format, BytesAndLists) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(1234567), "1.2 MB");
  EXPECT_EQ(join({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(join({"a", "b"}, "/"), "a/b");
  EXPECT_EQ(join({}), "");
}

TEST(Format, UtcMoments) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(format_utc(951782400 + 86399), "2000-02-29T23:59:59Z");
}

}  // namespace
}  // namespace ropesweep
