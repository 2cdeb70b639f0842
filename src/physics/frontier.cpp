#include "ropesweep/physics/frontier.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool dominates(double p_a, double t_a, double p_b, double t_b) {
  return p_a >= p_b && t_a >= t_b && (p_a > p_b || t_a > t_b);
}

}  // namespace

std::vector<std::uint8_t> pareto_mask(const std::vector<double>& position_discrimination,
                                      const std::vector<double>& token_discrimination) {
  const std::size_t n = position_discrimination.size();
  if (token_discrimination.size() != n) {
    throw Error("frontier: position and token discrimination differ in size (" + std::to_string(n) +
                " vs " + std::to_string(token_discrimination.size()) + ")");
  }
  std::vector<bool> valid(n);
  for (std::size_t i = 0; i < n; ++i) {
    valid[i] = std::isfinite(position_discrimination[i]) && std::isfinite(token_discrimination[i]);
  }
  // Quadratic in the number of bases per slice: tens of bases, so clarity wins.
  std::vector<std::uint8_t> mask(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!valid[i]) continue;
    bool dominated = false;
    for (std::size_t j = 0; j < n && !dominated; ++j) {
      dominated = valid[j] && dominates(position_discrimination[j], token_discrimination[j],
                                        position_discrimination[i], token_discrimination[i]);
    }
    mask[i] = dominated ? 0 : 1;
  }
  return mask;
}

std::vector<std::uint8_t> statistical_mask(const std::vector<double>& position_discrimination,
                                           const std::vector<double>& token_discrimination,
                                           const std::vector<double>& position_se,
                                           const std::vector<double>& token_se) {
  const std::size_t n = position_discrimination.size();
  if (token_discrimination.size() != n || position_se.size() != n || token_se.size() != n) {
    throw Error("frontier: discriminations and standard errors differ in size");
  }
  auto valid = [&](std::size_t i) {
    return std::isfinite(position_discrimination[i]) && std::isfinite(token_discrimination[i]);
  };
  // j beats i on an objective by more than twice their combined standard error.
  auto clearly_better = [](double value_j, double value_i, double se_j, double se_i) {
    return value_j - value_i > 2.0 * std::sqrt(se_i * se_i + se_j * se_j);
  };
  std::vector<std::uint8_t> mask(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!valid(i)) continue;
    bool beaten = false;
    for (std::size_t j = 0; j < n && !beaten; ++j) {
      beaten = valid(j) &&
               clearly_better(position_discrimination[j], position_discrimination[i],
                              position_se[j], position_se[i]) &&
               clearly_better(token_discrimination[j], token_discrimination[i], token_se[j],
                              token_se[i]);
    }
    mask[i] = beaten ? 0 : 1;
  }
  return mask;
}

Frontier compute_frontier(const std::vector<double>& position_inversion,
                          const std::vector<double>& token_inversion,
                          const std::vector<std::uint64_t>& shape, std::size_t base_dimension,
                          const std::vector<double>& bases,
                          const std::vector<double>& position_se,
                          const std::vector<double>& token_se) {
  if (base_dimension >= shape.size()) throw Error("frontier: base dimension out of range");
  std::uint64_t total = 1;
  for (std::uint64_t size : shape) total *= size;
  if (position_inversion.size() != total || token_inversion.size() != total) {
    throw Error("frontier: metric arrays do not match the shape (" + std::to_string(total) +
                " points expected)");
  }
  const std::uint64_t base_count = shape[base_dimension];
  if (bases.size() != base_count)
    throw Error("frontier: base axis length does not match the shape");
  const bool with_se = !position_se.empty() || !token_se.empty();
  if (with_se && (position_se.size() != total || token_se.size() != total)) {
    throw Error("frontier: standard-error arrays do not match the shape");
  }

  // Row-major: index = (outer * base_count + b) * inner + k.
  std::uint64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < base_dimension; ++d) outer *= shape[d];
  for (std::size_t d = base_dimension + 1; d < shape.size(); ++d) inner *= shape[d];

  Frontier result;
  result.pareto_optimal.assign(total, 0);
  if (with_se) result.statistically_optimal.assign(total, 0);
  result.best_position_base.assign(outer * inner, kNaN);
  result.best_token_base.assign(outer * inner, kNaN);
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d != base_dimension) result.reduced_shape.push_back(shape[d]);
  }

  std::vector<double> position(base_count), token(base_count);
  std::vector<double> position_error(base_count), token_error(base_count);
  for (std::uint64_t o = 0; o < outer; ++o) {
    for (std::uint64_t k = 0; k < inner; ++k) {
      for (std::uint64_t b = 0; b < base_count; ++b) {
        const std::uint64_t index = (o * base_count + b) * inner + k;
        position[b] = 1.0 - position_inversion[index];
        token[b] = 1.0 - token_inversion[index];
        if (with_se) {
          position_error[b] = position_se[index];
          token_error[b] = token_se[index];
        }
      }
      const std::vector<std::uint8_t> mask = pareto_mask(position, token);
      const std::vector<std::uint8_t> kept =
          with_se ? statistical_mask(position, token, position_error, token_error)
                  : std::vector<std::uint8_t>{};
      double best_position = -std::numeric_limits<double>::infinity();
      double best_token = -std::numeric_limits<double>::infinity();
      const std::uint64_t reduced = o * inner + k;
      for (std::uint64_t b = 0; b < base_count; ++b) {
        result.pareto_optimal[(o * base_count + b) * inner + k] = mask[b];
        if (with_se) result.statistically_optimal[(o * base_count + b) * inner + k] = kept[b];
        // Strict '>' keeps the first base along the axis on ties.
        if (std::isfinite(position[b]) && position[b] > best_position) {
          best_position = position[b];
          result.best_position_base[reduced] = bases[b];
        }
        if (std::isfinite(token[b]) && token[b] > best_token) {
          best_token = token[b];
          result.best_token_base[reduced] = bases[b];
        }
      }
    }
  }
  return result;
}

}  // namespace ropesweep
