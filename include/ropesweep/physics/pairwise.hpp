#pragma once
// The pairwise experiment of docs/science.md ("Failure modes"): the four failure probabilities of one
// attention score (position_inversion, position_aliasing, token_inversion,
// token_aliasing) for a Gaussian query and keys, under any encoding and
// precision, each with an honest standard error.
//
// Sampling scheme (docs/science-notes.md): the samples of a metric are grouped in
// independent replicate blocks; a block draws `queries` contents (q, xi, eta) and
// then `distances` distance draws, and every (query, distance) combination is a
// sample, so the scores of a block are one dense product of query features and
// per-distance cos/sin tables. Blocks are independent (each is its own random
// substream), so the standard error is the spread of the block means, never the
// per-sample variance.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/precision.hpp"
#include "ropesweep/core/estimate.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/sample_moments.hpp"

namespace ropesweep {

enum class EstimatorKind {
  kPlain,  // Monte Carlo over every random quantity: the reference
  // Inversions in fp64: the exact Gaussian failure probability given (q, distances),
  // averaged. Under fp32/bf16/fp16 rounding that law does not hold and the
  // inversions use plain Monte Carlo; aliasing is always plain Monte Carlo.
  kConditional
};
EstimatorKind parse_estimator(const std::string& name);  // "plain" | "conditional"
std::string estimator_name(EstimatorKind kind);

struct PairwiseConfig {
  EncodingConfig encoding;
  std::int64_t length = 4096;  // L >= 2
  double rho = 1.0;            // similarity of the relevant key, in [0, 1]
  double separation = 0.25;    // g: position pairs satisfy r2 - r1 >= max(1, ceil(g L))
  Precision precision = Precision::kFp64;
  std::int64_t samples = 20000;  // per metric (rounded up to whole blocks)
  // Samples per batch, the part of a point one task computes (rounded down to whole
  // replicate blocks, at least one); 0: kPairwiseBatchSamples.
  std::int64_t batch_samples = 0;
  EstimatorKind estimator = EstimatorKind::kConditional;
};

// Throws Error naming the first problem (ranges, and separation too large for length).
void validate(const PairwiseConfig& config);

// Each estimator reads its own stream (rng.hpp kStreamPositionInversion, ...) of
// (seed, point_index), so the four are independent and each is reproducible alone.
Estimate position_inversion(const PairwiseConfig& config, std::uint64_t seed,
                            std::uint64_t point_index);
Estimate position_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                           std::uint64_t point_index);
Estimate token_inversion(const PairwiseConfig& config, std::uint64_t seed,
                         std::uint64_t point_index);
Estimate token_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                        std::uint64_t point_index);

// Expected number of aliased (equal-score) position pairs in one context:
// P * L (L - 1) / 2, with the standard error scaled alike.
Estimate aliased_pairs(const Estimate& position_aliasing, std::int64_t length);

struct PairwiseResult {
  Estimate position_inversion, position_aliasing, aliased_pairs, token_inversion, token_aliasing;
};
// All of a point's batches, merged in order.
PairwiseResult pairwise_metrics(const PairwiseConfig& config, std::uint64_t seed,
                                std::uint64_t point_index);

// Batches: a point's replicate blocks in consecutive runs of equal length (the last may
// be shorter), so that parts of one point can be computed on different ranks. A batch
// computes the four estimators on its blocks; the batches merged in order give the
// point's results, whoever computed them. About 2 million samples (a second or two)
// per batch by default: a point of fewer samples is one batch and gives the bits of a
// computation in one piece.
inline constexpr std::int64_t kPairwiseBatchSamples = std::int64_t(1) << 21;
struct PairwiseMoments {
  SampleMoments position_inversion, position_aliasing, token_inversion, token_aliasing;
};
std::int64_t pairwise_blocks_per_batch(const PairwiseConfig& config);
std::int64_t pairwise_batch_count(const PairwiseConfig& config);
// Batch `batch` (0 <= batch < pairwise_batch_count) of the point; validates the config.
PairwiseMoments pairwise_batch(const PairwiseConfig& config, std::uint64_t seed,
                               std::uint64_t point_index, std::int64_t batch);
// The point's results from its batches, merged in the order given.
PairwiseResult pairwise_result(const PairwiseConfig& config,
                               const std::vector<PairwiseMoments>& batches);

