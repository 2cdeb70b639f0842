#pragma once
// The file step of the base trade-off frontier: reads each experiment's inversion
// metrics from a results file and writes /frontier/<experiment>/ (layout:
// docs/analysis.md) with the pure functions of frontier.hpp. Serial: one process
// opens the file, after every rank has finished writing it.
#include <cstdint>
#include <string>
#include <vector>

namespace ropesweep {

struct FrontierSummary {
  std::string experiment;      // group name, e.g. "pairwise"
  std::string base_dimension;  // dimension carrying the base
  std::uint64_t slices = 0;    // slices over the non-base dimensions
  std::uint64_t optimal = 0;   // Pareto-optimal (slice, base) points
  std::uint64_t not_done = 0;  // points not computed (never optimal)
};

// Replaces any existing /frontier/ with one group per experiment that has both
// position_inversion and token_inversion and a swept base (as a dimension or as a
// zip coordinate). Returns what was written; empty when no experiment qualifies
// (then no /frontier/ is left in the file). Throws IoError for files that are
// not ours or cannot be written.
std::vector<FrontierSummary> write_frontier(const std::string& path);

}  // namespace ropesweep
