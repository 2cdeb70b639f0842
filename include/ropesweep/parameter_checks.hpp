#pragma once
// Building blocks for an experiment's ParameterInfo list: range checks phrased to
// follow the parameter name ("must be > 1") and constructors with defaults.
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ropesweep/experiment.hpp"
#include "ropesweep/parameters.hpp"

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

}  // namespace ropesweep::detail
