#pragma once
// The transformer probe once per instruction set. Its cost is Eigen's matrix products and
// attention (Eigen tiles, or on AVX2 and AVX-512F the fused kernel of fused_attention.hpp
// on Eigen's vector types), whose speed depends on the vector width they are compiled for, so
// probe.cpp and attention.cpp are compiled three times on x86-64: for the build's target
// (the SSE4.2 baseline), for AVX2 + FMA and for AVX-512F (src/physics/CMakeLists.txt).
// Each wide copy is linked into one object whose only global symbol is its table below;
// everything else in it, Eigen's and the standard library's inline code included, is
// local to it, so no copy's code can stand in for another's. The program's vector path
// (vector_path.hpp) picks the table.
//
// The paths differ in bits (wider products sum in another order, and the wide ones use
// FMA where Eigen asks for it); one path gives the same bits on every machine that has it.
#include <cstdint>
#include <vector>

#include "ropesweep/physics/attention.hpp"
#include "ropesweep/physics/probe.hpp"

namespace ropesweep {

namespace detail {
// run_probe_batch on the instruction set of the file it is compiled in.
ProbeMoments run_probe_batch_compiled(const ProbeConfig& config, std::uint64_t seed,
                                      std::uint64_t point, std::int64_t batch);
// causal_attention on the instruction set of the file it is compiled in.
void causal_attention_compiled(const AttentionHeads& shape, Eigen::Index first,
                               const MatrixF& queries, const MatrixF& keys, const MatrixF& values,
                               MatrixF& out);
}  // namespace detail

struct ProbePath {
  const char* instruction_sets;  // what this copy's Eigen was compiled for (provenance)
  ProbeMoments (*run_probe_batch)(const ProbeConfig& config, std::uint64_t seed,
                                  std::uint64_t point, std::int64_t batch);
  std::vector<ProbeReadout> (*forward)(const ProbeForward& forward,
                                       const std::vector<int>& base_tokens,
                                       const std::vector<ProbeVariant>& variants,
                                       bool share_prefix);
  void (*causal_attention)(const AttentionHeads& shape, Eigen::Index first,
                           const MatrixF& queries, const MatrixF& keys, const MatrixF& values,
                           MatrixF& out);
};

// The copy the program's vector path takes.
const ProbePath& probe_path();

}  // namespace ropesweep

// One table per compiled copy; probe_path_table.cpp defines the one its compile flags name.
extern "C" const ropesweep::ProbePath ropesweep_probe_path_baseline;
extern "C" const ropesweep::ProbePath ropesweep_probe_path_avx2;
extern "C" const ropesweep::ProbePath ropesweep_probe_path_avx512;
