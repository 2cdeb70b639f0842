#pragma once
// The pairwise experiment of SCIENCE.md: the four failure probabilities of one
// attention score (position_inversion, position_aliasing, token_inversion,
// token_aliasing) for a Gaussian query and keys, under any encoding and
// precision, each with an honest standard error.
//
// Sampling scheme (docs/science-notes.md): the samples of a metric are grouped in
// clusters; a cluster draws its content (q, xi, eta) once and then `per_cluster`
// distances. Clusters are independent (each is its own random substream), so the
// standard error is the spread of the cluster means, never the per-sample variance.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/encoding.hpp"
#include "ropesweep/precision.hpp"
#include "ropesweep/rng.hpp"

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
  std::int64_t samples = 20000;  // per metric (rounded up to whole clusters)
  EstimatorKind estimator = EstimatorKind::kConditional;
};

// Throws Error naming the first problem (ranges, and separation too large for length).
void validate(const PairwiseConfig& config);

struct Estimate {
  double value = 0.0;
  double se = 0.0;     // standard error from independent cluster means
  std::int64_t n = 0;  // number of samples behind the value
};

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
PairwiseResult pairwise_metrics(const PairwiseConfig& config, std::uint64_t seed,
                                std::uint64_t point_index);

namespace detail {

// Cluster layout of `samples` draws: clusters * per_cluster >= samples.
struct ClusterPlan {
  std::int64_t clusters = 0;
  std::int64_t per_cluster = 0;
};
constexpr std::int64_t kMinClusters = 64;    // enough cluster means for a stable SE
constexpr std::int64_t kMaxPerCluster = 32;  // distances sharing one content draw
ClusterPlan plan_clusters(std::int64_t samples);

// Failure indicator of "a should beat b": 1[a < b] + 0.5 * 1[a == b].
inline double failure(double a, double b) { return a < b ? 1.0 : (a == b ? 0.5 : 0.0); }
// Token-inversion indicator: signs of x and y differ; a zero on either side is 1/2.
inline double sign_flip(double x, double y) {
  if (x == 0.0 || y == 0.0) return 0.5;
  return (x > 0.0) != (y > 0.0) ? 1.0 : 0.0;
}

// max(1, ceil(g L)): the smallest allowed r2 - r1.
std::int64_t minimum_gap(std::int64_t length, double separation);

struct DistancePair {
  std::int64_t near = 0, far = 0;  // r1 < r2
};
// Uniform over 0 <= r1 < r2 < L with r2 - r1 >= gap (exact, no rejection).
DistancePair draw_separated_pair(RandomStream& stream, std::int64_t length, std::int64_t gap);
// Uniform over r1 != r2 in [0, L) (ordered so that near < far).
DistancePair draw_distinct_pair(RandomStream& stream, std::int64_t length);

// The content of one cluster: q ~ N(0, I), k_rel = rho q + sqrt(1 - rho^2) xi and
// k_irr = eta, drawn in this order (q, xi, eta) from the cluster's stream before
// any distance.
struct ClusterContent {
  std::vector<double> q, relevant, irrelevant;
};
void draw_content(RandomStream& stream, int head_dim, double rho, ClusterContent& content);

// The stream of cluster `cluster` of a metric.
inline RandomStream cluster_stream(std::uint64_t seed, std::uint64_t point_index, StreamId metric,
                                   std::int64_t cluster) {
  return RandomStream(StreamKey{seed, point_index, metric, static_cast<std::uint64_t>(cluster)});
}

// cos and sin of position * w_t for every position in [0, L) and every pair,
// computed by Encoding::rotation_factors itself, so that a kernel reading the table
// gives bitwise the same scores as one computing the factors on the fly.
template <typename T>
class RotationTable {
 public:
  RotationTable(const Encoding& encoding, std::int64_t length);
  std::int64_t length() const { return length_; }
  const T* cos_row(std::int64_t position) const { return cos_.data() + position * pairs_; }
  const T* sin_row(std::int64_t position) const { return sin_.data() + position * pairs_; }

 private:
  std::int64_t length_;
  std::int64_t pairs_;
  std::vector<T> cos_, sin_;
};

// Tables of the working type of one point (double for fp64, float otherwise), or none.
struct RotationTables {
  std::unique_ptr<RotationTable<double>> fp64;
  std::unique_ptr<RotationTable<float>> fp32;
};
// A table pays off when it is cheaper to build (L d/2 sin/cos) than the factors the
// samples would compute (~6 samples d/2), and stays small (<= 2^20 entries: 16 MB).
constexpr std::int64_t kMaxTableEntries = std::int64_t{1} << 20;
bool use_rotation_table(const PairwiseConfig& config);
RotationTables make_rotation_tables(const Encoding& encoding, const PairwiseConfig& config);

// Scores of one query at absolute position m = L - 1 against keys at distance r
// (position n = L - 1 - r) in precision p, as SCIENCE.md prescribes: angles in fp64
// for fp64 and fp32 otherwise, rotated q and k rounded to p, dot product
// accumulated in T in memory order, ALiBi penalty subtracted in T, score rounded to p.
// T is double for fp64 and float otherwise.
class ScoreKernel {
 public:
  // `tables` (optional) must outlive the kernel and cover [0, length).
  ScoreKernel(const Encoding& encoding, Precision precision, std::int64_t length,
              const RotationTables* tables = nullptr);
  void set_query(const double* q);
  double score(const double* key, std::int64_t distance);
  // Two keys at the same distance share one set of rotation factors.
  void score_pair(const double* key_a, const double* key_b, std::int64_t distance, double* score_a,
                  double* score_b);

 private:
  template <typename T>
  struct Buffers {
    std::vector<T> query, key_a, key_b, rotated_a, rotated_b, cos_f, sin_f;
  };
  template <typename T>
  void rotate_key(const T* cos_f, const T* sin_f, const double* key, std::vector<T>& in,
                  std::vector<T>& out);
  // Rotation factors at `position`: a table row, or computed into the buffers.
  template <typename T>
  void factors(Buffers<T>& b, std::int64_t position, const T** cos_f, const T** sin_f);
  template <typename T>
  double dot(const Buffers<T>& b, const std::vector<T>& rotated, std::int64_t distance) const;
  template <typename T>
  void set_query_impl(Buffers<T>& b, const double* q);
  template <typename T>
  void score_impl(Buffers<T>& b, const double* key_a, const double* key_b, std::int64_t distance,
                  double* score_a, double* score_b);

  const Encoding& encoding_;
  Precision precision_;
  std::int64_t length_;
  const RotationTables* tables_;
  Buffers<double> fp64_;
  Buffers<float> fp32_;
};

// C(r) for one query with its |qh_t|^2 precomputed (exact arithmetic, fp64).
class QueryProfile {
 public:
  // `table` (optional) serves integer r in [0, table->length()) bit for bit.
  QueryProfile(const Encoding& encoding, const double* q,
               const RotationTable<double>* table = nullptr);
  double C(double r) const;

 private:
  std::vector<double> weight_, frequency_;
  double scale_squared_;
  const RotationTable<double>* table_;
};

}  // namespace detail
}  // namespace ropesweep
