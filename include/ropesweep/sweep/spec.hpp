#pragma once
// The sweep spec: a YAML file naming a seed, an optional name and one or more
// experiments, each with its axes and fixed parameters (format: docs/sweep-spec.md).
// Reading it validates everything before any work starts and reports every
// problem found, each with file:line:column.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

inline constexpr std::uint64_t kDefaultMaxPoints = 100000000;
// Values of one axis at most: validation holds every axis in memory.
inline constexpr std::size_t kMaxAxisValues = 1000000;

struct SpecOptions {
  // Grid-size limit; when unset, the spec's `max_points` or kDefaultMaxPoints.
  std::optional<std::uint64_t> max_points;
  // Experiment::check_point() runs over every point of grids up to this size
  // (larger grids are checked per value only, to keep validation instant).
  std::uint64_t max_point_checks = 2000000;
};

struct SpecResult {
  Sweep sweep;                      // complete only when problems is empty
  std::vector<SpecError> problems;  // in file order
  bool ok() const { return problems.empty(); }
};

// Parses and validates spec text; `path` is used in locations and kept in the Sweep.
SpecResult parse_sweep(const std::string& text, const std::string& path,
                       const SpecOptions& options = {});
// Reads the file first; throws IoError when it cannot be read.
SpecResult read_sweep(const std::string& path, const SpecOptions& options = {});

// Does nothing for a valid spec. A single problem is thrown as that SpecError
// (one line: file:line:column: problem); several are printed one per line on
// stderr, then an Error "N problems in PATH<consequence>" is thrown. Exit code 3.
void throw_if_invalid(const SpecResult& result, const std::string& path,
                      const std::string& consequence = "");

// The expanded sweep (seed, experiments, kinds, axes and their values, fixed
// parameters) as text, independent of comments, formatting and the sweep name:
// two specs describe the same computation exactly when these are equal.
std::string canonical_form(const Sweep& sweep);

namespace detail {

// Axis forms. Each throws std::invalid_argument with a message for bad arguments.
std::vector<double> linspace(double first, double last, std::int64_t count);
std::vector<double> logspace(double first_exponent, double last_exponent, std::int64_t count);
std::vector<double> geomspace(double first, double last, std::int64_t count);
// first, first + step, ... while before `stop` (exclusive, like Python's range).
std::vector<double> range(double first, double stop, double step);

}  // namespace detail
}  // namespace ropesweep