namespace detail {

// Replicate-block layout of `samples` draws: blocks * queries * distances >= samples,
// with at least kMinBlocks blocks whenever samples >= kMinBlocks.
struct BlockPlan {
  std::int64_t blocks = 0;
  std::int64_t queries = 0;    // content draws of a block
  std::int64_t distances = 0;  // distance (or distance-pair) draws of a block
  std::int64_t per_block() const { return queries * distances; }
};
// Samples sharing a query or a distance are correlated: the block mean's variance
// is about (R var_q + Q var_r + var_e) / n for Q queries x R distances. Q <= 4
// keeps the distance term small where it dominates (L >> b, where the order of
// C(r1), C(r2) depends mostly on the pair), while the cos/sin tables of a distance
// still serve four queries; R <= 32 keeps the query term where it was.
constexpr std::int64_t kMinBlocks = 64;
constexpr std::int64_t kMaxBlockDistances = 32;
constexpr std::int64_t kMaxBlockQueries = 4;
BlockPlan plan_blocks(std::int64_t samples);

// Failure indicator of "a should beat b": 1[a < b] + 0.5 * 1[a == b].
inline double failure(double a, double b) { return a < b ? 1.0 : (a == b ? 0.5 : 0.0); }
// Token-inversion indicator: signs of x and y differ; a zero on either side is 1/2.
inline double sign_flip(double x, double y) {
  if (x == 0.0 || y == 0.0) return 0.5;
  return (x > 0.0) != (y > 0.0) ? 1.0 : 0.0;
}

struct DistancePair {
  std::int64_t near = 0, far = 0;  // r1 < r2
};
// Uniform over 0 <= r1 < r2 < L with r2 - r1 >= gap (exact, no rejection).
DistancePair draw_separated_pair(RandomStream& stream, std::int64_t length, std::int64_t gap);
// Uniform over r1 != r2 in [0, L) (ordered so that near < far).
DistancePair draw_distinct_pair(RandomStream& stream, std::int64_t length);

// The content of one query: q ~ N(0, I), k_rel = rho q + sqrt(1 - rho^2) xi and
// k_irr = eta, drawn in this order (q, xi, eta) from the block's stream before
// any distance. Only what is used is drawn: no xi when rho = 1 (k_rel = q), no
// eta for the position metrics (`irrelevant` false; content.irrelevant is then
// left empty), and only q for the conditional estimators, which integrate the keys
// out.
struct ClusterContent {
  std::vector<double> q, relevant, irrelevant;
};
void draw_content(RandomStream& stream, int head_dim, double rho, ClusterContent& content,
                  bool irrelevant = true);

// The stream of replicate block `cluster` of a metric.
inline RandomStream cluster_stream(std::uint64_t seed, std::uint64_t point_index, StreamId metric,
                                   std::int64_t cluster) {
  return RandomStream(StreamKey{seed, point_index, metric, static_cast<std::uint64_t>(cluster)});
}

// The exact path's source of cos/sin(r w_t) for any r in [0, L): with K =
// ceil(sqrt(L)) and r = hi K + lo, one angle addition of a coarse (hi K w_t) and
// a fine (lo w_t) table, both computed with vectorised sincos, so the error (a few
// ulp) does not grow with L and a factor costs ~6 flops instead of a sincos.
// Built once per (encoding, L): a point's four estimators share one.
struct AngleAdditionTables {
  AngleAdditionTables(const Encoding& encoding, std::int64_t length);
  AngleAdditionTables(const AngleAdditionTables&) = delete;  // the tables point into storage_
  AngleAdditionTables& operator=(const AngleAdditionTables&) = delete;
  std::int64_t split = 1;  // K
  const double* coarse_cos = nullptr;  // ceil(L / K) x pairs
  const double* coarse_sin = nullptr;
  const double* fine_cos = nullptr;  // K x pairs
  const double* fine_sin = nullptr;

