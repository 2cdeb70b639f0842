#include "ropesweep/sweep/spec.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"

namespace ropesweep {

namespace detail {
namespace {

std::int64_t checked_count(std::int64_t count) {
  if (count < 1) throw std::invalid_argument("needs a count >= 1, got " + std::to_string(count));
  if (count > std::int64_t(kMaxAxisValues)) {
    throw std::invalid_argument("count " + std::to_string(count) + " is above the limit of " +
                                std::to_string(kMaxAxisValues) + " values per axis");
  }
  return count;
}

}  // namespace

std::vector<double> linspace(double first, double last, std::int64_t count) {
  checked_count(count);
  std::vector<double> values(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    // first + (last - first) * i / (count - 1), with both ends exact.
    values[i] = count == 1 ? first : first + (last - first) * (double(i) / double(count - 1));
  }
  values.back() = count == 1 ? first : last;
  return values;
}

std::vector<double> logspace(double first_exponent, double last_exponent, std::int64_t count) {
  std::vector<double> values = linspace(first_exponent, last_exponent, count);
  for (double& value : values) value = std::pow(10.0, value);
  return values;
}

std::vector<double> geomspace(double first, double last, std::int64_t count) {
  checked_count(count);
  if (!(first > 0 && last > 0) && !(first < 0 && last < 0)) {
    throw std::invalid_argument("needs two ends of the same sign, both non-zero");
  }
  const double sign = first < 0 ? -1.0 : 1.0;
  const double log_first = std::log(sign * first), log_last = std::log(sign * last);
  std::vector<double> values = linspace(log_first, log_last, count);
  for (double& value : values) value = sign * std::exp(value);
  // Exact ends, and whole numbers where the exact value is whole (e.g. powers of two).
  values.front() = first;
  values.back() = count == 1 ? first : last;
  for (double& value : values) {
    const double nearest = std::round(value);
    if (nearest != 0 && std::fabs(value - nearest) <= 1e-12 * std::fabs(nearest)) value = nearest;
  }
  return values;
}

std::vector<double> range(double first, double stop, double step) {
  if (step == 0 || !std::isfinite(step)) throw std::invalid_argument("needs a non-zero step");
  const double span = (stop - first) / step;
  if (span > double(kMaxAxisValues)) {
    throw std::invalid_argument("gives more than " + std::to_string(kMaxAxisValues) +
                                " values, the limit per axis");
  }
  // A relative tolerance keeps e.g. range [0.1, 0.5, 0.1] from gaining 0.5 by round-off.
  const auto count = static_cast<std::int64_t>(std::ceil(span - 1e-9));
  std::vector<double> values;
  for (std::int64_t i = 0; i < count; ++i) values.push_back(first + double(i) * step);
  return values;
}

}  // namespace detail

namespace {

const char* const kTopLevelKeys[] = {"name", "seed", "experiments", "max_points"};
const char* const kExperimentKeys[] = {"kind", "type", "samples", "fixed", "axes"};
const char* const kAxisForms[] = {"linspace", "logspace", "geomspace", "range"};

using ropesweep::join;

template <std::size_t N>
std::string join(const char* const (&items)[N]) {
  return ropesweep::join(std::vector<std::string>(items, items + N));
}

template <std::size_t N>
bool contains(const char* const (&items)[N], const std::string& key) {
  return std::find(items, items + N, key) != items + N;
}

bool valid_group_name(const std::string& name) {
  if (name.empty() || name == "frontier") return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Parses a plain (unquoted) YAML scalar as a finite number.
std::optional<double> scalar_number(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() == "!") return std::nullopt;
  const std::string& text = node.Scalar();
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Problems quote the spec's own text (keys, values); control characters in it
// (a quoted "a\nb") are escaped so that every problem stays on one line.
std::string one_line(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", unsigned(byte));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

// Position of the first byte that is not valid UTF-8 (offset), or npos.
std::size_t first_invalid_utf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    std::size_t length = 0;
    std::uint32_t code = 0, minimum = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > size) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code = (code << 6) | (bytes[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8.
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string::npos;
}

// Line and column (1-based, columns in bytes) of a byte offset.
std::pair<int, int> line_and_column(const std::string& text, std::size_t offset) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, line_start = i + 1;
  }
  return {line, int(offset - line_start) + 1};
}

// What YAML::Load silently accepts but a spec must not have: a key given twice
// in one mapping (the loaded node would keep one of them), keys that are not
// plain text, and more than one document. Works on parser events, so aliases
// are seen once and never expanded.
class StructureCheck : public YAML::EventHandler {
 public:
  explicit StructureCheck(std::string path) : path_(std::move(path)) {}

