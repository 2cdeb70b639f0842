#pragma once
// Shards: a sweep cut into N deterministic slices so that N independent jobs (a
// job array) can compute it, each into its own file, and `ropesweep merge` can
// put the files back together into exactly what one run would have written.
//
// The slice depends on the spec and N alone (never on the machine, the rank count
// or a calibration). The cards dealt are the points of small experiments and the
// storage blocks (sweep/storage_blocks.hpp) of experiments with at least
// kBlocksPerShard blocks per shard, so that a shard file holds only its own blocks
// and is about 1/N of the whole file. Every card of every experiment, ordered by
// its work estimate (largest first, then by the global id of its first point), is
// dealt to the shards in turn. Shards therefore differ by at most one card in
// size, and shard 0 always holds the most estimated work (it is the one to plan
// for).
//
// A shard file is an ordinary results file with two more root attributes,
// `shard_index` and `shard_count`; its `done` mask is 1 exactly on its slice
// once complete.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/sweep/grid.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {

struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  bool whole() const { return count == 1; }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const Shard& other) const { return index == other.index && count == other.count; }
};

// "K/N" with 0 <= K < N; throws UsageError naming the problem otherwise.
Shard parse_shard(const std::string& text);

// Experiments of at least this many storage blocks per shard are dealt by blocks:
// the slices' work then differs by at most one block, an eighth of a slice.
inline constexpr std::uint64_t kBlocksPerShard = 8;

// Whether `count` shards take `grid` block by block.
bool deals_blocks(const ExperimentGrid& grid, std::uint64_t count);

// Which shard holds each point, for every experiment: one entry per block (when
// dealt by blocks) or per point.
struct ShardDealing {
  struct ExperimentDealing {
    bool by_blocks = false;
    BlockLayout layout;
    std::vector<std::uint64_t> owner;
    bool holds(std::uint64_t point, std::uint64_t shard) const;
  };
  std::uint64_t count = 1;
  std::vector<ExperimentDealing> experiments;
};
ShardDealing deal_shards(const Sweep& sweep, std::uint64_t count);

// For each experiment of the sweep, 1 on the points that belong to `shard`.
std::vector<std::vector<std::uint8_t>> shard_masks(const Sweep& sweep, const Shard& shard);

// `done` with every point outside the shard (0 in `in_shard`) set too, so that a
// run skips them; `done` may be empty (nothing done yet).
std::vector<std::vector<std::uint8_t>> done_or_outside(
    const std::vector<std::vector<std::uint8_t>>& in_shard,
    const std::vector<std::vector<std::uint8_t>>& done);

}  // namespace ropesweep
