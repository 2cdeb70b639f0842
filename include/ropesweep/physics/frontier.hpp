#pragma once
// The base trade-off frontier of docs/science.md: for every slice of an experiment over
// its non-base axes, the bases that no other base beats on both position
// discrimination (1 - position_inversion) and token discrimination
// (1 - token_inversion), the bases that no other base beats on both beyond noise
// (the statistical frontier), and the base that maximises each one alone.
//
// Pure functions of in-memory arrays; the file step (reading the metrics and
// writing /frontier/<experiment>/) lives in frontier_file.hpp.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ropesweep {

// 1 for each entry that no other entry dominates (at least as good on both, strictly
// better on one; larger is better). Equal points do not dominate each other, so ties
// are all kept. Entries with a NaN in either objective (points not computed) are
// never optimal and dominate nothing. Throws Error when the sizes differ.
std::vector<std::uint8_t> pareto_mask(const std::vector<double>& position_discrimination,
                                      const std::vector<double>& token_discrimination);

// 1 for each entry that no other entry clearly beats (docs/science.md,
// "Statistical frontier"): better on both objectives, each by more than twice the
// combined standard error sqrt(se_i^2 + se_j^2) of that objective. Contains the
// Pareto mask; NaN entries are never kept and beat nothing. Throws Error when the
// sizes differ.
std::vector<std::uint8_t> statistical_mask(const std::vector<double>& position_discrimination,
                                           const std::vector<double>& token_discrimination,
                                           const std::vector<double>& position_se,
                                           const std::vector<double>& token_se);

struct Frontier {
  // Same shape as the metrics (row-major over every dimension).
  std::vector<std::uint8_t> pareto_optimal;
  // Same shape: statistical_mask per slice (empty when no standard errors were given).
  std::vector<std::uint8_t> statistically_optimal;
  // Row-major over the dimensions without the base dimension. The first base along
  // the axis reaching the maximum; NaN when the slice has no computed point.
  std::vector<double> best_position_base;
  std::vector<double> best_token_base;
  std::vector<std::uint64_t> reduced_shape;  // shape without the base dimension
};

// position_inversion and token_inversion are row-major arrays of `shape`; the
// dimension `base_dimension` carries the values `bases`. Their standard errors,
// of the same shape, give the statistical frontier too (optional: both empty
// for none). Throws Error on inconsistent sizes.
Frontier compute_frontier(const std::vector<double>& position_inversion,
                          const std::vector<double>& token_inversion,
                          const std::vector<std::uint64_t>& shape, std::size_t base_dimension,
                          const std::vector<double>& bases,
                          const std::vector<double>& position_se = {},
                          const std::vector<double>& token_se = {});

}  // namespace ropesweep
