#include "axis_forms.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "spec_values.hpp"

namespace ropesweep::detail {
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

namespace {

// One form: its three arguments give the values of the axis.
struct AxisForm {
  const char* name;
  const char* arguments;  // their names, as problems quote them
  bool counted;           // the last argument is the number of values
  std::vector<double> (*values)(double, double, double);
};

// A new form is one row here (and its line in docs/sweep-spec.md).
const AxisForm kAxisForms[] = {
    {"linspace", "first, last, count", true,
     [](double first, double last, double count) {
       return linspace(first, last, std::int64_t(count));
     }},
    {"logspace", "first, last, count", true,
     [](double first_exponent, double last_exponent, double count) {
       return logspace(first_exponent, last_exponent, std::int64_t(count));
     }},
    {"geomspace", "first, last, count", true,
     [](double first, double last, double count) {
       return geomspace(first, last, std::int64_t(count));
     }},
    {"range", "start, stop, step", false, range},
};

// The form a one-entry mapping names, for a numeric parameter; nullptr after a problem.
const AxisForm* form_of(const YAML::Node& node, const ParameterInfo& info, SpecProblems& problems) {
  if (node.size() != 1) {
    problems.add(node,
                 "axis '" + info.name + "' must be one of {" + axis_form_names() + ": [...]}");
    return nullptr;
  }
  const YAML::Node key = node.begin()->first;
  const std::string name = key.Scalar();
  const AxisForm* form = nullptr;
  for (const AxisForm& known : kAxisForms) {
    if (name == known.name) form = &known;
  }
  if (!form) {
    problems.add(key, "unknown axis form '" + name + "' (known: " + axis_form_names() +
                          ", or a list of values)");
    return nullptr;
  }
  if (info.kind == ValueKind::kString) {
    problems.add(key, "axis '" + info.name + "' takes text values; give them as a list");
    return nullptr;
  }
  return form;
}

// The form's three numbers, a count checked before any cast; nullopt after a problem.
std::optional<std::array<double, 3>> form_arguments(const AxisForm& form,
                                                    const YAML::Node& arguments,
                                                    SpecProblems& problems) {
  const std::string name = form.name;
  if (!arguments.IsSequence() || arguments.size() != 3) {
    problems.add(arguments, name + " takes three numbers: [" + form.arguments + "]");
    return std::nullopt;
  }
  std::array<double, 3> numbers;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto number = scalar_number(arguments[i]);
    if (!number) {
      problems.add(arguments[i],
                   name + " argument must be a number, got '" + describe(arguments[i]) + "'");
      return std::nullopt;
    }
    numbers[i] = *number;
  }
  const double count = numbers[2];
  if (form.counted && std::floor(count) != count) {
    problems.add(arguments[2], name + " count must be a whole number, got " + format_number(count));
    return std::nullopt;
  }
  if (form.counted && std::fabs(count) > double(kMaxAxisValues)) {
    problems.add(arguments[2], name + " count " + format_number(count) + " is above the limit of " +
                                   std::to_string(kMaxAxisValues) + " values per axis");
    return std::nullopt;
  }
  return numbers;
}

}  // namespace

std::string axis_form_names() {
  std::vector<std::string> names;
  for (const AxisForm& form : kAxisForms) names.emplace_back(form.name);
  return join(names);
}

bool read_axis_form(const YAML::Node& node, const ParameterInfo& info, SpecProblems& problems,
                    std::vector<Value>& values) {
  const AxisForm* form = form_of(node, info, problems);
  if (!form) return false;
  const std::string name = form->name;
  const YAML::Node arguments = node.begin()->second;
  const auto numbers = form_arguments(*form, arguments, problems);
  if (!numbers) return false;
  std::vector<double> generated;
  try {
    generated = form->values((*numbers)[0], (*numbers)[1], (*numbers)[2]);
  } catch (const std::invalid_argument& e) {
    problems.add(arguments, name + " " + e.what());
    return false;
  }
  if (generated.empty()) {
    problems.add(arguments, "axis '" + info.name + "' is empty (" + name + " gives no values)");
    return false;
  }
  for (double value : generated) {
    // Integer parameters take the nearest whole number of a generated value.
    if (info.kind == ValueKind::kInteger) value = std::round(value);
    const std::string trouble = value_problem(info, Value{value});
    if (!trouble.empty()) {
      problems.add(arguments, trouble + " from " + name);
      return false;
    }
    values.emplace_back(value);
  }
  return true;
}

}  // namespace ropesweep::detail
