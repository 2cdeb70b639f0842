#include "ropesweep/experiments/parameter_checks.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ropesweep/core/format.hpp"

namespace ropesweep {

std::string value_problem(const ParameterInfo& info, const Value& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    if (info.kind == ValueKind::kString)
      return info.name + " must be text (got " + format_number(*number) + ")";
    if (info.kind == ValueKind::kInteger && std::floor(*number) != *number) {
      return info.name + " must be a whole number (got " + format_number(*number) + ")";
    }
  } else {
    const std::string& text = std::get<std::string>(value);
    if (info.kind != ValueKind::kString)
      return info.name + " must be a number (got '" + text + "')";
    if (!info.choices.empty() &&
        std::find(info.choices.begin(), info.choices.end(), text) == info.choices.end()) {
      return "unknown " + info.name + " '" + text + "' (known: " + join(info.choices) + ")";
    }
  }
  if (info.check) {
    const std::string own = info.check(value);
    if (!own.empty()) {
      const auto* number = std::get_if<double>(&value);
      return info.name + " " + own + " (got " +
             (number ? format_number(*number) : std::get<std::string>(value)) + ")";
    }
  }
  return {};
}

ValueCheck greater_than(double minimum) {
  return {[minimum](const Value& value) -> std::string {
            const double x = std::get<double>(value);
            return x > minimum && std::isfinite(x) ? "" : "must be > " + format_number(minimum);
          },
          "> " + format_number(minimum)};
}

ValueCheck at_least(double minimum) {
  return {[minimum](const Value& value) -> std::string {
            const double x = std::get<double>(value);
            return x >= minimum && std::isfinite(x) ? "" : "must be >= " + format_number(minimum);
          },
          ">= " + format_number(minimum)};
}

ValueCheck at_most(double maximum) {
  return {[maximum](const Value& value) -> std::string {
            return std::get<double>(value) <= maximum ? "" : "must be <= " + format_number(maximum);
          },
          "<= " + format_number(maximum)};
}

ValueCheck within(double low, double high, bool high_open) {
  const std::string range =
      "[" + format_number(low) + ", " + format_number(high) + (high_open ? ")" : "]");
  return {[=](const Value& value) -> std::string {
            const double x = std::get<double>(value);
            const bool fine = x >= low && (high_open ? x < high : x <= high);
            return fine ? "" : "must be in " + range;
          },
          range};
}

ValueCheck even_at_least_two() {
  return {[](const Value& value) -> std::string {
            const double x = std::get<double>(value);
            return x >= 2 && std::fmod(x, 2.0) == 0.0 ? "" : "must be even and >= 2";
          },
          "even, >= 2"};
}

ValueCheck both(ValueCheck first, ValueCheck second) {
  std::string range = first.range + ", " + second.range;
  return {[first = std::move(first), second = std::move(second)](const Value& value) {
            std::string problem = first(value);
            return problem.empty() ? second(value) : problem;
          },
          std::move(range)};
}

namespace {

ParameterInfo number_parameter(const std::string& name, ValueKind kind, double default_value,
                               ValueCheck check, const std::string& unit,
                               const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = kind;
  info.default_value = Value{default_value};
  info.check = std::move(check);
  info.unit = unit;
  info.description = description;
  return info;
}

}  // namespace

ParameterInfo real_parameter(const std::string& name, double default_value, ValueCheck check,
                             const std::string& unit, const std::string& description) {
  return number_parameter(name, ValueKind::kNumber, default_value, std::move(check), unit,
                          description);
}

ParameterInfo integer_parameter(const std::string& name, double default_value, ValueCheck check,
                                const std::string& unit, const std::string& description) {
  return number_parameter(name, ValueKind::kInteger, default_value, std::move(check), unit,
                          description);
}

ParameterInfo flag_parameter(const std::string& name, bool default_value,
                             const std::string& description) {
  return number_parameter(name, ValueKind::kInteger, default_value ? 1 : 0, within(0, 1), "",
                          description);
}

ParameterInfo with_aliases(ParameterInfo info, std::vector<std::string> aliases) {
  info.aliases = std::move(aliases);
  return info;
}

ParameterInfo text_parameter(const std::string& name, const std::string& default_value,
                             std::vector<std::string> choices, const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = ValueKind::kString;
  info.default_value = Value{default_value};
  info.choices = std::move(choices);
  info.description = description;
  return info;
}

MetricInfo stochastic_metric(const std::string& name, const std::string& units,
                             const std::string& description) {
  return MetricInfo{name, true, units, description};
}

MetricInfo rare_metric(const std::string& name, const std::string& units,
                       const std::string& description) {
  MetricInfo info{name, true, units, description};
  info.rare = true;
  return info;
}

MetricInfo exact_metric(const std::string& name, const std::string& units,
                        const std::string& description) {
  return MetricInfo{name, false, units, description};
}

}  // namespace ropesweep
