#include <gtest/gtest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/frontier.hpp"
#include "ropesweep/experiments/frontier_file.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep {
namespace {

using h5::adopt;
using h5::check;
using h5::Handle;

// A results file in the documented layout, built with the HDF5 C API only:
// /pw over (length=2, base=3) with the base as a dimension, and /zipped over
// (scale=3, length=2) where base is a zip member along `scale`.
class FrontierFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "frontier_file_" + std::to_string(getpid()) + ".h5";
    Handle file = adopt(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                        path_, "create");
    h5::write_attribute(file.get(), "format", std::string(kFileFormat), path_);
    {
      Handle group = make_group(file.get(), "pw");
      Handle length = make_axis(group.get(), "length", {64, 256}, true);
      Handle base = make_axis(group.get(), "base", {100, 1000, 10000}, true);
      make_metric(group.get(), "position_inversion", position_, {2, 3}, {&length, &base});
      make_metric(group.get(), "token_inversion", token_, {2, 3}, {&length, &base});
    }
    {
      Handle group = make_group(file.get(), "zipped");
      Handle scale = make_axis(group.get(), "scale", {1, 2, 4}, true);
      Handle base = make_axis(group.get(), "base", {10, 20, 40}, false);
      check(H5DSattach_scale(base.get(), scale.get(), 0), path_, "attach");
      Handle length = make_axis(group.get(), "length", {64, 256}, true);
      make_metric(group.get(), "position_inversion", zipped_position_, {3, 2}, {&scale, &length});
      make_metric(group.get(), "token_inversion", zipped_token_, {3, 2}, {&scale, &length});
    }
    {
      // Inversions but no swept base: no frontier.
      Handle group = make_group(file.get(), "fixed_base");
      Handle length = make_axis(group.get(), "length", {64, 256}, true);
      make_metric(group.get(), "position_inversion", {0.1, 0.2}, {2}, {&length});
      make_metric(group.get(), "token_inversion", {0.1, 0.2}, {2}, {&length});
    }
    file.close(path_, "close");
  }
  void TearDown() override { std::remove(path_.c_str()); }

  Handle make_group(hid_t file, const char* name) {
    Handle group = adopt(H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                         path_, "group");
    h5::write_attribute(group.get(), "experiment", std::string("pairwise"), path_);
    return group;
  }
  Handle make_axis(hid_t group, const char* name, const std::vector<double>& values, bool scale) {
    const hsize_t size = values.size();
    Handle space = adopt(H5Screate_simple(1, &size, nullptr), H5Sclose, path_, "space");
    Handle axis = adopt(
        H5Dcreate2(group, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, path_, "axis");
    check(H5Dwrite(axis.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          path_, "write");
    if (scale) check(H5DSset_scale(axis.get(), name), path_, "scale");
    return axis;
  }
  void make_metric(hid_t group, const char* name, const std::vector<double>& values,
                   const std::vector<hsize_t>& shape, const std::vector<const Handle*>& scales) {
    Handle space =
        adopt(H5Screate_simple(int(shape.size()), shape.data(), nullptr), H5Sclose, path_, "space");
    Handle dataset = adopt(
        H5Dcreate2(group, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, path_, "metric");
    check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          path_, "write");
    for (unsigned d = 0; d < scales.size(); ++d) {
      check(H5DSattach_scale(dataset.get(), scales[d]->get(), d), path_, "attach");
    }
  }

  template <typename T>
  std::vector<T> read(const std::string& name, hid_t memory_type, std::size_t count) {
    Handle file =
        adopt(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path_, "open");
    Handle dataset = adopt(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose, path_, name);
    std::vector<T> values(count);
    check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path_,
          "read");
    return values;
  }
  std::string scale_name(const std::string& name, unsigned dimension) {
    Handle file =
        adopt(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path_, "open");
    Handle dataset = adopt(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose, path_, name);
    std::string found;
    int index = 0;
    H5DSiterate_scales(
        dataset.get(), dimension, &index,
        [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
          char buffer[64] = "";
          H5Iget_name(scale, buffer, sizeof buffer);
          *static_cast<std::string*>(data) = buffer;
          return 1;
        },
        &found);
    return found;
  }
  bool exists(const std::string& name) {
    Handle file =
        adopt(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path_, "open");
    return H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) > 0;
  }

  std::string path_;
  // Row-major over (length, base): at L=64 a strict trade-off, at L=256 base 100 loses.
  const std::vector<double> position_{0.1, 0.2, 0.3, 0.45, 0.2, 0.3};
  const std::vector<double> token_{0.4, 0.3, 0.2, 0.45, 0.3, 0.2};
  // Row-major over (scale, length).
  const std::vector<double> zipped_position_{0.1, 0.3, 0.2, 0.3, 0.2, 0.1};
  const std::vector<double> zipped_token_{0.1, 0.3, 0.2, 0.3, 0.3, 0.3};
};

