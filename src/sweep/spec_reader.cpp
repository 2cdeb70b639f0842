// The spec reader: YAML that passed the input guards, read into a Sweep, every
// problem noted with its place. It knows the spec's own keys and asks each
// experiment for its parameters; it knows no parameter of its own.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "axis_forms.hpp"
#include "input_guards.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/model_table.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "spec_problems.hpp"
#include "spec_values.hpp"

namespace ropesweep {
namespace {

using detail::describe;
using detail::scalar_number;
using detail::value_text;
using ropesweep::join;

const char* const kTopLevelKeys[] = {"name", "seed", "experiments", "max_points"};
const char* const kExperimentKeys[] = {"kind", "type", "samples", "fixed", "axes"};

template <std::size_t N>
std::string join(const char* const (&items)[N]) {
  return ropesweep::join(std::vector<std::string>(items, items + N));
}

bool valid_group_name(const std::string& name) {
  if (name.empty() || name == "frontier" || name == kModelTableGroup) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Number of points of a grid, in floating point (never wraps around).
double grid_size(const ExperimentGrid& grid) {
  double size = 1;
  for (const Dimension& dimension : grid.dimensions) size *= double(dimension.size());
  return size;
}

// Top-level values read after all keys are known (the name is read at once).
struct TopKeys {
  std::optional<YAML::Node> seed, experiments, max_points;
};

// The keys of one experiment group.
struct ExperimentKeys {
  std::optional<YAML::Node> kind, samples, fixed, axes;
};

class SpecReader {
 public:
  SpecReader(const std::string& path, const SpecOptions& options)
      : problems_(path), options_(options) {}

  SpecResult read(const std::string& text) {
    SpecResult result;
    result.sweep.path = problems_.path();
    result.sweep.text = text;
    if (const auto root = detail::load_spec_yaml(text, problems_)) read_root(*root, result.sweep);
    result.problems = problems_.take();
    return result;
  }

 private:
  SourceLocation where(const YAML::Node& node) const { return problems_.where(node); }
  void problem(const YAML::Node& node, const std::string& text) { problems_.add(node, text); }

  // --- the sweep ---

  void read_root(const YAML::Node& root, Sweep& sweep) {
    if (!root.IsMap()) {
      not_a_mapping(root);
      return;
    }
    const TopKeys keys = read_top_keys(root, sweep);
    if (sweep.name.empty()) sweep.name = default_name();
    read_seed(root, keys.seed, sweep);
    const std::uint64_t limit = read_limits(keys.max_points);
    if (!keys.experiments) {
      problem(root, "missing 'experiments' (a mapping from group name to experiment)");
      return;
    }
    if (!keys.experiments->IsMap() || keys.experiments->size() == 0) {
      problem(*keys.experiments,
              "experiments must be a non-empty mapping from group name to experiment");
      return;
    }
    read_experiments(*keys.experiments, sweep);
    check_sweep_size(*keys.experiments, sweep, limit);
  }

  void not_a_mapping(const YAML::Node& root) {
    SourceLocation at = where(root);
    if (at.line == 0) at.line = at.column = 1;  // an empty file has no node to point at
    problems_.add(at, std::string(root.IsDefined() && !root.IsNull() ? "" : "the spec is empty; ") +
                          "a sweep spec is a mapping with keys " + join(kTopLevelKeys));
  }

  TopKeys read_top_keys(const YAML::Node& root, Sweep& sweep) {
    TopKeys keys;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "name") {
        read_name(it->second, sweep);
      } else if (key == "seed") {
        keys.seed.emplace(it->second);
      } else if (key == "experiments") {
        keys.experiments.emplace(it->second);
      } else if (key == "max_points") {
        keys.max_points.emplace(it->second);
      } else {
        problem(it->first,
                "unknown top-level key '" + key + "' (known: " + join(kTopLevelKeys) + ")");
      }
    }
    return keys;
  }

