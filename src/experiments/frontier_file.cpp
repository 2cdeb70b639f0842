#include "ropesweep/experiments/frontier_file.hpp"

#include <algorithm>
#include <optional>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/physics/frontier.hpp"

namespace ropesweep {
namespace {

constexpr const char* kGroup = "frontier";
constexpr const char* kRule =
    "pareto_optimal: no other base of the slice is >= on both 1 - position_inversion and "
    "1 - token_inversion and > on one (ties kept; points not computed are never optimal); "
    "statistically_optimal: no other base of the slice is better on both by more than 2 "
    "combined standard errors sqrt(se_i^2 + se_j^2) (written when both _se datasets exist); "
    "best_*_base: first base along the axis reaching the maximum, NaN if none computed";

bool has_dataset(const h5::Group& group, const std::string& name) {
  return group.exists(name) && group.kind(name) == h5::ObjectKind::kDataset;
}

std::string last_component(const std::string& object_path) {
  return object_path.substr(object_path.rfind('/') + 1);
}

struct Source {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<std::string> scales;  // per dimension, path of its scale ("" when none)
  std::size_t base_dimension = 0;
  std::vector<double> bases;
  std::vector<double> position_inversion;
  std::vector<double> token_inversion;
  std::vector<double> position_se, token_se;  // empty when the metrics have none
  std::vector<std::uint8_t> done;
};

// The experiment's frontier inputs, or nullopt when it has no swept base or lacks
// one of the inversion metrics.
std::optional<Source> read_source(const h5::Group& group, const std::string& name) {
  if (!group.has_attribute("experiment")) return std::nullopt;
  if (!has_dataset(group, "position_inversion") || !has_dataset(group, "token_inversion") ||
      !has_dataset(group, "base")) {
    return std::nullopt;
  }
  Source source;
  source.name = name;
  const h5::Dataset position = group.dataset("position_inversion");
  const h5::Dataset token = group.dataset("token_inversion");
  source.shape = position.shape();
  if (token.shape() != source.shape) {
    group.where().reject("has position_inversion and token_inversion of different shapes");
  }
  for (unsigned d = 0; d < source.shape.size(); ++d) {
    source.scales.push_back(position.attached_scale(d).value_or(""));
  }

  // `base` is either a dimension scale or a zip member attached to its group's scale.
  const h5::Dataset base = group.dataset("base");
  const std::string base_scale =
      base.is_scale() ? base.path() : base.attached_scale(0).value_or("");
  const auto found = std::find(source.scales.begin(), source.scales.end(), base_scale);
  if (base_scale.empty() || found == source.scales.end()) return std::nullopt;
  source.base_dimension = static_cast<std::size_t>(found - source.scales.begin());
  if (base.shape() != std::vector<std::uint64_t>{source.shape[source.base_dimension]}) {
    base.where().reject("does not match its dimension");
  }
  source.bases = base.read<double>();
  source.position_inversion = position.read<double>();
  source.token_inversion = token.read<double>();
  if (has_dataset(group, "position_inversion_se") && has_dataset(group, "token_inversion_se")) {
    source.position_se = group.dataset("position_inversion_se").read<double>();
    source.token_se = group.dataset("token_inversion_se").read<double>();
  }
  if (has_dataset(group, "done")) source.done = group.dataset("done").read<std::uint8_t>();
  return source;
}

// Copies of the experiment's dimension scales inside the frontier group (same names
// and values): netCDF readers such as h5netcdf resolve a dimension only within the
// group and its ancestors, never in a sibling group. The originals' attributes stay
// behind: their REFERENCE_LIST points at the experiment's datasets, not ours. One
// per dimension, nullopt where the experiment has no scale.
std::vector<std::optional<h5::Dataset>> copy_scales(const h5::Group& group, const Source& source) {
  std::vector<std::optional<h5::Dataset>> scales;
  for (const std::string& scale_path : source.scales) {
    if (scale_path.empty()) {
      scales.emplace_back();
      continue;
    }
    const std::string name = last_component(scale_path);
    h5::Dataset scale = group.copy_dataset(scale_path, name);
    scale.make_scale(name);
    scales.push_back(std::move(scale));
  }
  return scales;
}

void attach_scales(const h5::Dataset& dataset,
                   const std::vector<std::optional<h5::Dataset>>& scales,
                   const std::vector<std::size_t>& dimensions) {
  for (unsigned d = 0; d < dimensions.size(); ++d) {
    if (const auto& scale = scales[dimensions[d]]) dataset.attach_scale(*scale, d);
  }
}

FrontierSummary write_one(const h5::Group& frontier_group, const Source& source) {
  const Frontier frontier =
      compute_frontier(source.position_inversion, source.token_inversion, source.shape,
                       source.base_dimension, source.bases, source.position_se, source.token_se);
  const h5::Group group = frontier_group.create_group(source.name);
  const std::string base_dimension = last_component(source.scales[source.base_dimension]);
  group.set_attribute("source", "/" + source.name);
  group.set_attribute("base_dimension", base_dimension);
  group.set_attribute("rule", kRule);

  const auto scales = copy_scales(group, source);
  std::vector<std::size_t> all_dimensions, reduced_dimensions;
  for (std::size_t d = 0; d < source.shape.size(); ++d) {
    all_dimensions.push_back(d);
    if (d != source.base_dimension) reduced_dimensions.push_back(d);
  }
  // A flag per (slice, base), attached to the experiment's scales.
  auto write_flags = [&](const char* name, const std::vector<std::uint8_t>& flags,
                         const char* description) {
    const h5::Dataset dataset = group.create_dataset<std::uint8_t>(name, source.shape);
    dataset.write(flags);
    dataset.set_attribute("units", "flag");
    dataset.set_attribute("description", description);
    attach_scales(dataset, scales, all_dimensions);
  };
  write_flags("pareto_optimal", frontier.pareto_optimal,
              "1 where the base is Pareto optimal on (1 - position_inversion, "
              "1 - token_inversion) within its slice");
  if (!frontier.statistically_optimal.empty()) {
    write_flags("statistically_optimal", frontier.statistically_optimal,
                "1 where no other base of the slice beats the base on both "
                "discriminations by more than 2 combined standard errors");
  }

  for (const bool position : {true, false}) {
    const h5::Dataset best = group.create_dataset<double>(
        position ? "best_position_base" : "best_token_base", frontier.reduced_shape);
    best.write(position ? frontier.best_position_base : frontier.best_token_base);
    best.set_attribute("units", "base");
    best.set_attribute("description",
                       std::string("base with the largest ") + (position ? "position" : "token") +
                           " discrimination in the slice (first on ties; NaN if none computed)");
    attach_scales(best, scales, reduced_dimensions);
  }

  FrontierSummary summary;
  summary.experiment = source.name;
  summary.base_dimension = base_dimension;
  summary.slices = frontier.best_position_base.size();
  summary.optimal = static_cast<std::uint64_t>(
      std::count(frontier.pareto_optimal.begin(), frontier.pareto_optimal.end(), std::uint8_t{1}));
  summary.not_done = static_cast<std::uint64_t>(
      std::count(source.done.begin(), source.done.end(), std::uint8_t{0}));
  return summary;
}

}  // namespace

std::vector<FrontierSummary> write_frontier(const std::string& path) {
  h5::File file = open_output(path, h5::Access::kReadWrite);
  std::vector<Source> sources;
  for (const std::string& name : file.members()) {
    if (name == kGroup || file.kind(name) != h5::ObjectKind::kGroup) continue;
    if (auto source = read_source(file.group(name), name)) sources.push_back(std::move(*source));
  }
  // A stale frontier would contradict the metrics; it is always rebuilt whole.
  if (file.exists(kGroup)) file.remove(kGroup);
  std::vector<FrontierSummary> summaries;
  if (!sources.empty()) {
    const h5::Group group = file.create_group(kGroup);
    for (const Source& source : sources) summaries.push_back(write_one(group, source));
  }
  file.close();
  return summaries;
}

namespace {

const FinishingStepRegistrar registrar("frontier",
                                       [](const std::string& path) { write_frontier(path); });

}  // namespace

}  // namespace ropesweep
