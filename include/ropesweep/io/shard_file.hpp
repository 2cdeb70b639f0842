#pragma once
// The shard attributes of a results file (`shard_index`, `shard_count`): which
// slice of the sweep (sweep/shard.hpp) a file holds, and the claim a run makes
// on a file before it computes into it.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/sweep/shard.hpp"

namespace ropesweep {

// The shard a results file holds (0/1 when it has no shard attributes).
Shard read_file_shard(const std::string& path);

// The root attribute of shard files dealt in storage blocks: the block size.
inline constexpr const char* kShardBlockPoints = "shard_block_points";

// Serial. IoError when the file at `path`, holding shard `held` of `sweep`, was
// dealt otherwise than this version deals it (point by point where it now deals
// storage blocks): its slice is not the slice the run or merge would expect.
void check_shard_dealing(const std::string& path, const Sweep& sweep, const Shard& held);

// Serial. Makes sure the file at `path` is the file of `shard`: stamps the shard
// attributes on a file that has none and holds no point outside the shard, and
// throws IoError when the file belongs to another shard or to a whole run, or
// was dealt otherwise (check_shard_dealing).
void claim_shard_file(const std::string& path, const Sweep& sweep, const Shard& shard,
                      const std::vector<std::vector<std::uint8_t>>& done,
                      const std::vector<std::vector<std::uint8_t>>& in_shard);

}  // namespace ropesweep
