#include "ropesweep/io/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

namespace fs = std::filesystem;

// Every field of a metric's Estimate, in declaration order.
constexpr std::size_t kNumbers = 4;
constexpr std::uint32_t kRecordMagic = 0x52535732;  // "RSW2": value, se, n, upper per metric
constexpr std::uint32_t kBatchMagic = 0x52534231;   // "RSB1": one batch's numbers
// Bounds a header's count before anything is allocated for it (a damaged record).
constexpr std::uint32_t kMaxNumbers = 1u << 20;
constexpr const char* kSpecFile = "spec.yaml";

struct RecordHeader {
  std::uint32_t magic;
  std::uint32_t experiment;
  std::uint64_t point;
  std::uint32_t metrics;
  std::uint32_t reserved;
};
static_assert(sizeof(RecordHeader) == 24, "journal header layout");

std::string host_name() {
  char name[256] = "";
  gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

std::string journal_directory(const std::string& output_path) { return output_path + ".journal"; }

void start_journal(const std::string& output_path, const std::string& spec_text) {
  const fs::path directory = journal_directory(output_path);
  std::error_code error;
  fs::remove_all(directory, error);
  fs::create_directories(directory, error);
  if (error) throw IoError(directory.string(), "cannot create the journal: " + error.message());
  std::ofstream spec(directory / kSpecFile, std::ios::binary);
  spec << spec_text;
  if (!spec.flush()) throw IoError(directory.string(), "cannot write the journal's spec");
}

std::string journal_spec(const std::string& output_path) {
  std::ifstream in(fs::path(journal_directory(output_path)) / kSpecFile, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

// Calls `visit(header, numbers)` for every complete record of every part file.
template <typename Visit>
void visit_journal(const std::string& output_path, Visit&& visit) {
  const fs::path directory = journal_directory(output_path);
  std::error_code error;
  std::vector<double> numbers;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.path().extension() != ".bin") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    for (;;) {
      RecordHeader header;
      if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) break;
      std::size_t count = 0;
      if (header.magic == kRecordMagic && header.metrics <= 4096) {
        count = kNumbers * std::size_t(header.metrics);
      } else if (header.magic == kBatchMagic && header.metrics <= kMaxNumbers) {
        count = header.metrics;
      } else {
        break;
      }
      numbers.resize(count);
      if (!in.read(reinterpret_cast<char*>(numbers.data()),
                   std::streamsize(numbers.size() * sizeof(double)))) {
        break;  // cut short by a kill: the points are recomputed
      }
      visit(header, numbers);
    }
  }
}

}  // namespace

std::vector<JournalRecord> read_journal(const std::string& output_path) {
  std::vector<JournalRecord> records;
  visit_journal(output_path, [&](const RecordHeader& header, const std::vector<double>& numbers) {
    if (header.magic != kRecordMagic) return;
    JournalRecord record{header.experiment, header.point, {}};
    for (std::size_t m = 0; m < header.metrics; ++m) {
      const double* v = numbers.data() + kNumbers * m;
      record.values.push_back({v[0], v[1], v[2], v[3]});
    }
    records.push_back(std::move(record));
  });
  return records;
}

std::vector<JournalBatch> read_journal_batches(const std::string& output_path) {
  std::vector<JournalBatch> batches;
  visit_journal(output_path, [&](const RecordHeader& header, const std::vector<double>& numbers) {
    if (header.magic != kBatchMagic) return;
    batches.push_back({header.experiment, header.point, header.reserved, numbers});
  });
  return batches;
}

void remove_journal(const std::string& output_path) {
  std::error_code error;
  fs::remove_all(journal_directory(output_path), error);
}

JournalWriter::JournalWriter(std::string output_path) : output_path_(std::move(output_path)) {}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(std::uint32_t experiment, const std::vector<std::uint64_t>& points,
                           const std::vector<MetricValue>& values, std::size_t metrics) {
  if (points.empty()) return;
  std::string buffer;
  buffer.reserve(points.size() * (sizeof(RecordHeader) + metrics * kNumbers * sizeof(double)));
  for (std::size_t i = 0; i < points.size(); ++i) {
    const RecordHeader header{kRecordMagic, experiment, points[i], std::uint32_t(metrics), 0};
    buffer.append(reinterpret_cast<const char*>(&header), sizeof header);
    for (std::size_t m = 0; m < metrics; ++m) {
      const MetricValue& v = values[i * metrics + m];
      const double numbers[kNumbers] = {v.value, v.se, v.n, v.upper};
      buffer.append(reinterpret_cast<const char*>(numbers), sizeof numbers);
    }
  }
  write_all(buffer);
}

void JournalWriter::append_batches(std::uint32_t experiment,
                                   const std::vector<std::uint64_t>& points,
                                   const std::vector<std::int64_t>& batches,
                                   const std::vector<double>& numbers) {
  if (points.empty()) return;
  const std::size_t per_batch = numbers.size() / points.size();
  std::string buffer;
  buffer.reserve(points.size() * sizeof(RecordHeader) + numbers.size() * sizeof(double));
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (batches[i] < 0 || batches[i] > 0xffffffffll || per_batch > kMaxNumbers) {
      throw IoError(output_path_, "batch " + std::to_string(batches[i]) + " of point " +
                                      std::to_string(points[i]) + " does not fit the journal");
    }
    const RecordHeader header{kBatchMagic, experiment, points[i], std::uint32_t(per_batch),
                              std::uint32_t(batches[i])};
    buffer.append(reinterpret_cast<const char*>(&header), sizeof header);
    buffer.append(reinterpret_cast<const char*>(numbers.data() + i * per_batch),
                  per_batch * sizeof(double));
  }
  write_all(buffer);
}

void JournalWriter::write_all(const std::string& buffer) {
  if (fd_ < 0) {
    part_path_ = journal_directory(output_path_) + "/" + host_name() + "-" +
                 std::to_string(getpid()) + ".bin";
    fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw IoError(part_path_, std::string("cannot open the journal: ") + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < buffer.size()) {
    const ssize_t n = ::write(fd_, buffer.data() + written, buffer.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw IoError(part_path_,
                    std::string("cannot append to the journal: ") + std::strerror(errno));
    written += std::size_t(n);
  }
}

}  // namespace ropesweep
