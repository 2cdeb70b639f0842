#include "ropesweep/sweep/shard.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

std::uint64_t parse_count(const std::string& text, const std::string& whole) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--shard " + whole + ": expected K/N with whole numbers, e.g. 0/8");
  }
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) throw UsageError("--shard " + whole + ": number too large");
  return value;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw UsageError("--shard " + text +
                     ": expected K/N (shard K of N, counting from 0), e.g. 0/8");
  }
  Shard shard;
  shard.index = parse_count(text.substr(0, slash), text);
  shard.count = parse_count(text.substr(slash + 1), text);
  if (shard.count == 0) throw UsageError("--shard " + text + ": N must be at least 1");
  if (shard.index >= shard.count) {
    throw UsageError("--shard " + text + ": K must be below N (shards are numbered 0 to " +
                     std::to_string(shard.count - 1) + ")");
  }
  return shard;
}

bool ShardDealing::ExperimentDealing::holds(std::uint64_t point, std::uint64_t shard) const {
  return owner[by_blocks ? layout.block_of(point) : point] == shard;
}

bool deals_blocks(const ExperimentGrid& grid, std::uint64_t count) {
  return count > 1 && BlockLayout(grid.shape()).block_count() >= kBlocksPerShard * count;
}

ShardDealing deal_shards(const Sweep& sweep, std::uint64_t count) {
  ShardDealing dealing;
  dealing.count = count;
  const std::vector<std::uint64_t> offsets = experiment_offsets(sweep);
  struct Unit {
    double work = 0;
    std::uint64_t first = 0;  // global id of its first point
    std::size_t experiment = 0;
    std::uint64_t index = 0;  // block or point within the experiment
  };
  std::vector<Unit> units;
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ExperimentGrid& grid = sweep.experiments[e];
    ShardDealing::ExperimentDealing experiment{
        deals_blocks(grid, count), BlockLayout(grid.shape()), {}};
    const std::uint64_t unit_count =
        experiment.by_blocks ? experiment.layout.block_count() : grid.point_count();
    experiment.owner.assign(unit_count, 0);
    const std::size_t first_unit = units.size();
    for (std::uint64_t u = 0; u < unit_count; ++u) {
      const std::uint64_t first = experiment.by_blocks ? experiment.layout.first_point(u) : u;
      units.push_back({0.0, offsets[e] + first, e, u});
    }
    for (std::uint64_t p = 0; p < grid.point_count(); ++p) {
      const std::uint64_t u = experiment.by_blocks ? experiment.layout.block_of(p) : p;
      units[first_unit + u].work += grid.experiment->work(grid.point(p));
    }
    dealing.experiments.push_back(std::move(experiment));
  }
  // Largest first, ties by id: a total order, so every process deals the same hand.
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    return a.work != b.work ? a.work > b.work : a.first < b.first;
  });
  for (std::size_t rank = 0; rank < units.size(); ++rank) {
    dealing.experiments[units[rank].experiment].owner[units[rank].index] = rank % count;
  }
  return dealing;
}

std::vector<std::vector<std::uint8_t>> shard_masks(const Sweep& sweep, const Shard& shard) {
  std::vector<std::vector<std::uint8_t>> masks;
  if (shard.whole()) {
    for (const ExperimentGrid& grid : sweep.experiments) masks.emplace_back(grid.point_count(), 1);
    return masks;
  }
  const ShardDealing dealing = deal_shards(sweep, shard.count);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    std::vector<std::uint8_t> mask(sweep.experiments[e].point_count());
    for (std::uint64_t p = 0; p < mask.size(); ++p) {
      mask[p] = dealing.experiments[e].holds(p, shard.index) ? 1 : 0;
    }
    masks.push_back(std::move(mask));
  }
  return masks;
}

std::vector<std::vector<std::uint8_t>> done_or_outside(
    const std::vector<std::vector<std::uint8_t>>& in_shard,
    const std::vector<std::vector<std::uint8_t>>& done) {
  std::vector<std::vector<std::uint8_t>> skip = in_shard;
  for (std::size_t e = 0; e < skip.size(); ++e) {
    for (std::size_t p = 0; p < skip[e].size(); ++p) {
      const bool already = !done.empty() && done[e][p];
      skip[e][p] = (!in_shard[e][p] || already) ? 1 : 0;
    }
  }
  return skip;
}

}  // namespace ropesweep
