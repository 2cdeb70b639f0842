// The results file built and read serially: layout, done masks, spec checks, and
// rejection of files that are not ours. (Parallel writing is covered by the MPI
// integration tests in tests/cmake/engine.cmake.)
#include <gtest/gtest.h>
#include <hdf5_hl.h>

#include <cmath>
#include <fstream>

#include "ropesweep/io/results_file.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "toy_experiment.hpp"

namespace ropesweep {
namespace {

const char* const kSpec = R"(seed: 11
experiments:
  toy:
    samples: 10
    axes:
      base: [100, 1000]
      zip:
        length: [16, 32, 64]
        separation: [0.5, 0.25, 0.125]
      encoding: [rope, nope]
)";

Sweep sweep_of(const std::string& text) {
  const SpecResult result = parse_sweep(text, "spec.yaml");
  EXPECT_TRUE(result.ok());
  return result.sweep;
}

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(Output, SkeletonHasTheAgreedLayout) {
  const Sweep sweep = sweep_of(kSpec);
  const std::string path = temp_path("skeleton.h5");
  Provenance provenance{"spec.yaml", "testhost", "2026-01-01T00:00:00Z", "{}", 3};
  create_output(path, sweep, provenance);

  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(h5::read_string_attribute(file, "format", path), std::string("ropesweep/1"));
  EXPECT_EQ(h5::read_string_attribute(file, "spec", path), std::string(kSpec));
  EXPECT_EQ(h5::read_string_attribute(file, "end_time", path), std::string());
  EXPECT_EQ(h5::read_number_attribute(file, "ranks", path), 3.0);
  EXPECT_EQ(h5::read_number_attribute(file, "seed", path), 11.0);
  hid_t group = H5Gopen2(file, "toy", H5P_DEFAULT);
  ASSERT_GE(group, 0);
  EXPECT_EQ(h5::read_string_attribute(group, "experiment", path), std::string("toy"));
  EXPECT_EQ(h5::read_number_attribute(group, "param_samples", path), 10.0);

  hid_t mean = H5Dopen2(group, "mean", H5P_DEFAULT);
  ASSERT_GE(mean, 0);
  std::vector<double> values(12, 0.0);
  ASSERT_GE(H5Dread(mean, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  for (double v : values) EXPECT_TRUE(std::isnan(v));
  EXPECT_EQ(h5::read_string_attribute(mean, "coordinates", path), std::string("separation"));
  // Dimension scales in spec order; the zip partner is a coordinate, not a dimension.
  const char* expected_scales[] = {"base", "length", "encoding"};
  for (unsigned d = 0; d < 3; ++d) {
    hid_t scale = H5Dopen2(group, expected_scales[d], H5P_DEFAULT);
    EXPECT_EQ(H5DSis_scale(scale), 1);
    EXPECT_EQ(H5DSis_attached(mean, scale, d), 1) << expected_scales[d];
    H5Dclose(scale);
  }
  hid_t separation = H5Dopen2(group, "separation", H5P_DEFAULT);
  EXPECT_EQ(H5DSis_scale(separation), 0);
  H5Dclose(separation);
  for (const char* name : {"mean_se", "mean_n", "cosine", "done"}) {
    hid_t dataset = H5Dopen2(group, name, H5P_DEFAULT);
    EXPECT_GE(dataset, 0) << name;
    H5Dclose(dataset);
  }
  hid_t cosine_se = H5Dopen2(group, "cosine_se", H5P_DEFAULT);  // exact metric: no companions
  EXPECT_LT(cosine_se, 0);
  H5Eclear2(H5E_DEFAULT);
  H5Dclose(mean);
  H5Gclose(group);
  H5Fclose(file);

  const auto masks = read_done_masks(path, sweep);
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0], std::vector<std::uint8_t>(12, 0));
  const std::string summary = describe_output(path);
  EXPECT_NE(summary.find("/toy (toy): 0/12 points done (0.0%)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("base[2] x length[3] x encoding[2]"), std::string::npos) << summary;
  EXPECT_NE(summary.find("not finished"), std::string::npos);
  finish_output(path, "2026-01-01T01:00:00Z", 4);
  EXPECT_NE(describe_output(path).find("4 ranks on testhost"), std::string::npos);
  EXPECT_NE(describe_output(path).find("finished 2026-01-01T01:00:00Z"), std::string::npos);
}

TEST(Output, ResumeRefusesADifferentSweep) {
  const std::string path = temp_path("different.h5");
  create_output(path, sweep_of(kSpec), Provenance{});
  // Comments and layout do not matter...
  EXPECT_NO_THROW(read_done_masks(path, sweep_of(std::string("# same sweep\n") + kSpec)));
  // ...values do.
  std::string changed = kSpec;
  changed.replace(changed.find("[100, 1000]"), 11, "[100, 2000]");
  try {
    read_done_masks(path, sweep_of(changed));
    FAIL() << "a different sweep was accepted";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              path +
                  ": was written for a different sweep (file has ' dimension base=[100,1000]', "
                  "spec has ' dimension base=[100,2000]'); resume needs the same spec, or use "
                  "--overwrite");
  }
}

TEST(Output, ForeignAndCorruptFilesAreRejectedInOneLine) {
  const std::string text_file = temp_path("notes.h5");
  std::ofstream(text_file) << "not hdf5 at all\n";
  try {
    describe_output(text_file);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), text_file + ": not a ropesweep results file (not HDF5)");
  }
  const std::string foreign = temp_path("foreign.h5");
  hid_t file = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(file);
  try {
    describe_output(foreign);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              foreign + ": not a ropesweep results file (no 'format' attribute)");
  }
  // A results file cut short: HDF5's own cause ends up in the single line.
  const std::string whole = temp_path("whole.h5"), cut = temp_path("cut.h5");
  create_output(whole, sweep_of(kSpec), Provenance{});
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  try {
    describe_output(cut);
    FAIL();
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(cut + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_THROW(describe_output(temp_path("missing.h5")), IoError);
}

}  // namespace
}  // namespace ropesweep
