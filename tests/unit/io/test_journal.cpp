// The write-ahead journal: records read back exactly, a record cut short by a
// kill is dropped, and the spec it was started with is kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <cmath>
#include <fstream>

#include "ropesweep/core/error.hpp"
#include "ropesweep/io/journal.hpp"

namespace ropesweep {
namespace {

TEST(Journal, RecordsRoundTripAndTornTailIsDropped) {
  const std::string output = ::testing::TempDir() + "/journal_test.h5";
  start_journal(output, "seed: 1\n");
  EXPECT_EQ(journal_spec(output), "seed: 1\n");
  {
    JournalWriter writer(output);
    // Two points of an experiment with two metrics, values laid out point-major.
    const std::vector<MetricValue> values = {
        {0.25, 0.01, 100}, {1.5, 0, 1}, {0.75, 0.02, 200}, {-2.5, 0, 1}};
    writer.append(3, {7, 11}, values, 2);
    writer.append(0, {}, {}, 2);  // nothing to write: no record
  }
  std::vector<JournalRecord> records = read_journal(output);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].experiment, 3u);
  EXPECT_EQ(records[0].point, 7u);
  ASSERT_EQ(records[0].values.size(), 2u);
  EXPECT_EQ(records[0].values[0].value, 0.25);
  EXPECT_EQ(records[0].values[0].se, 0.01);
  EXPECT_EQ(records[0].values[0].n, 100);
  EXPECT_EQ(records[1].point, 11u);
  EXPECT_EQ(records[1].values[1].value, -2.5);

  // A kill in the middle of a write leaves a partial record at the end of a part file.
  std::filesystem::path part;
  for (const auto& entry : std::filesystem::directory_iterator(journal_directory(output))) {
    if (entry.path().extension() == ".bin") part = entry.path();
  }
  ASSERT_FALSE(part.empty());
  const auto size = std::filesystem::file_size(part);
  std::filesystem::resize_file(part, size - 5);
  records = read_journal(output);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].point, 7u);

  remove_journal(output);
  EXPECT_FALSE(std::filesystem::exists(journal_directory(output)));
  EXPECT_EQ(journal_spec(output), "");
  EXPECT_TRUE(read_journal(output).empty());
}

TEST(Journal, BatchRecordsRoundTripBesidePointRecords) {
  const std::string output = ::testing::TempDir() + "/journal_batches.h5";
  start_journal(output, "seed: 2\n");
  {
    JournalWriter writer(output);
    writer.append(1, {4}, {{0.5, 0.1, 10}}, 1);
    // Three batches of three numbers each, of two points.
    writer.append_batches(2, {9, 9, 12}, {5, 0, 70000}, {1, 2, 3, 4, 5, 6, -0.0, 1e-300, 7});
    writer.append(1, {6}, {{0.25, 0.1, 10}}, 1);
    EXPECT_THROW(writer.append_batches(2, {9}, {-1}, {1.0}), IoError);
  }
  const std::vector<JournalRecord> points = read_journal(output);
  ASSERT_EQ(points.size(), 2u);  // a batch is not a point
  EXPECT_EQ(points[1].point, 6u);
  std::vector<JournalBatch> batches = read_journal_batches(output);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].experiment, 2u);
  EXPECT_EQ(batches[0].point, 9u);
  EXPECT_EQ(batches[0].batch, 5);
  EXPECT_EQ(batches[0].numbers, (BatchMoments{1, 2, 3}));
  EXPECT_EQ(batches[1].batch, 0);
  EXPECT_EQ(batches[2].point, 12u);
  EXPECT_EQ(batches[2].batch, 70000);
  EXPECT_EQ(batches[2].numbers, (BatchMoments{-0.0, 1e-300, 7}));
  EXPECT_TRUE(std::signbit(batches[2].numbers[0]));

  // A batch cut short by a kill is dropped.
  {
    JournalWriter writer(output);
    writer.append_batches(2, {13}, {1}, {8, 9, 10});
  }
  std::filesystem::path last;
  for (const auto& entry : std::filesystem::directory_iterator(journal_directory(output))) {
    if (entry.path().extension() == ".bin") last = entry.path();
  }
  batches = read_journal_batches(output);
  EXPECT_EQ(batches.size(), 4u);
  std::filesystem::resize_file(last, std::filesystem::file_size(last) - 8);
  batches = read_journal_batches(output);
  EXPECT_EQ(batches.size(), 3u);
  remove_journal(output);
}

}  // namespace
}  // namespace ropesweep
