#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/frontier_file.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/physics/frontier.hpp"

namespace ropesweep {
namespace {

// A results file in the documented layout: /pw over (length=2, base=3) with the
// base as a dimension, and /zipped over (scale=3, length=2) where base is a zip
// member along `scale`.
class FrontierFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "frontier_file_" + std::to_string(getpid()) + ".h5";
    h5::File file = h5::File::create(path_);
    file.set_attribute("format", kFileFormat);
    {
      const h5::Group group = make_group(file, "pw");
      const h5::Dataset length = make_axis(group, "length", {64, 256}, true);
      const h5::Dataset base = make_axis(group, "base", {100, 1000, 10000}, true);
      make_metric(group, "position_inversion", position_, {2, 3}, {&length, &base});
      make_metric(group, "token_inversion", token_, {2, 3}, {&length, &base});
      make_metric(group, "position_inversion_se", se_, {2, 3}, {&length, &base});
      make_metric(group, "token_inversion_se", se_, {2, 3}, {&length, &base});
    }
    {
      const h5::Group group = make_group(file, "zipped");
      const h5::Dataset scale = make_axis(group, "scale", {1, 2, 4}, true);
      const h5::Dataset base = make_axis(group, "base", {10, 20, 40}, false);
      base.attach_scale(scale, 0);
      const h5::Dataset length = make_axis(group, "length", {64, 256}, true);
      make_metric(group, "position_inversion", zipped_position_, {3, 2}, {&scale, &length});
      make_metric(group, "token_inversion", zipped_token_, {3, 2}, {&scale, &length});
    }
    {
      // Inversions but no swept base: no frontier.
      const h5::Group group = make_group(file, "fixed_base");
      const h5::Dataset length = make_axis(group, "length", {64, 256}, true);
      make_metric(group, "position_inversion", {0.1, 0.2}, {2}, {&length});
      make_metric(group, "token_inversion", {0.1, 0.2}, {2}, {&length});
    }
    file.close();
  }
  void TearDown() override { std::remove(path_.c_str()); }

  static h5::Group make_group(const h5::File& file, const char* name) {
    h5::Group group = file.create_group(name);
    group.set_attribute("experiment", "pairwise");
    return group;
  }
  static h5::Dataset make_axis(const h5::Group& group, const char* name,
                               const std::vector<double>& values, bool scale) {
    h5::Dataset axis = group.create_dataset<double>(name, {values.size()});
    axis.write(values);
    if (scale) axis.make_scale(name);
    return axis;
  }
  static void make_metric(const h5::Group& group, const char* name,
                          const std::vector<double>& values,
                          const std::vector<std::uint64_t>& shape,
                          const std::vector<const h5::Dataset*>& scales) {
    const h5::Dataset dataset = group.create_dataset<double>(name, shape);
    dataset.write(values);
    for (unsigned d = 0; d < scales.size(); ++d) dataset.attach_scale(*scales[d], d);
  }

  template <typename T>
  std::vector<T> read(const std::string& name) {
    return h5::File::open(path_, h5::Access::kRead).dataset(name).template read<T>();
  }
  std::string scale_name(const std::string& name, unsigned dimension) {
    return h5::File::open(path_, h5::Access::kRead)
        .dataset(name)
        .attached_scale(dimension)
        .value_or("");
  }
  bool exists(const std::string& name) {
    return h5::File::open(path_, h5::Access::kRead).exists(name);
  }

  std::string path_;
  // Row-major over (length, base): at L=64 a strict trade-off, at L=256 base 100 loses.
  const std::vector<double> position_{0.1, 0.2, 0.3, 0.45, 0.2, 0.3};
  const std::vector<double> token_{0.4, 0.3, 0.2, 0.45, 0.3, 0.2};
  // 2 combined SE = 0.113: at L=256 base 100 is beaten by 0.15 on both, so it is
  // off the statistical frontier too; nothing else is clearly beaten.
  const std::vector<double> se_{0.04, 0.04, 0.04, 0.04, 0.04, 0.04};
  // Row-major over (scale, length).
  const std::vector<double> zipped_position_{0.1, 0.3, 0.2, 0.3, 0.2, 0.1};
  const std::vector<double> zipped_token_{0.1, 0.3, 0.2, 0.3, 0.3, 0.3};
};

TEST_F(FrontierFileTest, WritesWhatThePureFunctionComputesWithTheExperimentsScales) {
  const std::vector<FrontierSummary> written = write_frontier(path_);
  ASSERT_EQ(written.size(), 2u);  // fixed_base has no swept base
  EXPECT_FALSE(exists("/frontier/fixed_base"));

  const Frontier expected = compute_frontier(position_, token_, {2, 3}, 1, {100, 1000, 10000});
  EXPECT_EQ(read<std::uint8_t>("/frontier/pw/pareto_optimal"), expected.pareto_optimal);
  EXPECT_EQ(expected.pareto_optimal, (std::vector<std::uint8_t>{1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(read<double>("/frontier/pw/best_position_base"), (std::vector<double>{100, 1000}));
  EXPECT_EQ(read<double>("/frontier/pw/best_token_base"), (std::vector<double>{10000, 10000}));
  EXPECT_EQ(scale_name("/frontier/pw/pareto_optimal", 0), "/frontier/pw/length");
  EXPECT_EQ(scale_name("/frontier/pw/pareto_optimal", 1), "/frontier/pw/base");
  EXPECT_EQ(scale_name("/frontier/pw/best_token_base", 0), "/frontier/pw/length");
  const Frontier with_se =
      compute_frontier(position_, token_, {2, 3}, 1, {100, 1000, 10000}, se_, se_);
  EXPECT_EQ(read<std::uint8_t>("/frontier/pw/statistically_optimal"),
            with_se.statistically_optimal);
  EXPECT_EQ(with_se.statistically_optimal, (std::vector<std::uint8_t>{1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(scale_name("/frontier/pw/statistically_optimal", 1), "/frontier/pw/base");
  EXPECT_FALSE(exists("/frontier/zipped/statistically_optimal"));  // no _se datasets

  // base as a zip member: the frontier runs over the `scale` dimension it rides on.
  const Frontier zipped =
      compute_frontier(zipped_position_, zipped_token_, {3, 2}, 0, {10, 20, 40});
  EXPECT_EQ(read<std::uint8_t>("/frontier/zipped/pareto_optimal"), zipped.pareto_optimal);
  EXPECT_EQ(read<double>("/frontier/zipped/best_position_base"), zipped.best_position_base);
  EXPECT_EQ(zipped.best_position_base, (std::vector<double>{10, 40}));
  EXPECT_EQ(scale_name("/frontier/zipped/pareto_optimal", 0), "/frontier/zipped/scale");
  EXPECT_EQ(written[1].base_dimension, "scale");
}

TEST_F(FrontierFileTest, WritingAgainReplacesTheFrontier) {
  write_frontier(path_);
  const std::vector<FrontierSummary> again = write_frontier(path_);
  ASSERT_EQ(again.size(), 2u);
  const Frontier expected = compute_frontier(position_, token_, {2, 3}, 1, {100, 1000, 10000});
  EXPECT_EQ(read<std::uint8_t>("/frontier/pw/pareto_optimal"), expected.pareto_optimal);
}

TEST(FrontierFile, RefusesFilesThatAreNotOurs) {
  const std::string path = ::testing::TempDir() + "not_ours_" + std::to_string(getpid()) + ".h5";
  h5::File::create(path).close();
  EXPECT_THROW(write_frontier(path), IoError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ropesweep