  void read_name(const YAML::Node& node, Sweep& sweep) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      problem(node, "name must be a non-empty string");
    } else {
      sweep.name = node.Scalar();
    }
  }

  std::string default_name() const {
    const std::string& path = problems_.path();
    std::string stem = path.substr(path.find_last_of('/') + 1);
    const auto dot = stem.find_last_of('.');
    if (dot != std::string::npos && dot > 0) stem.resize(dot);
    return stem.empty() ? "sweep" : stem;
  }

  void read_seed(const YAML::Node& root, const std::optional<YAML::Node>& seed, Sweep& sweep) {
    if (!seed) {
      problem(root, "missing 'seed' (a non-negative integer)");
    } else if (auto value = whole_number(*seed, "seed")) {
      sweep.seed = *value;
    }
  }

  // The largest number of points: the option, else the spec's max_points, else the default.
  std::uint64_t read_limits(const std::optional<YAML::Node>& max_points) {
    std::uint64_t limit = kDefaultMaxPoints;
    if (max_points) {
      if (auto value = whole_number(*max_points, "max_points")) limit = *value;
    }
    if (options_.max_points) limit = *options_.max_points;
    // Point ids must stay exact in a double and far from 64-bit wrap-around.
    constexpr double kLargestSweep = 1e15;
    if (double(limit) > kLargestSweep) limit = std::uint64_t(kLargestSweep);
    return limit;
  }

  std::optional<std::uint64_t> whole_number(const YAML::Node& node, const std::string& what) {
    const auto number = scalar_number(node);
    if (!number || *number < 0 || std::floor(*number) != *number || *number > 1.8e19) {
      problem(node, what + " must be a non-negative integer, got '" + describe(node) + "'");
      return std::nullopt;
    }
    // Integers above 2^53 are read exactly from the text, not through the double.
    try {
      return node.as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      return static_cast<std::uint64_t>(*number);
    }
  }

  void read_experiments(const YAML::Node& experiments, Sweep& sweep) {
    for (auto it = experiments.begin(); it != experiments.end(); ++it) {
      ExperimentGrid grid;
      if (read_experiment(it->first, it->second, grid))
        sweep.experiments.push_back(std::move(grid));
    }
  }

  void check_sweep_size(const YAML::Node& experiments, const Sweep& sweep, std::uint64_t limit) {
    double total = 0;  // in floating point: the product of a few long axes overflows 64 bits
    for (const ExperimentGrid& grid : sweep.experiments) total += grid_size(grid);
    if (total > double(limit)) {
      problem(experiments, "the sweep has " + format_number(total) +
                               " points, above the limit of " + format_number(double(limit)) +
                               " (raise it with max_points: or --max-points)");
    }
  }

  // --- one experiment group ---

  // False when the group cannot be expanded at all.
  bool read_experiment(const YAML::Node& key, const YAML::Node& body, ExperimentGrid& grid) {
    const std::size_t problems_before = problems_.count();
    mentioned_.clear();
    assigned_.clear();
    grid.name = key.Scalar();
    grid.where = where(key);
    check_group_name(key, grid.name);
    if (!body.IsMap()) {
      problem(body, "experiment '" + grid.name + "' must be a mapping with keys " +
                        join(kExperimentKeys));
      return false;
    }
    const ExperimentKeys keys = read_experiment_keys(body);
    if (!read_kind(key, keys.kind, grid)) return false;
    if (keys.samples) read_samples(*keys.samples, grid);
    if (keys.fixed) read_fixed(*keys.fixed, grid);
    if (keys.axes) read_axes(*keys.axes, grid);
    apply_defaults(key, grid);
    if (problems_.count() == problems_before) apply_fixed_preset(key, grid);
    check_dataset_names(grid);
    // Point checks need every parameter valid; they would only repeat problems otherwise.
    if (problems_.count() == problems_before) check_points(key, grid);
    return true;
  }

  void check_group_name(const YAML::Node& key, const std::string& name) {
    if (valid_group_name(name)) return;
    problem(key, "experiment group name '" + name +
                     "' must start with a letter or '_', use only letters, digits, '_' and '-'"
                     ", and not be 'frontier' or '" + kModelTableGroup + "'");
  }

  ExperimentKeys read_experiment_keys(const YAML::Node& body) {
    ExperimentKeys keys;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "kind" || k == "type") {
        if (keys.kind) problem(it->first, "give the experiment kind once ('kind' or 'type')");
        keys.kind.emplace(it->second);
      } else if (k == "samples") {
        keys.samples.emplace(it->second);
      } else if (k == "fixed") {
        keys.fixed.emplace(it->second);
      } else if (k == "axes") {
        keys.axes.emplace(it->second);
      } else {
        unknown_experiment_key(it->first, k);
      }
    }
    return keys;
  }

  void unknown_experiment_key(const YAML::Node& key, const std::string& name) {
    std::string text =
        "unknown key '" + name + "' in an experiment (known: " + join(kExperimentKeys) + ")";
    if (name == "zip") text += "; a zip: group goes under axes:";
    problem(key, text);
  }

  // The experiment: its kind, or the group's name; false when there is none such.
  bool read_kind(const YAML::Node& key, const std::optional<YAML::Node>& kind,
                 ExperimentGrid& grid) {
    grid.kind = grid.name;
    if (kind) {
      if (!kind->IsScalar()) {
        problem(*kind, "kind must be an experiment name");
        return false;
      }
      grid.kind = kind->Scalar();
    }
    if (!is_experiment(grid.kind)) {
      problem(kind ? *kind : key, "unknown experiment kind '" + grid.kind +
                                      "' (known: " + join(experiment_names()) + ")");
      return false;
    }
    grid.experiment = &experiment_by_name(grid.kind);
    return true;
  }

  void read_samples(const YAML::Node& samples, ExperimentGrid& grid) {
    mentioned_.insert("samples");
    const ParameterInfo* info = find_parameter(*grid.experiment, "samples");
    if (!info) {
      problem(samples, "experiment '" + grid.kind + "' takes no 'samples'");
      return;
    }
    if (auto value = read_scalar(samples, *info)) {
      if (claim(samples, "samples")) grid.fixed.set("samples", *value);
    }
  }

  void read_fixed(const YAML::Node& fixed, ExperimentGrid& grid) {
    if (!fixed.IsMap()) {
      problem(fixed, "fixed must be a mapping from parameter to value");
      return;
    }
    for (auto it = fixed.begin(); it != fixed.end(); ++it) {
      read_fixed_value(it->first, it->second, grid);
    }
  }

  void read_fixed_value(const YAML::Node& key, const YAML::Node& node, ExperimentGrid& grid) {
    const std::string name = key.Scalar();
    const ParameterInfo* info = known_parameter(*grid.experiment, key, name, "fixed parameter");
    if (!info) return;
    if (node.IsSequence() || node.IsMap()) {
      problem(node, "fixed parameter '" + name +
                        "' takes one value; a list of values belongs under axes:");
      return;
    }
    if (auto value = read_scalar(node, *info)) {
      if (claim(key, info->name)) grid.fixed.set(info->name, *value);
    }
  }

  void read_axes(const YAML::Node& axes, ExperimentGrid& grid) {
    if (!axes.IsMap()) {
      problem(axes, "axes must be a mapping from parameter to values (or a zip: group)");
      return;
    }
    for (auto it = axes.begin(); it != axes.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (name == "zip") {
        read_zip(it->second, grid);
        continue;
      }
      const ParameterInfo* info = known_parameter(*grid.experiment, it->first, name, "axis");
      if (!info) continue;
      Axis axis;
      if (read_axis(it->first, it->second, *info, axis) && claim(it->first, info->name)) {
        grid.dimensions.push_back(Dimension{{std::move(axis)}});
      }
    }
  }

  // Parameters the spec leaves unset take their defaults, marked as such so that a
  // preset may replace them; one without a default must be set.
  void apply_defaults(const YAML::Node& key, ExperimentGrid& grid) {
    for (const ParameterInfo& info : grid.experiment->parameters()) {
      if (assigned_.count(info.name) || mentioned_.count(info.name)) continue;
      if (info.default_value) {
        grid.fixed.set_default(info.name, *info.default_value);
      } else {
        problem(key, "experiment '" + grid.name + "' needs parameter '" + info.name +
                         "' (no default): set it under fixed: or axes:");
      }
    }
  }

  // A fixed model (a preset) replaces the defaults it sets here, so the results
  // file records the values its points use; a model axis applies per point.
  void apply_fixed_preset(const YAML::Node& key, ExperimentGrid& grid) {
    try {
      grid.fixed = grid.experiment->effective_point(grid.fixed);
    } catch (const Error& error) {
      problem(key, "experiment '" + grid.name + "': " + error.what());
    }
  }

  // Axes and metrics share the group's namespace in the results file.
  void check_dataset_names(const ExperimentGrid& grid) {
    std::set<std::string> datasets{"done"};
    for (const MetricInfo& metric : grid.experiment->metrics()) {
      for (const MetricField& field : metric_fields(metric)) datasets.insert(field.name);
    }
    for (const Dimension& dimension : grid.dimensions) {
      for (const Axis& axis : dimension.axes) {
        if (datasets.count(axis.name)) {
          problems_.add(axis.where, "axis '" + axis.name +
                                        "' has the name of a dataset of experiment '" + grid.kind +
                                        "'");
        }
      }
    }
  }

  // --- parameters and their values ---

  // Notes where a parameter is set; false after a problem when it was set before.
  bool claim(const YAML::Node& name_node, const std::string& name) {
    const auto found = assigned_.find(name);
    if (found != assigned_.end()) {
      const std::string written = name_node.Scalar();
      problem(name_node, "parameter '" + written + "'" +
                             (written == name ? "" : " (another name of '" + name + "')") +
                             " is set twice (also at " + found->second.str() + ")");
      return false;
    }
    assigned_.emplace(name, where(name_node));
    return true;
  }

  static const ParameterInfo* find_parameter(const Experiment& experiment,
                                             const std::string& name) {
    for (const ParameterInfo& info : experiment.parameters()) {
      if (info.name == name ||
          std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end()) {
        return &info;
      }
    }
    return nullptr;
  }

  const ParameterInfo* known_parameter(const Experiment& experiment, const YAML::Node& key,
                                       const std::string& name, const char* role) {
    if (const ParameterInfo* info = find_parameter(experiment, name)) {
      mentioned_.insert(info->name);  // an alias counts as its parameter
      return info;
    }
    mentioned_.insert(name);
    std::vector<std::string> names;
    for (const ParameterInfo& info : experiment.parameters()) names.push_back(info.name);
    problem(key, std::string(role) + " '" + name + "' is not a parameter of experiment '" +
                     experiment.name() + "' (its parameters: " + join(names) + ")");
    return nullptr;
  }

  // A single scalar of the parameter's kind, validated; nullopt after reporting.
  std::optional<Value> read_scalar(const YAML::Node& node, const ParameterInfo& info) {
    if (!node.IsScalar()) {
      problem(node, info.name + " must be a single value, got " + describe(node));
      return std::nullopt;
    }
    Value value;
    if (info.kind == ValueKind::kString) {
      value = node.Scalar();
    } else {
      const auto number = scalar_number(node);
      if (!number) {
        problem(node, info.name + " must be a number, got '" + node.Scalar() + "'");
        return std::nullopt;
      }
      value = *number;
    }
    const std::string trouble = value_problem(info, value);
    if (!trouble.empty()) {
      problem(node, trouble);
      return std::nullopt;
    }
    return value;
  }

  // --- axes ---

  // Values of one axis in any of its forms; false after reporting a problem.
  bool read_axis(const YAML::Node& key, const YAML::Node& node, const ParameterInfo& info,
                 Axis& axis) {
    axis.name = info.name;
    axis.where = where(key);
    if (node.IsSequence()) {
      if (!read_axis_list(node, info, axis.values)) return false;
    } else if (node.IsMap()) {
      if (!detail::read_axis_form(node, info, problems_, axis.values)) return false;
    } else {
      problem(node, "axis '" + info.name + "' must be a list of values or one of {" +
                        detail::axis_form_names() +
                        ": [...]}; a single value belongs under fixed:");
      return false;
    }
    return unique_values(node, info, axis.values);
  }

  // An axis given as a list; every value is checked, false after any problem.
  bool read_axis_list(const YAML::Node& node, const ParameterInfo& info,
                      std::vector<Value>& values) {
    if (node.size() == 0) {
      problem(node, "axis '" + info.name + "' is empty");
      return false;
    }
    if (node.size() > kMaxAxisValues) {
      problem(node, "axis '" + info.name + "' has " + std::to_string(node.size()) +
                        " values, above the limit of " + std::to_string(kMaxAxisValues));
      return false;
    }
    bool fine = true;
    for (const YAML::Node& element : node) {
      if (auto value = read_scalar(element, info)) {
        values.push_back(*value);
      } else {
        fine = false;
      }
    }
    return fine;
  }

  // Coordinates must be unique so that every point can be selected by its labels.
  // Distinct doubles have distinct shortest texts, so numbers are compared by
  // their bits (formatting 10^5 values cost ~10 us each) and printed only here.
  bool unique_values(const YAML::Node& node, const ParameterInfo& info,
                     const std::vector<Value>& values) {
    std::set<std::uint64_t> seen_numbers;
    std::set<std::string> seen_texts;
    for (const Value& value : values) {
      bool fresh = true;
      if (const auto* number = std::get_if<double>(&value)) {
        std::uint64_t bits;
        std::memcpy(&bits, number, sizeof bits);
        fresh = seen_numbers.insert(bits).second;
      } else {
        fresh = seen_texts.insert(std::get<std::string>(value)).second;
      }
      if (!fresh) {
        problem(node, "axis '" + info.name + "' has the value " + value_text(value) + " twice");
        return false;
      }
    }
    return true;
  }

  // zip: one mapping of axes of equal length, or a list of them; each is one dimension.
  void read_zip(const YAML::Node& node, ExperimentGrid& grid) {
    std::vector<YAML::Node> groups;
    if (node.IsMap()) {
      groups.push_back(node);
    } else if (node.IsSequence()) {
      for (const YAML::Node& group : node) groups.push_back(group);
    }
    if (groups.empty()) {
      problem(node, "zip: takes a mapping of axes of equal length (or a list of such mappings)");
      return;
    }
    for (const YAML::Node& group : groups) {
      if (!group.IsMap() || group.size() < 2) {
        problem(group, "a zip group needs a mapping of at least two axes");
        continue;
      }
      Dimension dimension;
      if (read_zip_group(group, *grid.experiment, dimension)) {
        grid.dimensions.push_back(std::move(dimension));
      }
    }
  }

  // Every axis of the group is read, so that all its problems are found.
  bool read_zip_group(const YAML::Node& group, const Experiment& experiment, Dimension& dimension) {
    bool fine = true;
    for (auto it = group.begin(); it != group.end(); ++it) {
      Axis axis;
      if (read_zip_axis(it->first, it->second, experiment, dimension, axis)) {
        dimension.axes.push_back(std::move(axis));
      } else {
        fine = false;
      }
    }
    return fine;
  }

  bool read_zip_axis(const YAML::Node& key, const YAML::Node& node, const Experiment& experiment,
                     const Dimension& dimension, Axis& axis) {
    const std::string name = key.Scalar();
    if (name == "zip") {
      problem(key, "zip groups do not nest");
      return false;
    }
    const ParameterInfo* info = known_parameter(experiment, key, name, "axis");
    if (!info || !read_axis(key, node, *info, axis) || !claim(key, info->name)) return false;
    if (!dimension.axes.empty() && axis.values.size() != dimension.size()) {
      problem(key, "zip axes must have equal lengths: '" + name + "' has " +
                       std::to_string(axis.values.size()) + " values, '" + dimension.name() +
                       "' has " + std::to_string(dimension.size()));
      return false;
    }
    return true;
  }

  // --- points ---

  // A parameter the spec sets that every point so far leaves unread: the first
  // point's reason, and the first value away from the parameter's default.
  struct Unread {
    std::string reason;
    std::optional<Value> set_to;
  };

  // Problems that involve several parameters of one point (Experiment::check_point),
  // and parameters the spec sets that no point reads (Experiment::unread_parameters).
  void check_points(const YAML::Node& key, const ExperimentGrid& grid) {
    if (grid_size(grid) > double(options_.max_point_checks)) return;
    constexpr int kShown = 3;
    int found = 0;
    std::map<std::string, Unread> unread_everywhere;
    bool noted = false;  // unread_everywhere holds the first sound point's parameters
    for (std::uint64_t index = 0; index < grid.point_count(); ++index) {
      const Parameters point = grid.point(index);
      const std::string trouble = point_problem(grid, point);
      if (trouble.empty()) {
        note_unread(grid, point, !noted, unread_everywhere);
        noted = true;
        continue;
      }
      if (++found <= kShown) {
        problem(key, "experiment '" + grid.name + "' point {" + point_labels(grid, point) +
                         "}: " + trouble);
      }
    }
    if (found > kShown) {
      problem(key, "experiment '" + grid.name + "': " + std::to_string(found - kShown) +
                       " more points with problems");
    }
    for (const auto& [name, unread] : unread_everywhere) {
      if (!unread.set_to) continue;  // left at its default: nothing is ignored
      problems_.add(assigned_.at(name), "experiment '" + grid.name + "' sets " + name + " = " +
                                            value_text(*unread.set_to) +
                                            ", which no point reads (" + unread.reason + ")");
    }
  }

  // Narrows `unread_everywhere` to the parameters this point does not read either
  // (on the first point: the spec's parameters it does not read).
  void note_unread(const ExperimentGrid& grid, const Parameters& point, bool first,
                   std::map<std::string, Unread>& unread_everywhere) const {
    if (!first && unread_everywhere.empty()) return;
    std::set<std::string> unread_here;
    for (UnreadParameter& unread : grid.experiment->unread_parameters(point)) {
      if (!assigned_.count(unread.name)) continue;
      unread_here.insert(unread.name);
      if (first) unread_everywhere[unread.name].reason = std::move(unread.reason);
    }
    for (auto it = unread_everywhere.begin(); it != unread_everywhere.end();) {
      if (!unread_here.count(it->first)) {
        it = unread_everywhere.erase(it);
        continue;
      }
      const ParameterInfo* info = find_parameter(*grid.experiment, it->first);
      const Value& value = point.get(it->first);
      if (!it->second.set_to && !(info && info->default_value && *info->default_value == value)) {
        it->second.set_to = value;
      }
      ++it;
    }
  }

  static std::string point_problem(const ExperimentGrid& grid, const Parameters& point) {
    try {
      return grid.experiment->check_point(point);
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  // "length=64, base=10000": the point's axis values.
  static std::string point_labels(const ExperimentGrid& grid, const Parameters& point) {
    std::string labels;
    for (const std::string& name : grid.axis_names()) {
      labels += (labels.empty() ? "" : ", ") + name + "=" + value_text(point.get(name));
    }
    return labels;
  }

  detail::SpecProblems problems_;
  SpecOptions options_;
  // Of the current experiment: parameters named, valid or not, and where each was set.
  std::set<std::string> mentioned_;
  std::map<std::string, SourceLocation> assigned_;
};

}  // namespace

