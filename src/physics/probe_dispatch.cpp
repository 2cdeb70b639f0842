// The probe's entry points, on the program's vector path (probe_path.hpp).
#include "probe_path.hpp"

#include <string>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

namespace ropesweep {

const ProbePath& probe_path() {
#if ROPESWEEP_X86_KERNELS
  switch (vector_path()) {
    case VectorPath::kAvx512:
      return ropesweep_probe_path_avx512;
    case VectorPath::kAvx2:
      return ropesweep_probe_path_avx2;
    default:
      break;
  }
#endif
  return ropesweep_probe_path_baseline;
}

void causal_attention(const AttentionHeads& shape, Eigen::Index first, const MatrixF& queries,
                      const MatrixF& keys, const MatrixF& values, MatrixF& out) {
  probe_path().causal_attention(shape, first, queries, keys, values, out);
}

std::vector<ProbeReadout> ProbeForward::run(const std::vector<int>& base_tokens,
                                            const std::vector<ProbeVariant>& variants,
                                            bool share_prefix) const {
  return probe_path().forward(*this, base_tokens, variants, share_prefix);
}

ProbeMoments run_probe_batch(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                             std::int64_t batch) {
  validate(config);
  if (batch < 0 || batch >= probe_batch_count(config)) {
    throw Error("probe: batch " + std::to_string(batch) + " is not one of the point's " +
                std::to_string(probe_batch_count(config)));
  }
  return probe_path().run_probe_batch(config, seed, point, batch);
}

ProbeResult run_probe(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point) {
  validate(config);
  std::vector<ProbeMoments> batches;
  for (std::int64_t batch = 0; batch < probe_batch_count(config); ++batch) {
    batches.push_back(run_probe_batch(config, seed, point, batch));
  }
  return probe_result(batches);
}

}  // namespace ropesweep
