#pragma once
// The minimum separation of a position pair, one rule for every experiment
// (docs/science.md, "Minimum separation"): r2 - r1 >= max(1, ceil(g L)), with
// ceil taken so that floating error in g L never rounds an exact integer up
// (g = 0.07, L = 100 gives 7).
#include <cstdint>

namespace ropesweep {

std::int64_t minimum_gap(std::int64_t length, double separation);

}  // namespace ropesweep
