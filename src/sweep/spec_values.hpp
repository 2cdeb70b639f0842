#pragma once
// How the spec's YAML scalars become parameter values, and what makes a value
// wrong for its parameter (kind, choices, range), as the words of a problem.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep::detail {

// A plain (unquoted) YAML scalar as a finite number; nullopt for anything else.
std::optional<double> scalar_number(const YAML::Node& node);

// A node as a problem quotes it: a scalar's text, else "a list", "a mapping", "nothing".
std::string describe(const YAML::Node& node);

// A value as a problem quotes it: numbers in their shortest text.
std::string value_text(const Value& value);

// What is wrong with `value` for the parameter (kind, choices, range); empty when fine.
std::string value_problem(const ParameterInfo& info, const Value& value);

}  // namespace ropesweep::detail
