// The canonical form is stored in results files and compared on resume: its
// text must stay the same for the same computation, byte for byte.
#include <string>

#include "ropesweep/core/format.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

void append_value(std::string& out, const Value& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    out += format_exact(*number);
  } else {
    out += '"' + std::get<std::string>(value) + '"';
  }
}

// " name=[v1,v2,...]"
void append_axis(std::string& out, const Axis& axis) {
  out += " " + axis.name + "=[";
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    if (i) out += ",";
    append_value(out, axis.values[i]);
  }
  out += "]";
}

void append_grid(std::string& out, const ExperimentGrid& grid) {
  out += "experiment " + grid.name + " kind " + grid.kind + "\n";
  for (const Dimension& dimension : grid.dimensions) {
    out += " dimension";
    for (const Axis& axis : dimension.axes) append_axis(out, axis);
    out += "\n";
  }
  for (const auto& [name, value] : grid.fixed.all()) {
    out += " fixed " + name + "=";
    append_value(out, value);
    out += "\n";
  }
}

}  // namespace

std::string canonical_form(const Sweep& sweep) {
  std::string out = "seed " + std::to_string(sweep.seed) + "\n";
  for (const ExperimentGrid& grid : sweep.experiments) append_grid(out, grid);
  return out;
}

}  // namespace ropesweep
