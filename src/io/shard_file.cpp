#include "ropesweep/io/shard_file.hpp"

#include "ropesweep/core/error.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {
namespace {

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

Shard read_file_shard(const std::string& path) {
  const h5::File file = open_output(path, h5::Access::kRead);
  const auto index = file.attribute<std::uint64_t>("shard_index");
  const auto count = file.attribute<std::uint64_t>("shard_count");
  if (index && count) return Shard{*index, *count};
  return Shard{};
}

void check_shard_dealing(const std::string& path, const Sweep& sweep, const Shard& held) {
  if (held.whole()) return;
  bool by_blocks = false;
  for (const ExperimentGrid& grid : sweep.experiments) by_blocks |= deals_blocks(grid, held.count);
  if (!by_blocks) return;  // dealt point by point, as every version did
  const h5::File file = open_output(path, h5::Access::kRead);
  if (file.attribute<std::uint64_t>(kShardBlockPoints) != kBlockPoints) {
    throw IoError(path, "holds shard " + held.str() +
                            " dealt point by point (an earlier ropesweep); this sweep's shards "
                            "are now dealt in storage blocks: finish and merge them with the "
                            "version that began them, or run the shards again");
  }
}

void claim_shard_file(const std::string& path, const Sweep& sweep, const Shard& shard,
                      const std::vector<std::vector<std::uint8_t>>& done,
                      const std::vector<std::vector<std::uint8_t>>& in_shard) {
  const Shard held = read_file_shard(path);
  if (!held.whole()) {
    check_shard_dealing(path, sweep, held);
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
  h5::File file = open_output(path, h5::Access::kReadWrite);
  file.set_attribute("shard_index", shard.index);
  file.set_attribute("shard_count", shard.count);
  file.set_attribute(kShardBlockPoints, kBlockPoints);
  file.close();
}

}  // namespace ropesweep
