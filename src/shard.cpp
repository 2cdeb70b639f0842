#include "ropesweep/shard.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "ropesweep/error.hpp"
#include "ropesweep/h5.hpp"
#include "ropesweep/scheduler.hpp"

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

h5::Handle open_file(const std::string& path, unsigned flags) {
  h5::silence_library_errors();
  if (access(path.c_str(), R_OK) != 0) throw IoError(path, "cannot read the file");
  return h5::adopt(H5Fopen(path.c_str(), flags, H5P_DEFAULT), H5Fclose, path, "open");
}

std::uint64_t count_outside(const std::vector<std::vector<std::uint8_t>>& done,
                            const std::vector<std::vector<std::uint8_t>>& in_shard) {
  std::uint64_t outside = 0;
  for (std::size_t e = 0; e < done.size() && e < in_shard.size(); ++e) {
    for (std::size_t p = 0; p < done[e].size() && p < in_shard[e].size(); ++p) {
      if (done[e][p] && !in_shard[e][p]) ++outside;
    }
  }
  return outside;
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

Shard read_file_shard(const std::string& path) {
  h5::Handle file = open_file(path, H5F_ACC_RDONLY);
  Shard shard;
  const auto index = h5::read_number_attribute(file.get(), "shard_index", path);
  const auto count = h5::read_number_attribute(file.get(), "shard_count", path);
  if (index && count) {
    shard.index = std::uint64_t(*index);
    shard.count = std::uint64_t(*count);
  }
  file.close(path, "close");
  return shard;
}

void claim_shard_file(const std::string& path, const Shard& shard,
                      const std::vector<std::vector<std::uint8_t>>& done,
                      const std::vector<std::vector<std::uint8_t>>& in_shard) {
  const Shard held = read_file_shard(path);
  if (!held.whole()) {
    if (held == shard) return;
    if (shard.whole()) {
      throw IoError(path, "holds shard " + held.str() + " of the sweep; continue it with --shard " +
                              held.str() + ", or combine the shards with `ropesweep merge`");
    }
    throw IoError(path, "holds shard " + held.str() + ", not " + shard.str() +
                            "; each shard needs its own file");
  }
  if (shard.whole()) return;
  const std::uint64_t outside = count_outside(done, in_shard);
  if (outside > 0) {
    throw IoError(path, "holds " + std::to_string(outside) + " computed point" +
                            (outside == 1 ? "" : "s") + " outside shard " + shard.str() +
                            " (a whole run?); a shard needs its own file");
  }
  h5::Handle file = open_file(path, H5F_ACC_RDWR);
  h5::write_attribute(file.get(), "shard_index", shard.index, path);
  h5::write_attribute(file.get(), "shard_count", shard.count, path);
  file.close(path, "close");
}

}  // namespace ropesweep
