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

std::vector<std::vector<std::uint8_t>> shard_masks(const Sweep& sweep, const Shard& shard) {
  std::vector<std::vector<std::uint8_t>> masks;
  for (const ExperimentGrid& grid : sweep.experiments) {
    masks.emplace_back(grid.point_count(), shard.whole() ? 1 : 0);
  }
  if (shard.whole()) return masks;

  const std::vector<std::uint64_t> offsets = experiment_offsets(sweep);
  std::vector<std::pair<double, std::uint64_t>> points;  // (work, global id)
  points.reserve(offsets.back());
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ExperimentGrid& grid = sweep.experiments[e];
    for (std::uint64_t p = 0; p < grid.point_count(); ++p) {
      points.emplace_back(grid.experiment->work(grid.point(p)), offsets[e] + p);
    }
  }
  // Largest first, ties by id: a total order, so every process deals the same hand.
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t rank = shard.index; rank < points.size(); rank += shard.count) {
    const std::uint64_t id = points[rank].second;
    const std::size_t e =
        std::size_t(std::upper_bound(offsets.begin(), offsets.end(), id) - offsets.begin()) - 1;
    masks[e][id - offsets[e]] = 1;
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
