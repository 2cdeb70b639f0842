#pragma once
// Building blocks for an experiment's ParameterInfo and MetricInfo lists: range checks
// phrased to follow the parameter name ("must be > 1"), constructors with defaults, and
// the turning of a failed validation into check_point's message.
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep::detail {

using ValueCheck = std::function<std::string(const Value&)>;

inline ValueCheck greater_than(double minimum) {
  return [minimum](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return x > minimum && std::isfinite(x) ? "" : "must be > " + to_string(minimum);
  };
}

inline ValueCheck at_least(double minimum) {
  return [minimum](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return x >= minimum && std::isfinite(x) ? "" : "must be >= " + to_string(minimum);
  };
}

// [low, high], or [low, high) when high_open.
inline ValueCheck within(double low, double high, bool high_open = false) {
  return [=](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    const bool fine = x >= low && (high_open ? x < high : x <= high);
    return fine
               ? ""
               : "must be in [" + to_string(low) + ", " + to_string(high) + (high_open ? ")" : "]");
  };
}

inline ValueCheck even_at_least_two() {
  return [](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return x >= 2 && std::fmod(x, 2.0) == 0.0 ? "" : "must be even and >= 2";
  };
}

inline ParameterInfo number_parameter(const std::string& name, ValueKind kind, double default_value,
                                      ValueCheck check, const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = kind;
  info.default_value = Value{default_value};
  info.check = std::move(check);
  info.description = description;
  return info;
}

inline ParameterInfo text_parameter(const std::string& name, const std::string& default_value,
                                    std::vector<std::string> choices,
                                    const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = ValueKind::kString;
  info.default_value = Value{default_value};
  info.choices = std::move(choices);
  info.description = description;
  return info;
}

inline MetricInfo stochastic_metric(const std::string& name, const std::string& units,
                                    const std::string& description) {
  return MetricInfo{name, true, units, description};
}

// The message of the Error that `attempt` throws, or "" when it throws none: what
// Experiment::check_point returns for a point whose configuration `attempt` validates.
template <typename Attempt>
std::string error_message_of(Attempt&& attempt) {
  try {
    attempt();
  } catch (const Error& error) {
    return error.what();
  }
  return {};
}

}  // namespace ropesweep::detail
