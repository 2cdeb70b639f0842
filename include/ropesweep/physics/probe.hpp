#pragma once
// The transformer probe of docs/science.md ("Transformer probe": do heads and layers
// help?"): a randomly initialised decoder-only attention stack, run on filler
// sequences that hold a needle (a copy of the probe token at the query position)
// or a distractor, read out at the last layer's attention from the query row.
//
// Model (choices where docs/science.md is silent are marked "choice"):
//   h_0 = E[token], E iid N(0, 1), d_model = heads * head_dim;
//   per layer  h <- h + Attn(RMSNorm(h)) W_o  [+ MLP: h <- h + GELU(RMSNorm(h) W_1) W_2];
//   W_q, W_k, W_v, W_o iid N(0, 1/d_model); choice: W_1 (d_model x 4 d_model) iid
//   N(0, 1/d_model), W_2 iid N(0, 1/(4 d_model)), GELU (tanh form), RMSNorm without a
//   gain, epsilon 1e-6; optionally W_k = W_q (qk_tied) so the needle is relevant.
//   Logits q.k / sqrt(head_dim) with the encoding applied to q and k of every head in
//   every layer through Encoding::rotate (fp32 angles; YaRN's temperature included);
//   ALiBi as the per-head penalty alibi_slopes(heads)[h] * distance added to the
//   scaled logit (Press et al.).
//   Everything runs in fp32; the precision p only enters the aliasing read-out.
#include <cstdint>
#include <vector>

#include "ropesweep/core/estimate.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/attention.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/precision.hpp"
#include "ropesweep/physics/sample_moments.hpp"

namespace ropesweep {

struct ProbeConfig {
  int heads = 4;
  int layers = 2;
  int head_dim = 64;
  int length = 4096;  // L: the query sits at position L-1
  int vocab = 4096;   // V
  bool mlp = false;
  bool qk_tied = false;
  double separation = 0.25;  // g: r2 - r1 >= max(1, ceil(g L))
  std::int64_t samples = 16;
  std::int64_t batch_samples = 0;  // samples per batch; 0: chosen from the cost (see batches)
  EncodingConfig encoding;  // its head_dim must equal head_dim
  Precision precision = Precision::kBf16;

  int width() const { return heads * head_dim; }
};

// Throws Error naming the first problem of an inconsistent configuration.
void validate(const ProbeConfig& config);

struct ProbeLayer {
  MatrixF query, key, value, output;  // d_model x d_model
  MatrixF mlp_in, mlp_out;            // d_model x 4 d_model, 4 d_model x d_model (mlp only)
};

struct ProbeModel {
  int heads = 1;
  int head_dim = 1;
  MatrixF vocabulary;  // V x d_model, one embedding per row
  std::vector<ProbeLayer> layers;
  int width() const { return heads * head_dim; }
};

// Draws a model from the counter-based streams: matrix m of the model numbered by
// `sample` comes from StreamKey{seed, point, kStreamProbeWeights, sample << 16 | m},
// so each matrix is fixed whatever else the configuration switches on.
ProbeModel draw_probe_model(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                            std::uint64_t sample);

// A sequence that differs from the shared base sequence at one position.
struct ProbeVariant {
  std::int64_t position = 0;
  int token = 0;
};

// What the last layer's query row (position L-1) sees of a variant's position.
struct ProbeReadout {
  std::vector<double> weight;   // per head: softmax attention weight on the position
  std::vector<double> logit;    // per head: the fp32 pre-softmax logit used for the weight
  std::vector<double> rounded;  // per head: the logit in precision p (see ProbeForward)
};

// Forward passes of one model over a base sequence and variants of it.
//
// With share_prefix, the part of the base sequence that a variant shares is run once:
// rows before the block that holds the variant's position are taken from the base
// pass in every layer, layer by layer, so memory holds the base and the variants'
// suffixes (O(variants * L * d_model)), never anything per layer. Without it every
// variant is a full pass from position 0. Both give bitwise identical read-outs
// (blocks are aligned to absolute positions; see attention.hpp). The last layer
// computes keys for every position but a query, logits and softmax for the query
// row only.
//
// `rounded` follows docs/science.md, "Precision", for the last layer: the query at L-1 and
// the key at the variant's position, rotated (fp64 angles for fp64, fp32 otherwise),
// are rounded to p as a KV cache holds them, their dot product accumulates in fp32
// (fp64 for fp64), is scaled by 1/sqrt(head_dim), the ALiBi penalty is subtracted and
// the result is rounded to p.
class ProbeForward {
 public:
  ProbeForward(const ProbeModel& model, const Encoding& encoding, Precision precision, bool mlp);

