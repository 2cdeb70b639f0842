#pragma once
// `ropesweep merge`: the shard files of one sweep (see shard.hpp) combined into
// the file a single run would have written. Every metric dataset and `done` mask
// of the result is bitwise what one run writes; the provenance says where the
// numbers came from: `ranks` is the sum over the shards, `start_time` the
// earliest, `end_time` the latest, and `merged_shards` the shard count.
//
// Nothing is written unless every shard is present once, complete, and of the
// same sweep; the result is built next to OUT and moved into place at the end.
#include <cstdint>
#include <string>
#include <vector>

namespace ropesweep {

struct MergeSummary {
  std::uint64_t shards = 0;
  std::uint64_t points = 0;
};

// Serial.
MergeSummary merge_shards(const std::vector<std::string>& inputs, const std::string& output,
                          bool overwrite);

}  // namespace ropesweep
