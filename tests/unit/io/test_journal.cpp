// The write-ahead journal: records read back exactly, a record cut short by a
// kill is dropped, and the spec it was started with is kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

}  // namespace
}  // namespace ropesweep