  // On the program's vector path (physics/vector_path.hpp): the matrix products and the
  // attention of each path come from Eigen compiled for its instruction set, so the bits
  // depend on the path (and only on it).
  std::vector<ProbeReadout> run(const std::vector<int>& base_tokens,
                                const std::vector<ProbeVariant>& variants,
                                bool share_prefix = true) const;
  // The same, built for the instruction set of the file it is compiled in (probe_path.hpp).
  std::vector<ProbeReadout> run_compiled(const std::vector<int>& base_tokens,
                                         const std::vector<ProbeVariant>& variants,
                                         bool share_prefix) const;

  const AttentionHeads& heads() const { return heads_; }

 private:
  struct Segment;
  struct LayerScratch;
  void embed(const std::vector<int>& tokens, const ProbeVariant* variant, Segment& segment) const;
  void encode(MatrixF& rows, Eigen::Index first_position) const;
  void layer_block(const ProbeLayer& layer, Segment& segment, Eigen::Index local_row,
                   Eigen::Index rows, MatrixF& keys, MatrixF& values, bool last,
                   LayerScratch& scratch) const;
  ProbeReadout read_out(const ProbeLayer& layer, const Segment& segment, std::int64_t position,
                        const MatrixF& keys) const;

  const ProbeModel& model_;
  const Encoding& encoding_;
  Precision precision_;
  bool mlp_;
  AttentionHeads heads_;
};

// One sample's random draws: the probe token x*, the distractor, the filler, the
// position pair (r1, r2) for the position comparison and the distance r for the
// token comparison.
struct ProbeSample {
  int probe_token = 0;
  int distractor = 1;
  std::vector<int> tokens;    // length L, tokens[L-1] = probe token
  std::int64_t near = 1;      // r1
  std::int64_t far = 2;       // r2
  std::int64_t distance = 1;  // r
};

// Choice: the filler excludes x* and the distractor so the needle is the only copy
// of x* besides the query and the distractor appears once. r1 < r2 are uniform over
// the pairs in {1..L-1} (position L-1 holds the query) with r2 - r1 >= max(1,
// ceil(g L)); r is uniform on {1..L-1}.
ProbeSample draw_probe_sample(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                              std::uint64_t sample);

// The six sequences a sample compares, as variants of its filler + query sequence:
// needle at r1, needle at r2, needle at 1, distractor at 1, needle at r, distractor at r.
std::vector<ProbeVariant> probe_variants(const ProbeSample& sample, int length);

// Per-grid-point results; model-level uses the weight summed over heads (and, for
// aliasing, equality of every head's logit), "_head" the mean over heads of each
// head's own test. Needle weights are head means. ProbeMetrics<Estimate> holds the
// estimates, ProbeMetrics<SampleMoments> what a batch of samples contributes to them.
template <typename T>
struct ProbeMetrics {
  T position_inversion, position_inversion_head;
  T token_inversion, token_inversion_head;
  T position_aliasing, position_aliasing_head;
  T token_aliasing, token_aliasing_head;
  T needle_weight_r1, needle_weight_r2;
};
using ProbeResult = ProbeMetrics<Estimate>;
using ProbeMoments = ProbeMetrics<SampleMoments>;

// Runs every sample of one grid point. A sample is one model and one sequence set,
// independent of every other, so standard errors are the per-sample standard
// deviation over sqrt(samples) (over random models and sequences together). Runs on the
// program's vector path, as ProbeForward::run does. The same as all of the point's
// batches merged in order.
ProbeResult run_probe(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point);

// Batches: a point's samples in consecutive runs of equal length (the last may be
// shorter), so that the samples of one point can be computed on different ranks. The
// length is config.batch_samples, or else as many samples as fit in kProbeBatchWork
// (at least one): one sample of L = 4096, 16 heads x 64, 2 layers, a second or two.
// The batches merged in order give the point's results whoever computed them; a point of
// one batch gives the bits of a computation in one piece.
inline constexpr double kProbeBatchWork = 2e10;
std::int64_t probe_samples_per_batch(const ProbeConfig& config);
std::int64_t probe_batch_count(const ProbeConfig& config);
// Batch `batch` (0 <= batch < probe_batch_count) of the point, on the program's vector path.
ProbeMoments run_probe_batch(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                             std::int64_t batch);
// The point's results from its batches, merged in the order given.
ProbeResult probe_result(const std::vector<ProbeMoments>& batches);

// Relative cost of run_probe in multiply-adds (for the sweep's cost model).
double probe_work(const ProbeConfig& config);

}  // namespace ropesweep
