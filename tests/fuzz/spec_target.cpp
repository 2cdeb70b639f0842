// Fuzz target of the sweep spec parser and validator: any bytes must give either
// a valid sweep or a list of one-line problems with a location, never a crash,
// a hang, an unbounded allocation or undefined behaviour. Built as a libFuzzer
// program with ROPESWEEP_FUZZ; the normal build links it with corpus_main.cpp
// to replay tests/fuzz/corpus/ as a regression test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ropesweep/sweep/spec.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "spec fuzz target: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ropesweep;
  const std::string text(reinterpret_cast<const char*>(data), size);
  SpecOptions options;
  options.max_point_checks = 2000;  // keep each input fast; the per-point check still runs
  const SpecResult result = parse_sweep(text, "fuzz.yaml", options);
  if (!result.ok()) {
    for (const SpecError& problem : result.problems) {
      const std::string message = problem.what();
      if (message.empty() || problem.problem().empty()) fail("empty problem", message);
      if (message.find('\n') != std::string::npos) fail("problem spans lines", message);
      if (message.rfind("fuzz.yaml", 0) != 0) fail("problem without location", message);
    }
    return 0;
  }
  // A valid spec reads back to the same computation, and its points expand.
  const std::string canonical = canonical_form(result.sweep);
  const SpecResult again = parse_sweep(result.sweep.text, "fuzz.yaml", options);
  if (!again.ok() || canonical_form(again.sweep) != canonical) fail("not reproducible", canonical);
  for (const ExperimentGrid& grid : result.sweep.experiments) {
    const std::uint64_t count = grid.point_count();
    if (count == 0) fail("valid grid without points", grid.name);
    for (std::uint64_t index : {std::uint64_t(0), count / 2, count - 1}) {
      if (grid.point_index(grid.coordinates(index)) != index) fail("point index", grid.name);
      grid.point(index);
    }
  }
  return 0;
}