  const std::vector<SpecError>& problems() const { return problems_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { value(mark, nullptr); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { value(mark, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& text) override {
    value(mark, &text);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool is_map = false;
    bool expecting_key = true;
    std::map<std::string, YAML::Mark> keys;
  };

  SourceLocation at(const YAML::Mark& mark) const {
    return SourceLocation{path_, mark.line + 1, mark.column + 1};
  }

  // A node starts: as a key, it is checked; as a value, the mapping awaits its next key.
  bool starting_key(const YAML::Mark& mark, const std::string* text) {
    if (frames_.empty() || !frames_.back().is_map) return false;
    Frame& frame = frames_.back();
    if (!frame.expecting_key) {
      frame.expecting_key = true;
      return false;
    }
    frame.expecting_key = false;
    if (!text) {
      problems_.emplace_back(at(mark), "a key must be plain text, not a list, mapping or alias");
      return true;
    }
    const auto [found, inserted] = frame.keys.emplace(*text, mark);
    if (!inserted) {
      problems_.emplace_back(at(mark),
                             one_line("key '" + *text + "' appears twice in one mapping (also at " +
                                      at(found->second).str() + ")"));
    }
    return true;
  }

  void value(const YAML::Mark& mark, const std::string* text) { starting_key(mark, text); }
  void open(const YAML::Mark& mark, bool is_map) {
    starting_key(mark, nullptr);
    frames_.push_back(Frame{is_map, true, {}});
  }
  void close() {
    if (!frames_.empty()) frames_.pop_back();
  }

  std::string path_;
  std::vector<Frame> frames_;
  std::vector<SpecError> problems_;
};

// Only notes where a document starts: the check for a second document.
class DocumentStart : public YAML::EventHandler {
 public:
  YAML::Mark start;
  bool seen = false;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!seen) start = mark, seen = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// A spec is one small text file; anything much larger is a mistake (a results
// file or a data dump given as the spec), and long axes have compact forms.
constexpr std::size_t kMaxSpecBytes = std::size_t(1) << 22;

std::string too_large(std::uintmax_t bytes) {
  return "the spec is " + std::to_string(bytes) + " bytes, above the limit of " +
         std::to_string(kMaxSpecBytes) +
         " bytes (long axes have compact forms: linspace, logspace, geomspace, range)";
}

// Number of points of a grid, in floating point (never wraps around).
double grid_size(const ExperimentGrid& grid) {
  double size = 1;
  for (const Dimension& dimension : grid.dimensions) size *= double(dimension.size());
  return size;
}

class SpecReader {
 public:
  SpecReader(const std::string& path, const SpecOptions& options)
      : path_(path), options_(options) {}

  SpecResult read(const std::string& text) {
    SpecResult result;
    result.sweep.path = path_;
    result.sweep.text = text;
    if (text.size() > kMaxSpecBytes) {
      problem(SourceLocation{path_, 0, 0}, too_large(text.size()));
      result.problems = std::move(problems_);
      return result;
    }
    if (const std::size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
      const auto [line, column] = line_and_column(text, bad);
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", unsigned(static_cast<unsigned char>(text[bad])));
      problem(SourceLocation{path_, line, column},
              std::string("not UTF-8 text (byte ") + byte + "); a spec must be UTF-8");
      result.problems = std::move(problems_);
      return result;
    }
    YAML::Node root;
    try {
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      StructureCheck structure(path_);
      if (parser.HandleNextDocument(structure)) {
        DocumentStart next;
        if (parser.HandleNextDocument(next) && next.seen) {
          problem(SourceLocation{path_, next.start.line + 1, next.start.column + 1},
                  "a second YAML document; a spec is a single document");
        }
      }
      for (const SpecError& found : structure.problems()) problems_.push_back(found);
      if (!problems_.empty()) {
        result.problems = std::move(problems_);
        return result;
      }
      root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
      problem(SourceLocation{path_, e.mark.line + 1, e.mark.column + 1},
              "YAML nested too deeply (a spec needs only a few levels)");
      result.problems = std::move(problems_);
      return result;
    } catch (const YAML::Exception& e) {
      problem(SourceLocation{path_, e.mark.line + 1, e.mark.column + 1},
              "YAML syntax error: " + e.msg);
      result.problems = std::move(problems_);
      return result;
    }
    read_root(root, result.sweep);
    result.problems = std::move(problems_);
    return result;
  }

 private:
  SourceLocation where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return SourceLocation{path_, 0, 0};
    return SourceLocation{path_, mark.line + 1, mark.column + 1};
  }

  void problem(const SourceLocation& at, const std::string& text) {
    problems_.emplace_back(at, one_line(text));
  }
  void problem(const YAML::Node& node, const std::string& text) { problem(where(node), text); }

  void read_root(const YAML::Node& root, Sweep& sweep) {
    if (!root.IsMap()) {
      SourceLocation at = where(root);
      if (at.line == 0) at.line = at.column = 1;  // an empty file has no node to point at
      problem(at, std::string(root.IsDefined() && !root.IsNull() ? "" : "the spec is empty; ") +
                      "a sweep spec is a mapping with keys " + join(kTopLevelKeys));
      return;
    }
    std::optional<YAML::Node> seed, experiments, max_points;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "name") {
        if (!it->second.IsScalar() || it->second.Scalar().empty()) {
          problem(it->second, "name must be a non-empty string");
        } else {
          sweep.name = it->second.Scalar();
        }
      } else if (key == "seed") {
        seed.emplace(it->second);
      } else if (key == "experiments") {
        experiments.emplace(it->second);
      } else if (key == "max_points") {
        max_points.emplace(it->second);
      } else {
        problem(it->first,
                "unknown top-level key '" + key + "' (known: " + join(kTopLevelKeys) + ")");
      }
    }
    if (sweep.name.empty()) sweep.name = default_name();

    if (!seed) {
      problem(root, "missing 'seed' (a non-negative integer)");
    } else if (auto value = whole_number(*seed, "seed")) {
      sweep.seed = *value;
    }
    std::uint64_t limit = kDefaultMaxPoints;
    if (max_points) {
      if (auto value = whole_number(*max_points, "max_points")) limit = *value;
    }
    if (options_.max_points) limit = *options_.max_points;

    if (!experiments) {
      problem(root, "missing 'experiments' (a mapping from group name to experiment)");
      return;
    }
    if (!experiments->IsMap() || experiments->size() == 0) {
      problem(*experiments,
              "experiments must be a non-empty mapping from group name to experiment");
      return;
    }
    for (auto it = experiments->begin(); it != experiments->end(); ++it) {
      ExperimentGrid grid;
      if (read_experiment(it->first, it->second, grid))
        sweep.experiments.push_back(std::move(grid));
    }
    double total = 0;  // in floating point: the product of a few long axes overflows 64 bits
    for (const ExperimentGrid& grid : sweep.experiments) total += grid_size(grid);
    // Point ids must stay exact in a double and far from 64-bit wrap-around.
    constexpr double kLargestSweep = 1e15;
    if (double(limit) > kLargestSweep) limit = std::uint64_t(kLargestSweep);
    if (total > double(limit)) {
      problem(*experiments, "the sweep has " + format_number(total) +
                                " points, above the limit of " + format_number(double(limit)) +
                                " (raise it with max_points: or --max-points)");
    }
  }