SpecResult parse_sweep(const std::string& text, const std::string& path,
                       const SpecOptions& options) {
  SpecResult result = SpecReader(path, options).read(text);
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const SpecError& a, const SpecError& b) {
                     return std::make_pair(a.where().line, a.where().column) <
                            std::make_pair(b.where().line, b.where().column);
                   });
  return result;
}

SpecResult read_sweep(const std::string& path, const SpecOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw IoError(path, "is a directory, not a sweep spec");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path, std::string("cannot read the sweep spec (") + std::strerror(errno) + ")");
  }
  // Read at most one byte past the limit: parse_sweep reports the size.
  std::string text(detail::kMaxSpecBytes + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  if (in.bad()) throw IoError(path, "cannot read the sweep spec");
  text.resize(std::size_t(in.gcount()));
  if (text.size() > detail::kMaxSpecBytes) {
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    SpecResult result;
    result.sweep.path = path;
    result.problems.emplace_back(SourceLocation{path, 0, 0},
                                 detail::too_large(std::uintmax_t(size)));
    return result;
  }
  return parse_sweep(text, path, options);
}

void throw_if_invalid(const SpecResult& result, const std::string& path,
                      const std::string& consequence) {
  if (result.ok()) return;
  if (result.problems.size() == 1) throw result.problems.front();
  for (const SpecError& problem : result.problems) std::cerr << problem.what() << "\n";
  throw Error(std::to_string(result.problems.size()) + " problems in " + path + consequence,
              ExitCode::kSpec);
}

}  // namespace ropesweep
