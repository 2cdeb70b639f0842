#pragma once
// The compact forms of an axis, {form: [three numbers]} in the spec: linspace,
// logspace, geomspace and range (their values: detail:: in spec.hpp).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "ropesweep/experiments/parameters.hpp"
#include "spec_problems.hpp"

namespace ropesweep::detail {

// Every form's name, as problems list them: "linspace, logspace, geomspace, range".
std::string axis_form_names();

// The values of an axis given as a mapping `node` ({form: [a, b, c]}), each
// checked for the parameter; false after adding the problem to `problems`.
bool read_axis_form(const YAML::Node& node, const ParameterInfo& info, SpecProblems& problems,
                    std::vector<Value>& values);

}  // namespace ropesweep::detail
