#pragma once
// Building blocks of parameter and metric declarations: range checks phrased to
// follow the parameter name ("must be > 1") that also describe themselves for the
// parameter reference, and constructors of ParameterInfo and MetricInfo.
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep {

// The problem with `value` for the parameter (its kind, choices and range),
// phrased with the parameter's name; empty when the value is fine.
std::string value_problem(const ParameterInfo& info, const Value& value);

ValueCheck greater_than(double minimum);
ValueCheck at_least(double minimum);
ValueCheck at_most(double maximum);
// [low, high], or [low, high) when high_open.
ValueCheck within(double low, double high, bool high_open = false);
ValueCheck even_at_least_two();
// Both rules; the first one's problem is reported first.
ValueCheck both(ValueCheck first, ValueCheck second);

ParameterInfo real_parameter(const std::string& name, double default_value, ValueCheck check,
                             const std::string& unit, const std::string& description);
ParameterInfo integer_parameter(const std::string& name, double default_value, ValueCheck check,
                                const std::string& unit, const std::string& description);
// 0 or 1.
ParameterInfo flag_parameter(const std::string& name, bool default_value,
                             const std::string& description);
// `info` also answering to `aliases` (ParameterInfo::aliases).
ParameterInfo with_aliases(ParameterInfo info, std::vector<std::string> aliases);
ParameterInfo text_parameter(const std::string& name, const std::string& default_value,
                             std::vector<std::string> choices, const std::string& description);

MetricInfo stochastic_metric(const std::string& name, const std::string& units,
                             const std::string& description);
// A stochastic probability of a rare event (carries an upper bound).
MetricInfo rare_metric(const std::string& name, const std::string& units,
                       const std::string& description);
MetricInfo exact_metric(const std::string& name, const std::string& units,
                        const std::string& description);

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

}  // namespace ropesweep
