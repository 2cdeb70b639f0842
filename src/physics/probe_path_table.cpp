// The table of one compiled copy of the probe (probe_path.hpp). ROPESWEEP_PROBE_PATH_TABLE
// names it: ropesweep_probe_path_baseline (the build's own target), _avx2 or _avx512.
#include "probe_path.hpp"

#ifndef ROPESWEEP_PROBE_PATH_TABLE
#define ROPESWEEP_PROBE_PATH_TABLE ropesweep_probe_path_baseline
#endif

namespace ropesweep {
namespace {

std::vector<ProbeReadout> forward_compiled(const ProbeForward& forward,
                                           const std::vector<int>& base_tokens,
                                           const std::vector<ProbeVariant>& variants,
                                           bool share_prefix) {
  return forward.run_compiled(base_tokens, variants, share_prefix);
}

}  // namespace
}  // namespace ropesweep

// Read from the compiler's own target macros, so the record cannot disagree with the flags.
#if defined(__AVX512F__)
#define ROPESWEEP_PROBE_INSTRUCTION_SETS \
  "Eigen built for AVX-512F, AVX2 and FMA, attention fused on AVX-512F registers"
#elif defined(__AVX2__) && defined(__FMA__)
#define ROPESWEEP_PROBE_INSTRUCTION_SETS \
  "Eigen built for AVX2 and FMA, attention fused on AVX2 registers"
#else
#define ROPESWEEP_PROBE_INSTRUCTION_SETS "Eigen built for the compile flags' target"
#endif

extern "C" const ropesweep::ProbePath ROPESWEEP_PROBE_PATH_TABLE = {
    ROPESWEEP_PROBE_INSTRUCTION_SETS, &ropesweep::detail::run_probe_batch_compiled,
    &ropesweep::forward_compiled, &ropesweep::detail::causal_attention_compiled};