 private:
  // The four tables and the angles they are computed from, in one allocation, filled once
  // (no zero fill): freed and allocated again by point after point, one large block is
  // reused by the allocator where five would be returned to the system and faulted in anew.
  std::unique_ptr<double[]> storage_;
};

// Scores of a block of queries against a block of distances.
//
// Exact path (fp64): s(q, k; r) = sum_t F_t(q, k) cos(r w_t) + G_t(q, k) sin(r w_t)
// - m r, so the scores of all (query, distance) pairs are the product of the
// query-key feature matrix [F G] (queries x d) with the per-distance table [cos;
// sin] (d x distances), built slice by slice from vectorised sincos tables. Likewise
// C(r) = |qh|^2 . cos. The product is a register-blocked kernel that sums every
// score over the frequencies in one fixed order, so equal inputs give equal
// scores at every position of the block (exact ties stay ties, e.g. NoPE).
//
// Finite path (fp32/bf16/fp16), as docs/science.md prescribes ("Precision"): angles fl(L-1-r) fl(w_t)
// in fp32 (absolute positions), the key rotated in fp32 and rounded to p (in bulk,
// all distances of the block at once), the dot product with the rounded rotated
// query accumulated in fp32 in memory order, the score rounded to p. Vectorised
// across distances, so each score's arithmetic is exactly that of the scalar
// reference kernel of the tests given the same cos/sin factors.
class BlockKernel {
 public:
  // `tables` (exact path): shared angle-addition tables of this encoding and
  // length; built by the kernel itself when none are given.
  BlockKernel(const Encoding& encoding, Precision precision, std::int64_t length,
              std::shared_ptr<const AngleAdditionTables> tables = nullptr);
  bool exact() const { return precision_ == Precision::kFp64; }

  // The block's distances in [0, L). Finite path: their cos/sin tables of fp32
  // absolute angles are computed here. Exact path: only their coarse and fine
  // indices; the factors of the relative angles r w_t, in fp64, are built slice by
  // slice in each exact_scores or profiles call.
  void set_distances(const std::int64_t* distances, std::int64_t count);
  // The same with the factors supplied (pairs x count each, distance fastest):
  // lets tests feed Encoding::rotation_factors and compare bit for bit.
  void set_factors(const std::int64_t* distances, std::int64_t count, const double* cos_f,
                   const double* sin_f);
  void set_factors(const std::int64_t* distances, std::int64_t count, const float* cos_f,
                   const float* sin_f);
  std::int64_t distance_count() const { return count_; }

  // Exact path: scores[c * count + j] of (queries[c], keys[c]) at distance j, for
  // `rows` query-key pairs stored row-major (rows x d).
  void exact_scores(const double* queries, const double* keys, std::int64_t rows, double* scores);
  // Exact path: profiles[c * count + j] = C(r_j) of queries[c].
  void profiles(const double* queries, std::int64_t rows, double* profiles);
  // Finite path: the query is rotated to m = L-1 and rounded once...
  void set_query(const double* q);
  // ...then scores[j] of `key` against it at every distance.
  void finite_scores(const double* key, double* scores);

 private:
  // out (rows x count) = features (rows x depth) * [cos; sin] table (depth x count),
  // summed in a fixed order, with the vector instructions of vector_path() (the same bits
  // on every path): the features of each query and its key (keys null: of the query alone,
  // for profiles, and the cos rows only) are computed first, and the table is built slice by
  // slice on the way (src/physics/block_product.hpp).
  void product(const double* queries, const double* keys, std::int64_t rows, double* out);
  void exact_factors();
  void finite_factors();

  const Encoding& encoding_;
  Precision precision_;
  std::int64_t length_;
  int pairs_;
  std::vector<int> real_, imag_;  // components of pair t (Encoding::real_index, imag_index)
  std::int64_t count_ = 0, stride_ = 0;  // distances, padded row length of the tables
  std::vector<std::int64_t> distances_;
  std::vector<double> table_;  // exact, supplied by set_factors: [cos; sin] rows, pairs x stride
  bool supplied_ = false;       // whether the product reads table_ rather than building slices
  std::vector<double> slice_;   // exact: one column block of the table, built per use
  std::shared_ptr<const AngleAdditionTables> tables_;  // exact path
  // Per block only the split indices (r = high K + low) are kept: each product
  // rebuilds its table slices from them.
  std::vector<std::int64_t> high_, low_;
  std::vector<float> cos32_, sin32_;  // finite: pairs x stride each
  std::vector<float> angles32_;
  std::vector<double> features_;  // exact: rows x d
  std::vector<float> query32_, key32_, rotated32_, sums32_, penalty32_;
};

}  // namespace detail
}  // namespace ropesweep
