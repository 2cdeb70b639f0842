#include "ropesweep/engine/wall_time.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "ropesweep/core/error.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class Action>
double timed(Action&& action) {
  const Clock::time_point start = Clock::now();
  action();
  return since(start);
}

// A directory of its own for the temporary file, removed with everything in it.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& parent) {
    std::string pattern = (std::filesystem::path(parent) / ".ropesweep-plan-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      throw IoError(parent,
                    std::string("cannot create a temporary directory to time the writes (") +
                        std::strerror(errno) + ")");
    }
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Points written per write when timing one: a full flush of a rank.
constexpr std::uint64_t kTimedPoints = 1000;

}  // namespace

IoCosts measure_io_costs(const Sweep& sweep, const std::string& directory, bool whole) {
  const ScratchDirectory scratch(directory);
  const std::string path = scratch.path() + "/plan.h5";
  IoCosts costs;
  Provenance provenance;
  provenance.spec_path = sweep.path;
  costs.create_seconds = timed([&] {
    create_output(path, sweep, provenance);
    start_journal(path, sweep.text);
  });
  {
    ResultWriter writer(path, sweep);
    JournalWriter journal(path);
    for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
      const ExperimentGrid& grid = sweep.experiments[e];
      const std::size_t metrics = grid.experiment->metrics().size();
      // The last block: the first write into a block allocates its chunks.
      const BlockLayout layout(grid.shape());
      const std::uint64_t first = layout.first_point(layout.block_count() - 1);
      const std::uint64_t room = grid.point_count() - first;
      const std::uint64_t many = std::min<std::uint64_t>(kTimedPoints, room > 1 ? room - 1 : 0);
      auto write = [&](std::uint64_t from, std::uint64_t count) {
        std::vector<std::uint64_t> points(count);
        for (std::uint64_t i = 0; i < count; ++i) points[i] = from + i;
        const std::vector<MetricValue> values(count * metrics, Estimate::exact(0.5));
        return timed([&] { writer.write(e, points, values); });
      };
      const double opening = write(first, 1);
      double call = opening;
      if (room > 1) call = write(first + room - 1, 1);
      const double per_point = many > 1 ? std::max(0.0, write(first + 1, many) - call) / many : 0;
      costs.write_call_seconds.push_back(call);
      costs.write_point_seconds.push_back(per_point + std::max(0.0, opening - call) /
                                                          double(std::min(kBlockPoints, room)));
      std::vector<std::uint64_t> points(std::max<std::uint64_t>(many, 1), first);
      const std::vector<MetricValue> values(points.size() * metrics, Estimate::exact(0.5));
      const double one = timed([&] {
        journal.append(std::uint32_t(e), {first},
                       {values.begin(), values.begin() + std::ptrdiff_t(metrics)}, metrics);
      });
      const double all = timed([&] { journal.append(std::uint32_t(e), points, values, metrics); });
      costs.journal_call_seconds = std::max(costs.journal_call_seconds, one);
      costs.journal_point_seconds =
          std::max(costs.journal_point_seconds, std::max(0.0, all - one) / double(points.size()));
    }
    writer.close();
  }
  costs.finish_measured = !whole || sweep.point_count() <= kFinishMeasuredPoints;
  costs.finish_seconds = timed([&] {
    finish_output(path, "1970-01-01T00:00:00Z", 1);
    remove_journal(path);
    if (whole && costs.finish_measured) run_finishing_steps(path);
  });
  return costs;
}

double predicted_write_seconds(const WorkList& work, const IoCosts& costs, int ranks,
                               double makespan, FlushPolicy flush) {
  const std::vector<WorkList::Totals>& totals = work.totals();
  const std::size_t experiments = totals.size();
  const double n = ranks;
  double total = 0;
  for (std::size_t e = 0; e < experiments; ++e) {
    const double tasks = double(totals[e].tasks), points = double(totals[e].points);
    if (tasks == 0) continue;
    // Flushes of each rank that hold this experiment's tasks: by count, by time, and
    // the last one; never more than the tasks.
    const double per_rank = tasks / n;
    const double by_time = std::min(totals[e].seconds / n, makespan) / flush.seconds;
    const double flushes =
        std::min(per_rank, std::ceil(per_rank / double(flush.points)) + std::floor(by_time));
    const double calls = n * std::max(1.0, flushes);
    total += calls * costs.write_call_seconds[e] + points * costs.write_point_seconds[e];
    // Rank 0's own journal appends; the others journal at the same time on their ranks.
    total += calls / n * costs.journal_call_seconds + per_rank * costs.journal_point_seconds;
  }
  return total;
}

}  // namespace ropesweep
