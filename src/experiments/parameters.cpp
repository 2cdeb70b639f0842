#include "ropesweep/experiments/parameters.hpp"

#include <cmath>
#include <sstream>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

std::string to_string(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  std::ostringstream out;
  out.precision(17);
  out << std::get<double>(value);
  return out.str();
}

const Value& Parameters::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw Error("parameter '" + name + "' is not set");
  return it->second;
}

double Parameters::number(const std::string& name) const {
  const Value& value = get(name);
  if (const auto* number = std::get_if<double>(&value)) return *number;
  throw Error("parameter '" + name + "' is text ('" + std::get<std::string>(value) +
              "'), expected a number");
}

std::int64_t Parameters::integer(const std::string& name) const {
  const double number = this->number(name);
  if (std::floor(number) != number || std::fabs(number) > 9.0e15) {
    throw Error("parameter '" + name + "' = " + to_string(number) + " is not a whole number");
  }
  return static_cast<std::int64_t>(number);
}

const std::string& Parameters::text(const std::string& name) const {
  const Value& value = get(name);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  throw Error("parameter '" + name + "' is a number, expected text");
}

}  // namespace ropesweep
