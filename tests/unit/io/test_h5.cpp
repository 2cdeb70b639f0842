// The HDF5 layer on its own: what it writes is read back through the HDF5 C API
// (not through the layer) wherever the stored form is the point, and every
// failure is one IoError line naming file, object and operation.
#include <gtest/gtest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/io/h5.hpp"

namespace ropesweep {
namespace {

class H5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "h5_layer_" + std::to_string(getpid()) + ".h5";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // The stored type of `dataset` in the file, through the C API.
  static bool stored_as(const h5::Dataset& dataset, hid_t expected) {
    const hid_t type = H5Dget_type(dataset.id());
    const bool equal = H5Tequal(type, expected) > 0;
    H5Tclose(type);
    return equal;
  }
  // The message of the IoError `action` throws ("" when it throws none).
  template <typename Action>
  static std::string failure_of(Action action) {
    try {
      action();
    } catch (const IoError& error) {
      return error.what();
    }
    return "";
  }

  std::string path_;
};

TEST_F(H5Test, NumbersRoundTripAsTheFormatsLittleEndianTypes) {
  const h5::File file = h5::File::create(path_);
  const std::vector<double> doubles{1.5, -0.0, std::numeric_limits<double>::infinity(), 1e-300};
  const std::vector<std::uint8_t> bytes{0, 1, 255};
  const std::vector<std::int32_t> int32s{-2147483647 - 1, 7};
  const std::vector<std::int64_t> int64s{-(std::int64_t{1} << 62), 3};
  const std::vector<std::uint64_t> uint64s{~std::uint64_t{0}, 0};
  const h5::Dataset d = file.create_dataset<double>("d", {2, 2});
  const h5::Dataset u8 = file.create_dataset<std::uint8_t>("u8", {3});
  const h5::Dataset i32 = file.create_dataset<std::int32_t>("i32", {2});
  const h5::Dataset i64 = file.create_dataset<std::int64_t>("i64", {2});
  const h5::Dataset u64 = file.create_dataset<std::uint64_t>("u64", {2});
  d.write(doubles);
  u8.write(bytes);
  i32.write(int32s);
  i64.write(int64s);
  u64.write(uint64s);
  EXPECT_TRUE(stored_as(d, H5T_IEEE_F64LE));
  EXPECT_TRUE(stored_as(u8, H5T_STD_U8LE));
  EXPECT_TRUE(stored_as(i32, H5T_STD_I32LE));
  EXPECT_TRUE(stored_as(i64, H5T_STD_I64LE));
  EXPECT_TRUE(stored_as(u64, H5T_STD_U64LE));
  EXPECT_EQ(d.shape(), (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(d.size(), 4u);

  const std::vector<double> read_back = d.read<double>();
  ASSERT_EQ(read_back.size(), doubles.size());
  for (std::size_t i = 0; i < doubles.size(); ++i) {
    EXPECT_EQ(std::signbit(read_back[i]), std::signbit(doubles[i]));
    EXPECT_EQ(read_back[i], doubles[i]);
  }
  EXPECT_EQ(u8.read<std::uint8_t>(), bytes);
  EXPECT_EQ(i32.read<std::int32_t>(), int32s);
  EXPECT_EQ(i64.read<std::int64_t>(), int64s);
  EXPECT_EQ(u64.read<std::uint64_t>(), uint64s);

  // The C API sees the same values.
  std::vector<double> raw(4);
  ASSERT_GE(H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  EXPECT_EQ(raw[0], 1.5);
  EXPECT_EQ(raw[3], 1e-300);
}

TEST_F(H5Test, TextIsVariableLengthUtf8) {
  const h5::File file = h5::File::create(path_);
  const std::vector<std::string> texts{"rope", "", "café", "a much longer string than the rest"};
  const h5::Dataset dataset = file.create_dataset<std::string>("texts", {texts.size()});
  dataset.write(texts);
  EXPECT_EQ(dataset.read<std::string>(), texts);

  const hid_t type = H5Dget_type(dataset.id());
  EXPECT_EQ(H5Tget_class(type), H5T_STRING);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  H5Tclose(type);
}

TEST_F(H5Test, AttributesRoundTripAndAreReplaced) {
  const h5::File file = h5::File::create(path_);
  const h5::Group group = file.create_group("g");
  group.set_attribute("text", "first");
  group.set_attribute("text", std::string("second"));  // replaces
  group.set_attribute("number", 2.5);
  group.set_attribute("count", std::uint64_t{1} << 60);
  group.set_attribute("ranks", std::int32_t{-3});
  group.set_attribute("big", std::int64_t{-(std::int64_t{1} << 40)});
  group.set_attribute("flag", std::uint8_t{1});
  EXPECT_EQ(group.attribute<std::string>("text"), std::string("second"));
  EXPECT_EQ(group.attribute<double>("number"), 2.5);
  EXPECT_EQ(group.attribute<std::uint64_t>("count"), std::uint64_t{1} << 60);
  EXPECT_EQ(group.attribute<std::int32_t>("ranks"), -3);
  EXPECT_EQ(group.attribute<std::int64_t>("big"), -(std::int64_t{1} << 40));
  EXPECT_EQ(group.attribute<std::uint8_t>("flag"), 1);
  // Numbers convert as HDF5 converts them.
  EXPECT_EQ(group.attribute<double>("ranks"), -3.0);
  EXPECT_EQ(H5Aget_num_attrs(group.id()), 6);  // "text" once

  const hid_t attribute = H5Aopen(group.id(), "ranks", H5P_DEFAULT);
  const hid_t type = H5Aget_type(attribute);
  EXPECT_GT(H5Tequal(type, H5T_STD_I32LE), 0);
  H5Tclose(type);
  H5Aclose(attribute);
}

TEST_F(H5Test, AnAbsentAttributeIsNulloptAndAWrongOneAnError) {
  const h5::File file = h5::File::create(path_);
  EXPECT_FALSE(file.has_attribute("nothing"));
  EXPECT_EQ(file.attribute<std::string>("nothing"), std::nullopt);
  EXPECT_EQ(file.attribute<double>("nothing"), std::nullopt);
  file.set_attribute("number", 1.0);
  file.set_attribute("text", "x");
  EXPECT_EQ(failure_of([&] { file.attribute<std::string>("number"); }),
            path_ + ": attribute 'number' of '/' is not text");
  EXPECT_EQ(failure_of([&] { file.attribute<double>("text"); }),
            path_ + ": attribute 'text' of '/' is not a number");
}

TEST_F(H5Test, FixedLengthTextAttributesOfOtherProgramsAreRead) {
  const h5::File file = h5::File::create(path_);
  // As h5py stores numpy bytes: fixed length, padded with NULs, no terminator.
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, 11);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(file.id(), "format", type, space, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Awrite(attribute, type, "ropesweep/1"), 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
  EXPECT_EQ(file.attribute<std::string>("format"), std::string("ropesweep/1"));
}

TEST_F(H5Test, AFailedCallNamesFileObjectOperationAndCause) {
  h5::File file = h5::File::create(path_);
  const h5::Group group = file.create_group("group");
  const std::string message = failure_of([&] { group.dataset("missing"); });
  EXPECT_EQ(message.rfind(path_ + ": cannot open dataset '/group/missing': ", 0), 0u) << message;
  EXPECT_NE(message.find("doesn't exist"), std::string::npos) << message;  // HDF5's cause
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;

  const std::string twice = failure_of([&] { file.create_group("group"); });
  EXPECT_EQ(twice.rfind(path_ + ": cannot create group '/group': ", 0), 0u) << twice;
  EXPECT_NE(twice.find("already exists"), std::string::npos) << twice;

  const std::string missing = ::testing::TempDir() + "no_such_dir/none.h5";
  EXPECT_EQ(failure_of([&] {
              h5::File::open(missing, h5::Access::kRead);
            }).rfind(missing + ": cannot open as HDF5: ", 0),
            0u);
  // A temporary file's errors name the path the user knows.
  const std::string shown = failure_of([&] { h5::File::create(missing, "results.h5"); });
  EXPECT_EQ(shown.rfind("results.h5: cannot create the file: ", 0), 0u) << shown;
}

TEST_F(H5Test, HdfFivePrintsNothingOfItsOwn) {
  const h5::File file = h5::File::create(path_);
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(file.dataset("missing"), IoError);
  EXPECT_THROW(file.group("missing/deeper"), IoError);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(H5Test, WrongCountsAreRefusedBeforeHdfFiveSeesThem) {
  const h5::File file = h5::File::create(path_);
  const h5::Dataset dataset = file.create_dataset<double>("d", {2, 3});
  EXPECT_EQ(failure_of([&] { dataset.write(std::vector<double>(5)); }),
            path_ + ": '/d' has 6 elements; 5 values were given");
  EXPECT_EQ(failure_of([&] {
              dataset.write_points<double>({0, 0, 1}, {1.0});
            }),
            path_ + ": '/d' has 2 dimensions: 1 points need 2 coordinates, not 3");
  EXPECT_EQ(failure_of([&] {
              dataset.write_points<double>({0, 3}, {1.0});
            }),
            path_ + ": '/d' has no point with coordinate 3 in dimension 1 (of size 3)");
}

TEST_F(H5Test, PointSelectionsTouchOnlyTheirPoints) {
  const h5::File file = h5::File::create(path_);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const h5::Dataset dataset = file.create_chunked_dataset("d", {3, 4}, {2, 2}, nan);
  // Nothing allocated at creation: the file grows as chunks are written.
  H5D_space_status_t status;
  ASSERT_GE(H5Dget_space_status(dataset.id(), &status), 0);
  EXPECT_EQ(status, H5D_SPACE_STATUS_NOT_ALLOCATED);
  EXPECT_EQ(dataset.stored_bytes(), 0u);

  // Points (2, 1), (0, 3), (1, 0), out of order.
  dataset.write_points<double>({2, 1, 0, 3, 1, 0}, {21.0, 3.0, 10.0});
  std::vector<double> all(12);
  ASSERT_GE(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()), 0);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const double expected = i == 2 * 4 + 1 ? 21.0 : i == 3 ? 3.0 : i == 4 ? 10.0 : nan;
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(all[i])) << i;
    } else {
      EXPECT_EQ(all[i], expected) << i;
    }
  }
  EXPECT_EQ(dataset.read_points<double>({1, 0, 2, 1}), (std::vector<double>{10.0, 21.0}));
  EXPECT_TRUE(dataset.read_points<double>({}).empty());
  // Three of the four 2x2 chunks hold a point; the fourth (rows 2-3, columns 2-3)
  // has no space yet.
  EXPECT_EQ(dataset.stored_bytes(), 3u * 4u * sizeof(double));

  // A scalar's one point has no coordinates; it reads as the fill until written.
  const h5::Dataset scalar = file.create_chunked_dataset("scalar", {}, {}, std::uint8_t{7});
  EXPECT_EQ(scalar.read<std::uint8_t>(), std::vector<std::uint8_t>{7});
  scalar.write_points<std::uint8_t>({}, {1});
  EXPECT_EQ(scalar.read<std::uint8_t>(), std::vector<std::uint8_t>{1});
  EXPECT_EQ(scalar.read_points<std::uint8_t>({}), std::vector<std::uint8_t>{1});
}

TEST_F(H5Test, BlocksAreReadAndWrittenInCOrder) {
  const h5::File file = h5::File::create(path_);
  const h5::Dataset dataset = file.create_chunked_dataset("d", {3, 4}, {1, 4}, -1.0);
  dataset.write_block<double>({1, 1}, {2, 2}, {11.0, 12.0, 21.0, 22.0});
  EXPECT_EQ(dataset.read<double>(),
            (std::vector<double>{-1, -1, -1, -1, -1, 11, 12, -1, -1, 21, 22, -1}));
  EXPECT_EQ(dataset.read_block<double>({2, 0}, {1, 3}), (std::vector<double>{-1, 21, 22}));
  // Rows 1 and 2 are written, row 0 is not allocated.
  EXPECT_EQ(dataset.stored_bytes(), 2u * 4u * sizeof(double));
  EXPECT_EQ(failure_of([&] {
              dataset.read_block<double>({2, 0}, {2, 1});
            }),
            path_ + ": '/d' has no elements 2 to 4 in dimension 0 (of size 3)");
  EXPECT_EQ(failure_of([&] {
              dataset.write_block<double>({0, 0}, {1, 2}, {1.0});
            }),
            path_ + ": '/d' has 2 elements in the block; 1 values were given");
}

TEST_F(H5Test, DimensionScalesAreAttachedAndFound) {
  const h5::File file = h5::File::create(path_);
  const h5::Group group = file.create_group("g");
  const h5::Dataset base = group.create_dataset<double>("base", {2});
  const h5::Dataset length = group.create_dataset<double>("length", {3});
  const h5::Dataset partner = group.create_dataset<double>("partner", {3});
  const h5::Dataset metric = group.create_dataset<double>("metric", {2, 3});
  base.make_scale("base");
  length.make_scale("length");
  metric.attach_scale(base, 0);
  metric.attach_scale(length, 1);
  partner.attach_scale(length, 0);

  EXPECT_TRUE(base.is_scale());
  EXPECT_FALSE(partner.is_scale());
  EXPECT_GT(H5DSis_attached(metric.id(), base.id(), 0), 0);
  EXPECT_GT(H5DSis_attached(metric.id(), length.id(), 1), 0);
  char name[16] = "";
  ASSERT_GT(H5DSget_scale_name(length.id(), name, sizeof name), 0);
  EXPECT_STREQ(name, "length");

  EXPECT_EQ(metric.attached_scale(0), std::string("/g/base"));
  EXPECT_EQ(metric.attached_scale(1), std::string("/g/length"));
  EXPECT_EQ(partner.attached_scale(0), std::string("/g/length"));
  const h5::Dataset plain = group.create_dataset<double>("plain", {2});
  EXPECT_EQ(plain.attached_scale(0), std::nullopt);
  EXPECT_EQ(failure_of([&] {
              metric.attached_scale(2);
            }).rfind(path_ + ": cannot count the scales of dimension 2 of '/g/metric': ", 0),
            0u);
}

TEST_F(H5Test, GroupsListFindCopyAndRemoveTheirMembers) {
  const h5::File file = h5::File::create(path_);
  const h5::Group group = file.create_group("g");
  group.create_group("sub").create_dataset<double>("inner", {1});
  const h5::Dataset values = group.create_dataset<double>("b_values", {2});
  values.write(std::vector<double>{1, 2});
  values.set_attribute("units", "m");
  group.create_dataset<double>("a_values", {1});

  EXPECT_EQ(group.members(), (std::vector<std::string>{"a_values", "b_values", "sub"}));
  EXPECT_EQ(file.members(), std::vector<std::string>{"g"});
  EXPECT_EQ(group.kind("sub"), h5::ObjectKind::kGroup);
  EXPECT_EQ(group.kind("b_values"), h5::ObjectKind::kDataset);
  EXPECT_TRUE(file.exists("g/sub/inner"));
  EXPECT_TRUE(file.exists("/g/sub"));
  EXPECT_FALSE(file.exists("g/none/inner"));  // a missing link on the way
  EXPECT_FALSE(file.exists("g/b_values/x"));  // a dataset on the way
  EXPECT_EQ(file.group("g").group("sub").dataset("inner").path(), "/g/sub/inner");

  const h5::Group other = file.create_group("other");
  const h5::Dataset copy = other.copy_dataset("/g/b_values", "copy");
  EXPECT_EQ(copy.path(), "/other/copy");
  EXPECT_EQ(copy.read<double>(), (std::vector<double>{1, 2}));
  EXPECT_FALSE(copy.has_attribute("units"));

  group.remove("sub");
  EXPECT_FALSE(group.exists("sub"));
  EXPECT_EQ(group.members(), (std::vector<std::string>{"a_values", "b_values"}));
}

TEST_F(H5Test, FilesReopenForReadingAndWriting) {
  {
    h5::File file = h5::File::create(path_);
    file.set_attribute("stage", "created");
    file.close();
  }
  EXPECT_TRUE(h5::File::is_hdf5(path_));
  EXPECT_FALSE(h5::File::is_hdf5(path_ + ".missing"));
  {
    h5::File file = h5::File::open(path_, h5::Access::kReadWrite);
    file.set_attribute("stage", "reopened");
    file.close();
  }
  const h5::File file = h5::File::open(path_, h5::Access::kRead);
  EXPECT_EQ(file.attribute<std::string>("stage"), std::string("reopened"));
  EXPECT_EQ(file.path(), "/");
  EXPECT_EQ(file.file_path(), path_);
  EXPECT_NE(failure_of([&] { file.set_attribute("stage", "read-only"); }), "");
}

}  // namespace
}  // namespace ropesweep