  std::string default_name() const {
    std::string stem = path_.substr(path_.find_last_of('/') + 1);
    const auto dot = stem.find_last_of('.');
    if (dot != std::string::npos && dot > 0) stem.resize(dot);
    return stem.empty() ? "sweep" : stem;
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

  static std::string describe(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping";
    return "nothing";
  }

  // One experiment group; false when it cannot be expanded at all.
  bool read_experiment(const YAML::Node& key, const YAML::Node& body, ExperimentGrid& grid) {
    const std::size_t problems_before = problems_.size();
    mentioned_.clear();
    grid.name = key.Scalar();
    grid.where = where(key);
    if (!valid_group_name(grid.name)) {
      problem(key, "experiment group name '" + grid.name +
                       "' must start with a letter or '_', use only letters, digits, '_' and '-'"
                       ", and not be 'frontier'");
    }
    if (!body.IsMap()) {
      problem(body, "experiment '" + grid.name + "' must be a mapping with keys " +
                        join(kExperimentKeys));
      return false;
    }
    std::optional<YAML::Node> kind_node, samples, fixed, axes;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "kind" || k == "type") {
        if (kind_node) problem(it->first, "give the experiment kind once ('kind' or 'type')");
        kind_node.emplace(it->second);
      } else if (k == "samples") {
        samples.emplace(it->second);
      } else if (k == "fixed") {
        fixed.emplace(it->second);
      } else if (k == "axes") {
        axes.emplace(it->second);
      } else {
        unknown_experiment_key(it->first, k);
      }
    }
    grid.kind = grid.name;
    if (kind_node) {
      if (!kind_node->IsScalar()) {
        problem(*kind_node, "kind must be an experiment name");
        return false;
      }
      grid.kind = kind_node->Scalar();
    }
    if (!is_experiment(grid.kind)) {
      problem(kind_node ? *kind_node : key, "unknown experiment kind '" + grid.kind +
                                                "' (known: " + join(experiment_names()) + ")");
      return false;
    }
    grid.experiment = &experiment_by_name(grid.kind);
    const Experiment& experiment = *grid.experiment;