TEST_F(FrontierFileTest, WritesWhatThePureFunctionComputesWithTheExperimentsScales) {
  const std::vector<FrontierSummary> written = write_frontier(path_);
  ASSERT_EQ(written.size(), 2u);  // fixed_base has no swept base
  EXPECT_FALSE(exists("/frontier/fixed_base"));

  const Frontier expected = compute_frontier(position_, token_, {2, 3}, 1, {100, 1000, 10000});
  EXPECT_EQ(read<std::uint8_t>("/frontier/pw/pareto_optimal", H5T_NATIVE_UINT8, 6),
            expected.pareto_optimal);
  EXPECT_EQ(expected.pareto_optimal, (std::vector<std::uint8_t>{1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(read<double>("/frontier/pw/best_position_base", H5T_NATIVE_DOUBLE, 2),
            (std::vector<double>{100, 1000}));
  EXPECT_EQ(read<double>("/frontier/pw/best_token_base", H5T_NATIVE_DOUBLE, 2),
            (std::vector<double>{10000, 10000}));
  EXPECT_EQ(scale_name("/frontier/pw/pareto_optimal", 0), "/frontier/pw/length");
  EXPECT_EQ(scale_name("/frontier/pw/pareto_optimal", 1), "/frontier/pw/base");
  EXPECT_EQ(scale_name("/frontier/pw/best_token_base", 0), "/frontier/pw/length");

  // base as a zip member: the frontier runs over the `scale` dimension it rides on.
  const Frontier zipped =
      compute_frontier(zipped_position_, zipped_token_, {3, 2}, 0, {10, 20, 40});
  EXPECT_EQ(read<std::uint8_t>("/frontier/zipped/pareto_optimal", H5T_NATIVE_UINT8, 6),
            zipped.pareto_optimal);
  EXPECT_EQ(read<double>("/frontier/zipped/best_position_base", H5T_NATIVE_DOUBLE, 2),
            zipped.best_position_base);
  EXPECT_EQ(zipped.best_position_base, (std::vector<double>{10, 40}));
  EXPECT_EQ(scale_name("/frontier/zipped/pareto_optimal", 0), "/frontier/zipped/scale");
  EXPECT_EQ(written[1].base_dimension, "scale");
}

TEST_F(FrontierFileTest, WritingAgainReplacesTheFrontier) {
  write_frontier(path_);
  const std::vector<FrontierSummary> again = write_frontier(path_);
  ASSERT_EQ(again.size(), 2u);
  const Frontier expected = compute_frontier(position_, token_, {2, 3}, 1, {100, 1000, 10000});
  EXPECT_EQ(read<std::uint8_t>("/frontier/pw/pareto_optimal", H5T_NATIVE_UINT8, 6),
            expected.pareto_optimal);
}

TEST(FrontierFile, RefusesFilesThatAreNotOurs) {
  const std::string path = ::testing::TempDir() + "not_ours_" + std::to_string(getpid()) + ".h5";
  {
    Handle file = adopt(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                        path, "create");
  }
  EXPECT_THROW(write_frontier(path), IoError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ropesweep
