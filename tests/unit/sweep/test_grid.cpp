#include "ropesweep/sweep/grid.hpp"

#include <gtest/gtest.h>

namespace ropesweep {
namespace {

ExperimentGrid make_grid() {
  ExperimentGrid grid;
  grid.kind = "pairwise";
  Dimension base{{Axis{"base", {Value{1e4}, Value{5e5}}, {}}}};
  Dimension zipped{{Axis{"length", {Value{512.0}, Value{1024.0}, Value{2048.0}}, {}},
                    Axis{"rho", {Value{1.0}, Value{0.5}, Value{0.0}}, {}}}};
  Dimension encoding{{Axis{"encoding", {Value{std::string("rope")}, Value{std::string("nope")}}, {}}}};
  grid.dimensions = {base, zipped, encoding};
  grid.fixed.set("samples", 100.0);
  return grid;
}

TEST(Grid, RowMajorIndexRoundTrips) {
  const ExperimentGrid grid = make_grid();
  ASSERT_EQ(grid.point_count(), 12u);
  for (std::uint64_t i = 0; i < grid.point_count(); ++i) {
    EXPECT_EQ(grid.point_index(grid.coordinates(i)), i);
  }
  EXPECT_EQ(grid.coordinates(7), (std::vector<std::uint64_t>{1, 0, 1}));
}

TEST(Grid, ZipAxesVaryTogetherAndFixedParametersShowThrough) {
  const ExperimentGrid grid = make_grid();
  const Parameters p = grid.point(grid.point_index({1, 2, 0}));
  EXPECT_EQ(p.number("base"), 5e5);
  EXPECT_EQ(p.number("length"), 2048.0);
  EXPECT_EQ(p.number("rho"), 0.0);
  EXPECT_EQ(p.text("encoding"), "rope");
  EXPECT_EQ(p.integer("samples"), 100);
  EXPECT_THROW(p.text("base"), Error);
  EXPECT_EQ(grid.axis_names(), (std::vector<std::string>{"base", "length", "rho", "encoding"}));
}

}  // namespace
}  // namespace ropesweep