    std::map<std::string, SourceLocation> assigned;  // parameter -> where it was set
    auto claim = [&](const YAML::Node& name_node, const std::string& name) {
      const auto found = assigned.find(name);
      if (found != assigned.end()) {
        problem(name_node,
                "parameter '" + name + "' is set twice (also at " + found->second.str() + ")");
        return false;
      }
      assigned.emplace(name, where(name_node));
      return true;
    };

    if (samples) {
      mentioned_.insert("samples");
      if (const ParameterInfo* info = find_parameter(experiment, "samples")) {
        if (auto value = read_scalar(*samples, *info)) {
          if (claim(*samples, "samples")) grid.fixed.set("samples", *value);
        }
      } else {
        problem(*samples, "experiment '" + grid.kind + "' takes no 'samples'");
      }
    }
    if (fixed) {
      if (!fixed->IsMap()) {
        problem(*fixed, "fixed must be a mapping from parameter to value");
      } else {
        for (auto it = fixed->begin(); it != fixed->end(); ++it) {
          const std::string name = it->first.Scalar();
          const ParameterInfo* info =
              known_parameter(experiment, it->first, name, "fixed parameter");
          if (!info) continue;
          if (it->second.IsSequence() || it->second.IsMap()) {
            problem(it->second, "fixed parameter '" + name +
                                    "' takes one value; a list of values belongs under axes:");
            continue;
          }
          if (auto value = read_scalar(it->second, *info)) {
            if (claim(it->first, name)) grid.fixed.set(name, *value);
          }
        }
      }
    }
    if (axes) {
      if (!axes->IsMap()) {
        problem(*axes, "axes must be a mapping from parameter to values (or a zip: group)");
      } else {
        for (auto it = axes->begin(); it != axes->end(); ++it) {
          const std::string name = it->first.Scalar();
          if (name == "zip") {
            read_zip(it->first, it->second, experiment, grid, claim);
            continue;
          }
          const ParameterInfo* info = known_parameter(experiment, it->first, name, "axis");
          if (!info) continue;
          Axis axis;
          if (read_axis(it->first, it->second, *info, axis) && claim(it->first, name)) {
            grid.dimensions.push_back(Dimension{{std::move(axis)}});
          }
        }
      }
    }
    for (const ParameterInfo& info : experiment.parameters()) {
      if (assigned.count(info.name) || mentioned_.count(info.name)) continue;
      if (info.default_value) {
        grid.fixed.set_default(info.name, *info.default_value);
      } else {
        problem(key, "experiment '" + grid.name + "' needs parameter '" + info.name +
                         "' (no default): set it under fixed: or axes:");
      }
    }
    // A fixed model (a preset) replaces the defaults it sets here, so the results
    // file records the values its points use; a model axis applies per point.
    if (problems_.size() == problems_before) {
      try {
        grid.fixed = experiment.effective_point(grid.fixed);
      } catch (const Error& error) {
        problem(key, "experiment '" + grid.name + "': " + error.what());
      }
    }
    // Axes and metrics share the group's namespace in the results file.
    std::set<std::string> datasets{"done"};
    for (const MetricInfo& metric : experiment.metrics()) {
      datasets.insert(metric.name);
      datasets.insert(metric.name + "_se");
      datasets.insert(metric.name + "_n");
    }
    for (const Dimension& dimension : grid.dimensions) {
      for (const Axis& axis : dimension.axes) {
        if (datasets.count(axis.name)) {
          problem(axis.where, "axis '" + axis.name + "' has the name of a dataset of experiment '" +
                                  grid.kind + "'");
        }
      }
    }
    // Point checks need every parameter valid; they would only repeat problems otherwise.
    if (problems_.size() == problems_before) check_points(key, grid, assigned);
    return true;
  }

