#pragma once
// How the spec's YAML scalars become parameter values and how problems quote them
// (what makes a value wrong for its parameter is value_problem of parameter_checks).
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

}  // namespace ropesweep::detail
