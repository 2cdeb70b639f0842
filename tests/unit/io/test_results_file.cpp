// The results file built and read serially: layout, done masks, spec checks, and
// rejection of files that are not ours. (Parallel writing is covered by the MPI
// integration tests in tests/cmake/engine.cmake.)
#include <gtest/gtest.h>
#include <hdf5.h>

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
  Provenance provenance{"spec.yaml", "testhost", "2026-01-01T00:00:00Z", "{}", 3, {}};
  create_output(path, sweep, provenance);

  {
    const h5::File file = h5::File::open(path, h5::Access::kRead);
    EXPECT_EQ(file.attribute<std::string>("format"), std::string("ropesweep/1"));
    EXPECT_EQ(file.attribute<std::string>("spec"), std::string(kSpec));
    EXPECT_EQ(file.attribute<std::string>("end_time"), std::string());
    EXPECT_EQ(file.attribute<std::int32_t>("ranks"), 3);
    EXPECT_EQ(file.attribute<std::uint64_t>("seed"), 11u);
    const h5::Group group = file.group("toy");
    EXPECT_EQ(group.attribute<std::string>("experiment"), std::string("toy"));
    EXPECT_EQ(group.attribute<double>("param_samples"), 10.0);

    const h5::Dataset mean = group.dataset("mean");
    const std::vector<double> values = mean.read<double>();
    ASSERT_EQ(values.size(), 12u);
    for (double v : values) EXPECT_TRUE(std::isnan(v));
    EXPECT_EQ(mean.attribute<std::string>("coordinates"), std::string("separation"));
    // Dimension scales in spec order; the zip partner is a coordinate, not a dimension.
    const char* expected_scales[] = {"base", "length", "encoding"};
    for (unsigned d = 0; d < 3; ++d) {
      EXPECT_TRUE(group.dataset(expected_scales[d]).is_scale());
      EXPECT_EQ(mean.attached_scale(d), "/toy/" + std::string(expected_scales[d]));
    }
    EXPECT_FALSE(group.dataset("separation").is_scale());
    EXPECT_EQ(group.dataset("separation").attached_scale(0), std::string("/toy/length"));
    for (const char* name : {"mean_se", "mean_n", "cosine", "done"}) {
      EXPECT_EQ(group.kind(name), h5::ObjectKind::kDataset) << name;
    }
    EXPECT_FALSE(group.exists("cosine_se"));  // exact metric: no companions
  }

  const auto masks = read_done_masks(path, sweep);
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0], std::vector<std::uint8_t>(12, 0));

  const OutputSummary summary = read_output_summary(path);
  EXPECT_EQ(summary.run.sweep_name, sweep.name);
  EXPECT_EQ(summary.run.spec_path, "spec.yaml");
  EXPECT_EQ(summary.run.host, "testhost");
  EXPECT_EQ(summary.run.seed, 11u);
  EXPECT_EQ(summary.run.ranks, 3);
  EXPECT_EQ(summary.run.end_time, "");
  ASSERT_EQ(summary.experiments.size(), 1u);
  const StoredExperiment& toy = summary.experiments[0];
  EXPECT_EQ(toy.name, "toy");
  EXPECT_EQ(toy.kind, "toy");
  EXPECT_EQ(toy.shape, (std::vector<std::uint64_t>{2, 3, 2}));
  EXPECT_EQ(toy.dimensions, (std::vector<std::string>{"base", "length", "encoding"}));
  EXPECT_EQ(toy.coordinates, "separation");
  EXPECT_EQ(toy.metrics, (std::vector<std::string>{"cosine", "mean"}));
  EXPECT_EQ(toy.points, 12u);
  EXPECT_EQ(toy.done, 0u);

  finish_output(path, "2026-01-01T01:00:00Z", 4);
  const RunRecord finished = read_run_record(path);
  EXPECT_EQ(finished.ranks, 4);
  EXPECT_EQ(finished.end_time, "2026-01-01T01:00:00Z");
  EXPECT_EQ(finished.start_time, "2026-01-01T00:00:00Z");
}

// Every file says how the program that wrote it was built and what the kernels ran on.
TEST(Output, RecordsTheBuildAndTheLibraries) {
  const std::string path = temp_path("provenance.h5");
  Provenance provenance;
  provenance.kernels = {"walks: AVX2", "3.4.0", "3.5.1"};
  create_output(path, sweep_of(kSpec), provenance);
  const h5::File file = h5::File::open(path, h5::Access::kRead);
  auto text = [&](const char* name) { return file.attribute<std::string>(name).value_or(""); };
  EXPECT_NE(text("compile_flags").find("-ffp-contract=off"), std::string::npos);
  EXPECT_NE(text("compile_flags").find("-fno-fast-math"), std::string::npos);
#if defined(__GNUC__) && !defined(__clang__)
  EXPECT_EQ(text("compiler"), std::string("GNU ") + __VERSION__);
#endif
  EXPECT_EQ(text("hdf5_version"), std::to_string(H5_VERS_MAJOR) + "." +
                                      std::to_string(H5_VERS_MINOR) + "." +
                                      std::to_string(H5_VERS_RELEASE));
  const std::string mpi = text("mpi_library");
  EXPECT_TRUE(mpi.rfind("Open MPI", 0) == 0 || mpi.rfind("MPICH", 0) == 0) << mpi;
  EXPECT_EQ(mpi.find('\n'), std::string::npos);
  const std::int32_t dirty = file.attribute<std::int32_t>("git_dirty").value_or(-1);
  EXPECT_TRUE(dirty == 0 || dirty == 1);
  EXPECT_FALSE(text("git_commit").empty());
  // The kernels' record survives a read, as a merge takes it from its shards.
  const RunRecord record = read_run_record(path);
  EXPECT_EQ(record.kernels.simd_path, "walks: AVX2");
  EXPECT_EQ(record.kernels.eigen_version, "3.4.0");
  EXPECT_EQ(record.kernels.sleef_version, "3.5.1");
}

TEST(Output, DoneMasksAndTheSummaryCountWhatIsMarkedDone) {
  const Sweep sweep = sweep_of(kSpec);
  const std::string path = temp_path("marked.h5");
  create_output(path, sweep, Provenance{});
  {
    h5::File file = h5::File::open(path, h5::Access::kReadWrite);
    // Points (0, 0, 0) and (1, 2, 1) of the (base, length, encoding) grid.
    file.dataset("toy/done").write_points<std::uint8_t>({0, 0, 0, 1, 2, 1}, {1, 1});
    file.close();
  }
  std::vector<std::uint8_t> expected(12, 0);
  expected[0] = expected[1 * 6 + 2 * 2 + 1] = 1;
  EXPECT_EQ(read_done_masks(path, sweep).at(0), expected);
  const OutputSummary summary = read_output_summary(path);
  ASSERT_EQ(summary.experiments.size(), 1u);
  EXPECT_EQ(summary.experiments[0].done, 2u);
  EXPECT_EQ(summary.experiments[0].points, 12u);
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
    read_output_summary(text_file);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), text_file + ": not a ropesweep results file (not HDF5)");
  }
  const std::string foreign = temp_path("foreign.h5");
  h5::File::create(foreign).close();
  try {
    read_output_summary(foreign);
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
    read_output_summary(cut);
    FAIL();
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(cut + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_THROW(read_output_summary(temp_path("missing.h5")), IoError);
}

}  // namespace
}  // namespace ropesweep