  void unknown_experiment_key(const YAML::Node& key, const std::string& name) {
    std::string text =
        "unknown key '" + name + "' in an experiment (known: " + join(kExperimentKeys) + ")";
    if (name == "zip") text += "; a zip: group goes under axes:";
    problem(key, text);
  }

  static const ParameterInfo* find_parameter(const Experiment& experiment,
                                             const std::string& name) {
    for (const ParameterInfo& info : experiment.parameters()) {
      if (info.name == name) return &info;
    }
    return nullptr;
  }

  const ParameterInfo* known_parameter(const Experiment& experiment, const YAML::Node& key,
                                       const std::string& name, const char* role) {
    mentioned_.insert(name);
    if (const ParameterInfo* info = find_parameter(experiment, name)) return info;
    std::vector<std::string> names;
    for (const ParameterInfo& info : experiment.parameters()) names.push_back(info.name);
    problem(key, std::string(role) + " '" + name + "' is not a parameter of experiment '" +
                     experiment.name() + "' (its parameters: " + join(names) + ")");
    return nullptr;
  }

  static std::string to_string_short(const Value& value) {
    if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
    return std::get<std::string>(value);
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

  // Values of one axis in any of its forms; false after reporting a problem.
  bool read_axis(const YAML::Node& key, const YAML::Node& node, const ParameterInfo& info,
                 Axis& axis) {
    axis.name = info.name;
    axis.where = where(key);
    bool fine = true;
    if (node.IsSequence()) {
      if (node.size() == 0) {
        problem(node, "axis '" + info.name + "' is empty");
        return false;
      }
      if (node.size() > kMaxAxisValues) {
        problem(node, "axis '" + info.name + "' has " + std::to_string(node.size()) +
                          " values, above the limit of " + std::to_string(kMaxAxisValues));
        return false;
      }
      for (const YAML::Node& element : node) {
        if (auto value = read_scalar(element, info)) {
          axis.values.push_back(*value);
        } else {
          fine = false;
        }
      }
    } else if (node.IsMap()) {
      if (!read_axis_form(node, info, axis)) return false;
    } else {
      problem(node, "axis '" + info.name + "' must be a list of values or one of {" +
                        join(kAxisForms) + ": [...]}; a single value belongs under fixed:");
      return false;
    }
    if (!fine) return false;
    // Coordinates must be unique so that every point can be selected by its labels.
    // Distinct doubles have distinct shortest texts, so numbers are compared by
    // their bits (formatting 10^5 values cost ~10 us each) and printed only here.
    std::set<std::uint64_t> seen_numbers;
    std::set<std::string> seen_texts;
    for (const Value& value : axis.values) {
      bool fresh = true;
      if (const auto* number = std::get_if<double>(&value)) {
        std::uint64_t bits;
        std::memcpy(&bits, number, sizeof bits);
        fresh = seen_numbers.insert(bits).second;
      } else {
        fresh = seen_texts.insert(std::get<std::string>(value)).second;
      }
      if (!fresh) {
        problem(node,
                "axis '" + info.name + "' has the value " + to_string_short(value) + " twice");
        return false;
      }
    }
    return true;
  }

  bool read_axis_form(const YAML::Node& node, const ParameterInfo& info, Axis& axis) {
    if (node.size() != 1) {
      problem(node, "axis '" + info.name + "' must be one of {" + join(kAxisForms) + ": [...]}");
      return false;
    }
    const auto entry = node.begin();
    const std::string form = entry->first.Scalar();
    const YAML::Node arguments = entry->second;
    if (!contains(kAxisForms, form)) {
      problem(entry->first, "unknown axis form '" + form + "' (known: " + join(kAxisForms) +
                                ", or a list of values)");
      return false;
    }
    if (info.kind == ValueKind::kString) {
      problem(entry->first, "axis '" + info.name + "' takes text values; give them as a list");
      return false;
    }
    if (!arguments.IsSequence() || arguments.size() != 3) {
      problem(arguments, form + " takes three numbers: [" +
                             (form == "range" ? std::string("start, stop, step")
                                              : std::string("first, last, count")) +
                             "]");
      return false;
    }
    double args[3];
    for (int i = 0; i < 3; ++i) {
      const auto number = scalar_number(arguments[i]);
      if (!number) {
        problem(arguments[i],
                form + " argument must be a number, got '" + describe(arguments[i]) + "'");
        return false;
      }
      args[i] = *number;
    }
    if (form != "range" && std::floor(args[2]) != args[2]) {
      problem(arguments[2], form + " count must be a whole number, got " + format_number(args[2]));
      return false;
    }
    if (form != "range" && std::fabs(args[2]) > double(kMaxAxisValues)) {  // before any cast
      problem(arguments[2], form + " count " + format_number(args[2]) + " is above the limit of " +
                                std::to_string(kMaxAxisValues) + " values per axis");
      return false;
    }
    std::vector<double> values;
    try {
      if (form == "linspace") values = detail::linspace(args[0], args[1], std::int64_t(args[2]));
      if (form == "logspace") values = detail::logspace(args[0], args[1], std::int64_t(args[2]));
      if (form == "geomspace") values = detail::geomspace(args[0], args[1], std::int64_t(args[2]));
      if (form == "range") values = detail::range(args[0], args[1], args[2]);
    } catch (const std::invalid_argument& e) {
      problem(arguments, form + " " + e.what());
      return false;
    }
    if (values.empty()) {
      problem(arguments, "axis '" + info.name + "' is empty (" + form + " gives no values)");
      return false;
    }
    for (double value : values) {
      // Integer parameters take the nearest whole number of a generated value.
      if (info.kind == ValueKind::kInteger) value = std::round(value);
      const std::string trouble = value_problem(info, Value{value});
      if (!trouble.empty()) {
        problem(arguments, trouble + " from " + form);
        return false;
      }
      axis.values.emplace_back(value);
    }
    return true;
  }

  template <typename Claim>
  void read_zip(const YAML::Node& key, const YAML::Node& node, const Experiment& experiment,
                ExperimentGrid& grid, Claim& claim) {
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
      bool fine = true;
      for (auto it = group.begin(); it != group.end(); ++it) {
        const std::string name = it->first.Scalar();
        if (name == "zip") {
          problem(it->first, "zip groups do not nest");
          fine = false;
          continue;
        }
        const ParameterInfo* info = known_parameter(experiment, it->first, name, "axis");
        Axis axis;
        if (!info || !read_axis(it->first, it->second, *info, axis) || !claim(it->first, name)) {
          fine = false;
          continue;
        }
        if (!dimension.axes.empty() && axis.values.size() != dimension.size()) {
          problem(it->first, "zip axes must have equal lengths: '" + name + "' has " +
                                 std::to_string(axis.values.size()) + " values, '" +
                                 dimension.name() + "' has " + std::to_string(dimension.size()));
          fine = false;
          continue;
        }
        dimension.axes.push_back(std::move(axis));
      }
      (void)key;
      if (fine) grid.dimensions.push_back(std::move(dimension));
    }
  }

