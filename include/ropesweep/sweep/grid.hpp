#pragma once
// An expanded sweep: for each experiment, its dimensions (one axis each, or
// several axes tied together by a `zip:` group), its fixed parameters, and the
// mapping between a flat point index and that point's parameters.
//
// Points are numbered in C (row-major) order over the dimensions in spec order,
// which is also the layout of every N-D dataset in the output file.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep {

struct Axis {
  std::string name;
  std::vector<Value> values;
  SourceLocation where;
  bool is_text() const {
    return !values.empty() && std::holds_alternative<std::string>(values.front());
  }
};

// One dimension of the output arrays. Its name is its first axis's name; the
// other axes of a zip group are coordinates along it.
struct Dimension {
  std::vector<Axis> axes;
  const std::string& name() const { return axes.front().name; }
  std::uint64_t size() const { return axes.front().values.size(); }
};

struct ExperimentGrid {
  std::string name;  // group name in the output file (the spec's key)
  std::string kind;  // experiment type: "pairwise", "decay", "bmin", "probe"
  const Experiment* experiment = nullptr;
  std::vector<Dimension> dimensions;
  Parameters fixed;  // fixed parameters and defaults of the experiment
  SourceLocation where;

  std::vector<std::uint64_t> shape() const;
  std::uint64_t point_count() const;
  std::vector<std::uint64_t> coordinates(std::uint64_t point_index) const;
  std::uint64_t point_index(const std::vector<std::uint64_t>& coordinates) const;
  // Fixed parameters overlaid with this point's axis values.
  Parameters point(std::uint64_t point_index) const;
  // Axis names in spec order, all of them (zip members included).
  std::vector<std::string> axis_names() const;
};

struct Sweep {
  std::string name;
  std::uint64_t seed = 0;
  std::string path;  // file the spec was read from
  std::string text;  // the spec verbatim, stored in every output file
  std::vector<ExperimentGrid> experiments;

  std::uint64_t point_count() const;
};

// Global ids: the points of experiment e are offsets[e] .. offsets[e+1]-1.
std::vector<std::uint64_t> experiment_offsets(const Sweep& sweep);

}  // namespace ropesweep