  // A parameter the spec sets that every point so far leaves unread: the first
  // point's reason, and the first value away from the parameter's default.
  struct Unread {
    std::string reason;
    std::optional<Value> set_to;
  };

  // Problems that involve several parameters of one point (Experiment::check_point),
  // and parameters the spec sets (at `assigned`) that no point reads
  // (Experiment::unread_parameters).
  void check_points(const YAML::Node& key, const ExperimentGrid& grid,
                    const std::map<std::string, SourceLocation>& assigned) {
    if (grid_size(grid) > double(options_.max_point_checks)) return;
    constexpr int kShown = 3;
    int found = 0;
    std::map<std::string, Unread> unread_everywhere;
    bool noted = false;  // unread_everywhere holds the first checked point's parameters
    for (std::uint64_t index = 0; index < grid.point_count(); ++index) {
      const Parameters point = grid.point(index);
      std::string trouble;
      try {
        trouble = grid.experiment->check_point(point);
        note_unread(grid, point, !noted, assigned, unread_everywhere);
        noted = true;
      } catch (const std::exception& e) {
        trouble = e.what();
      }
      if (trouble.empty()) continue;
      if (++found <= kShown) {
        std::string labels;
        for (const std::string& name : grid.axis_names()) {
          labels += (labels.empty() ? "" : ", ") + name + "=" + to_string_short(point.get(name));
        }
        problem(key, "experiment '" + grid.name + "' point {" + labels + "}: " + trouble);
      }
    }
    if (found > kShown) {
      problem(key, "experiment '" + grid.name + "': " + std::to_string(found - kShown) +
                       " more points with problems");
    }
    for (const auto& [name, unread] : unread_everywhere) {
      if (!unread.set_to) continue;  // left at its default: nothing is ignored
      problem(assigned.at(name), "experiment '" + grid.name + "' sets " + name + " = " +
                                     to_string_short(*unread.set_to) + ", which no point reads (" +
                                     unread.reason + ")");
    }
  }

  // Narrows `unread_everywhere` to the parameters this point does not read either
  // (on the first point: the spec's parameters it does not read).
  static void note_unread(const ExperimentGrid& grid, const Parameters& point, bool first,
                          const std::map<std::string, SourceLocation>& assigned,
                          std::map<std::string, Unread>& unread_everywhere) {
    if (!first && unread_everywhere.empty()) return;
    std::set<std::string> unread_here;
    for (UnreadParameter& unread : grid.experiment->unread_parameters(point)) {
      if (!assigned.count(unread.name)) continue;
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

  std::string path_;
  SpecOptions options_;
  std::vector<SpecError> problems_;
  std::set<std::string> mentioned_;  // parameters named in the current experiment, valid or not
};

void append_value(std::string& out, const Value& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    out += format_exact(*number);
  } else {
    out += '"' + std::get<std::string>(value) + '"';
  }
}

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
  std::string text(kMaxSpecBytes + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  if (in.bad()) throw IoError(path, "cannot read the sweep spec");
  text.resize(std::size_t(in.gcount()));
  if (text.size() > kMaxSpecBytes) {
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    SpecResult result;
    result.sweep.path = path;
    result.problems.emplace_back(SourceLocation{path, 0, 0}, too_large(std::uintmax_t(size)));
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

std::string canonical_form(const Sweep& sweep) {
  std::string out = "seed " + std::to_string(sweep.seed) + "\n";
  for (const ExperimentGrid& grid : sweep.experiments) {
    out += "experiment " + grid.name + " kind " + grid.kind + "\n";
    for (const Dimension& dimension : grid.dimensions) {
      out += " dimension";
      for (const Axis& axis : dimension.axes) {
        out += " " + axis.name + "=[";
        for (std::size_t i = 0; i < axis.values.size(); ++i) {
          if (i) out += ",";
          append_value(out, axis.values[i]);
        }
        out += "]";
      }
      out += "\n";
    }
    for (const auto& [name, value] : grid.fixed.all()) {
      out += " fixed " + name + "=";
      append_value(out, value);
      out += "\n";
    }
  }
  return out;
}

}  // namespace ropesweep
