#include "ropesweep/physics/pairwise.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "block_product.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/physics/gaussian.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/separation.hpp"
#include "ropesweep/physics/sincos.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

namespace ropesweep {

EstimatorKind parse_estimator(const std::string& name) {
  if (name == "plain") return EstimatorKind::kPlain;
  if (name == "conditional") return EstimatorKind::kConditional;
  throw Error("unknown estimator '" + name + "' (known: plain, conditional)");
}

std::string estimator_name(EstimatorKind kind) {
  return kind == EstimatorKind::kPlain ? "plain" : "conditional";
}

namespace detail {

BlockPlan plan_blocks(std::int64_t samples) {
  if (samples < 2) throw Error("samples must be >= 2");
  BlockPlan plan;
  const std::int64_t per_block =
      std::clamp<std::int64_t>(samples / kMinBlocks, 1, kMaxBlockQueries * kMaxBlockDistances);
  plan.distances = std::min(per_block, kMaxBlockDistances);
  plan.queries = std::clamp<std::int64_t>(per_block / plan.distances, 1, kMaxBlockQueries);
  plan.blocks = (samples + plan.per_block() - 1) / plan.per_block();
  return plan;
}

DistancePair draw_separated_pair(RandomStream& stream, std::int64_t length, std::int64_t gap) {
  // With M = L - gap, (r1, r2 - gap) ranges over the triangle 0 <= i <= j < M. A
  // uniform cell (a, b) of the (M + 1) x M grid maps onto it two-to-one: (a, b) if
  // a <= b, else (b, a - 1). So the pair is exactly uniform.
  const auto m = static_cast<std::uint64_t>(length - gap);
  const auto a = static_cast<std::int64_t>(stream.uniform_int(m + 1));
  const auto b = static_cast<std::int64_t>(stream.uniform_int(m));
  DistancePair pair;
  if (a <= b) {
    pair.near = a;
    pair.far = b + gap;
  } else {
    pair.near = b;
    pair.far = a - 1 + gap;
  }
  return pair;
}

DistancePair draw_distinct_pair(RandomStream& stream, std::int64_t length) {
  const auto n = static_cast<std::uint64_t>(length);
  auto first = static_cast<std::int64_t>(stream.uniform_int(n));
  auto second = static_cast<std::int64_t>(stream.uniform_int(n - 1));
  if (second >= first) ++second;
  return {std::min(first, second), std::max(first, second)};
}

void draw_content(RandomStream& stream, int head_dim, double rho, ClusterContent& content,
                  bool irrelevant) {
  content.q.resize(head_dim);
  content.relevant.resize(head_dim);
  content.irrelevant.resize(irrelevant ? head_dim : 0);
  fill_normal(stream, content.q.data(), head_dim);
  if (rho == 1.0) {
    content.relevant = content.q;
  } else {
    fill_normal(stream, content.relevant.data(), head_dim);  // xi
    const double noise = std::sqrt(std::max(0.0, 1.0 - rho * rho));
    for (int i = 0; i < head_dim; ++i) {
      content.relevant[i] = rho * content.q[i] + noise * content.relevant[i];
    }
  }
  if (irrelevant) fill_normal(stream, content.irrelevant.data(), head_dim);
}

namespace {

// The finite path's rows of distances are padded to a multiple of 8: its loops over them
// then vectorise whole (the exact path's to kColumnBlock, its product's widest block).
constexpr std::int64_t kFinitePadding = 8;

std::int64_t padded(std::int64_t count, std::int64_t multiple) {
  return std::max<std::int64_t>(multiple, (count + multiple - 1) / multiple * multiple);
}

}  // namespace

BlockKernel::BlockKernel(const Encoding& encoding, Precision precision, std::int64_t length,
                         std::shared_ptr<const AngleAdditionTables> tables)
    : encoding_(encoding),
      precision_(precision),
      length_(length),
      pairs_(encoding.pairs()),
      tables_(std::move(tables)) {
  const std::size_t d = encoding.head_dim();
  query32_.assign(d, 0.0f);
  key32_.assign(d, 0.0f);
  for (int t = 0; t < pairs_; ++t) {
    real_.push_back(encoding.real_index(t));
    imag_.push_back(encoding.imag_index(t));
  }
}

void BlockKernel::set_distances(const std::int64_t* distances, std::int64_t count) {
  count_ = count;
  stride_ = padded(count, exact() ? kColumnBlock : kFinitePadding);
  distances_.assign(distances, distances + count);
  distances_.resize(stride_, distances_.empty() ? 0 : distances_.back());
  if (exact()) {
    exact_factors();
  } else {
    finite_factors();
  }
}

AngleAdditionTables::AngleAdditionTables(const Encoding& encoding, std::int64_t length)
    : split(std::max<std::int64_t>(
          1, static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(length)))))) {
  const std::int64_t pairs = encoding.pairs();
  const std::vector<double>& w = encoding.frequencies();
  const std::int64_t coarse_rows = (length + split - 1) / split;
  const auto coarse_cells = static_cast<std::size_t>(pairs * coarse_rows);
  const auto fine_cells = static_cast<std::size_t>(pairs * split);
  storage_.reset(new double[2 * coarse_cells + 2 * fine_cells + std::max(coarse_cells, fine_cells)]);
  double* coarse = storage_.get();           // cos, sin
  double* fine = coarse + 2 * coarse_cells;  // cos, sin
  double* angles = fine + 2 * fine_cells;    // room for either table's
  coarse_cos = coarse;
  coarse_sin = coarse + coarse_cells;
  fine_cos = fine;
  fine_sin = fine + fine_cells;
  auto build = [&](std::int64_t count, std::int64_t step, double* cos_out, double* sin_out) {
    for (std::int64_t i = 0; i < count; ++i) {
      for (std::int64_t t = 0; t < pairs; ++t) {
        angles[i * pairs + t] = static_cast<double>(i * step) * w[t];  // [i][t]
      }
    }
    sincos_bulk(angles, static_cast<std::size_t>(pairs * count), cos_out, sin_out);
  };
  build(coarse_rows, split, coarse, coarse + coarse_cells);
  build(split, 1, fine, fine + fine_cells);
}

void BlockKernel::exact_factors() {
  if (!tables_) tables_ = std::make_shared<const AngleAdditionTables>(encoding_, length_);
  const std::int64_t split = tables_->split;
  supplied_ = false;
  high_.resize(stride_);
  low_.resize(stride_);
  const double inverse_split = 1.0 / static_cast<double>(split);
  for (std::int64_t j = 0; j < stride_; ++j) {
    if (distances_[j] < 0 || distances_[j] >= length_) {
      throw Error("BlockKernel: distance " + std::to_string(distances_[j]) + " outside [0, L)");
    }
    // Quotient through a double reciprocal, corrected by one step: a 64-bit
    // division per distance costs as much as a row of the table.
    std::int64_t high =
        static_cast<std::int64_t>(static_cast<double>(distances_[j]) * inverse_split);
    std::int64_t low = distances_[j] - high * split;
    if (low < 0) {
      --high;
      low += split;
    } else if (low >= split) {
      ++high;
      low -= split;
    }
    high_[j] = high;
    low_[j] = low;
  }
}

void BlockKernel::finite_factors() {
  const std::size_t cells = static_cast<std::size_t>(pairs_ * stride_);
  angles32_.resize(cells);
  cos32_.resize(cells);
  sin32_.resize(cells);
  const std::vector<double>& w = encoding_.frequencies();
  for (int t = 0; t < pairs_; ++t) {
    const float frequency = static_cast<float>(w[t]);
    float* row = angles32_.data() + t * stride_;
    for (std::int64_t j = 0; j < stride_; ++j) {
      // fp32 absolute position times fp32 frequency, as Encoding::rotation_factors.
      const auto position = static_cast<float>(static_cast<double>(length_ - 1 - distances_[j]));
      row[j] = position * frequency;
    }
  }
  sincos_bulk(angles32_.data(), cells, cos32_.data(), sin32_.data());
}

template <typename T>
static void copy_factor_rows(const T* source, std::int64_t pairs, std::int64_t count,
                             std::int64_t stride, T* target) {
  for (std::int64_t t = 0; t < pairs; ++t) {
    for (std::int64_t j = 0; j < stride; ++j) {
      target[t * stride + j] = source[t * count + std::min(j, count - 1)];
    }
  }
}

void BlockKernel::set_factors(const std::int64_t* distances, std::int64_t count,
                              const double* cos_f, const double* sin_f) {
  if (!exact()) throw Error("BlockKernel: fp64 factors for a finite-precision kernel");
  count_ = count;
  stride_ = padded(count, kColumnBlock);
  distances_.assign(distances, distances + count);
  distances_.resize(stride_, distances_.back());
  const std::size_t cells = static_cast<std::size_t>(pairs_ * stride_);
  table_.resize(2 * cells);
  copy_factor_rows(cos_f, pairs_, count, stride_, table_.data());
  copy_factor_rows(sin_f, pairs_, count, stride_, table_.data() + cells);
  supplied_ = true;
}

void BlockKernel::set_factors(const std::int64_t* distances, std::int64_t count, const float* cos_f,
                              const float* sin_f) {
  if (exact()) throw Error("BlockKernel: fp32 factors for an fp64 kernel");
  count_ = count;
  stride_ = padded(count, kFinitePadding);
  distances_.assign(distances, distances + count);
  distances_.resize(stride_, distances_.back());
  const std::size_t cells = static_cast<std::size_t>(pairs_ * stride_);
  cos32_.resize(cells);
  sin32_.resize(cells);
  copy_factor_rows(cos_f, pairs_, count, stride_, cos32_.data());
  copy_factor_rows(sin_f, pairs_, count, stride_, sin32_.data());
}

void BlockKernel::product(const double* queries, const double* keys, std::int64_t rows,
                          double* out) {
  const std::int64_t depth = keys != nullptr ? 2 * pairs_ : pairs_;
  double* slice = cache_aligned(slice_, static_cast<std::size_t>(2 * pairs_ * kColumnBlock));
  double* features = cache_aligned(features_, static_cast<std::size_t>(rows * depth));
  FactorSource factors{pairs_, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  if (!supplied_) {
    factors = {pairs_,           tables_->coarse_cos, tables_->coarse_sin, tables_->fine_cos,
               tables_->fine_sin, high_.data(),        low_.data()};
  }
  const FeatureSource source{queries,
                             keys,
                             encoding_.head_dim(),
                             pairs_,
                             encoding_.layout() == PairLayout::kInterleaved,
                             encoding_.qk_scale() * encoding_.qk_scale()};
  const ProductJob job{source, features, rows,
                       depth,  out,              count_,
                       stride_, supplied_ ? table_.data() : nullptr, factors,
                       slice};
  switch (vector_path()) {
#if ROPESWEEP_X86_KERNELS
    case VectorPath::kAvx512:
      return product_avx512(job);
    case VectorPath::kAvx2:
      return product_avx2(job);
    case VectorPath::kSse2:
      return product_sse2(job);
#endif
    default:
      return product_generic(job);
  }
}

void BlockKernel::exact_scores(const double* queries, const double* keys, std::int64_t rows,
                               double* scores) {
  product(queries, keys, rows, scores);
  const double slope = encoding_.distance_slope();
  if (slope != 0.0) {
    for (std::int64_t c = 0; c < rows; ++c) {
      for (std::int64_t j = 0; j < count_; ++j) {
        scores[c * count_ + j] -= slope * static_cast<double>(distances_[j]);
      }
    }
  }
}

void BlockKernel::profiles(const double* queries, std::int64_t rows, double* out) {
  product(queries, nullptr, rows, out);
}

void BlockKernel::set_query(const double* q) {
  const int d = encoding_.head_dim();
  for (int i = 0; i < d; ++i) key32_[i] = static_cast<float>(q[i]);
  encoding_.rotate(key32_.data(), static_cast<double>(length_ - 1), query32_.data());
  round_to(query32_.data(), query32_.size(), precision_);
}

void BlockKernel::finite_scores(const double* key, double* scores) {
  const int d = encoding_.head_dim();
  for (int i = 0; i < d; ++i) key32_[i] = static_cast<float>(key[i]);
  rotated32_.resize(stride_);
  sums32_.assign(stride_, 0.0f);
  const float scale = static_cast<float>(encoding_.qk_scale());
  const bool interleaved = encoding_.layout() == PairLayout::kInterleaved;
  float* rotated = rotated32_.data();
  float* sums = sums32_.data();
  const std::int64_t stride = stride_;
  // Components in memory order, so every score accumulates as the scalar reference
  // kernel of the tests does.
  for (int i = 0; i < d; ++i) {
    const int t = interleaved ? i / 2 : i % pairs_;
    const bool imaginary = interleaved ? (i % 2 == 1) : (i >= pairs_);
    const float x = key32_[real_[t]], y = key32_[imag_[t]];
    const float* cos_row = cos32_.data() + t * stride;
    const float* sin_row = sin32_.data() + t * stride;
    if (imaginary) {
      for (std::int64_t j = 0; j < stride; ++j)
        rotated[j] = scale * (x * sin_row[j] + y * cos_row[j]);
    } else {
      for (std::int64_t j = 0; j < stride; ++j)
        rotated[j] = scale * (x * cos_row[j] - y * sin_row[j]);
    }
    round_to(rotated, static_cast<std::size_t>(stride), precision_);
    const float qi = query32_[i];
    for (std::int64_t j = 0; j < stride; ++j) sums[j] += qi * rotated[j];
  }
  const double slope = encoding_.distance_slope();
  if (slope != 0.0) {
    const auto slope32 = static_cast<float>(slope);
    for (std::int64_t j = 0; j < stride; ++j)
      sums[j] -= slope32 * static_cast<float>(distances_[j]);
  }
  round_to(sums, static_cast<std::size_t>(stride), precision_);
  for (std::int64_t j = 0; j < count_; ++j) scores[j] = static_cast<double>(sums[j]);
}

}  // namespace detail

namespace {

std::string number_text(double value) { return format_significant(value, 10); }

}  // namespace

void validate(const PairwiseConfig& config) {
  const Encoding encoding(config.encoding);  // checks the encoding's own parameters
  if (config.length < 2) {
    throw Error("length must be >= 2 (got " + std::to_string(config.length) + ")");
  }
  if (!(config.rho >= 0.0 && config.rho <= 1.0)) {
    throw Error("rho must be in [0, 1] (got " + number_text(config.rho) + ")");
  }
  if (!(config.separation >= 0.0 && config.separation < 1.0)) {
    throw Error("separation must be in [0, 1) (got " + number_text(config.separation) + ")");
  }
  if (minimum_gap(config.length, config.separation) > config.length - 1) {
    throw Error("separation " + number_text(config.separation) + " leaves no distance pair " +
                "at length " + std::to_string(config.length) +
                " (needs ceil(separation * length) <= length - 1)");
  }
  if (config.samples < 2) {
    throw Error("samples must be >= 2 (got " + std::to_string(config.samples) + ")");
  }
  if (config.batch_samples < 0) {
    throw Error("batch_samples must be >= 0 (got " + std::to_string(config.batch_samples) + ")");
  }
}

namespace {

// The moments of the block means of replicate blocks [first, last): blocks are
// independent and equally sized, so their spread gives an honest standard error whatever
// the dependence between the samples inside a block (shared queries and distances), and
// the blocks that saw an event bound a rare event's rate (sample_moments.hpp).
struct BlockRange {
  std::int64_t first = 0, last = 0;
};

template <typename BlockMean>
SampleMoments over_blocks(BlockRange range, BlockMean&& block_mean) {
  SampleMoments moments;
  for (std::int64_t k = range.first; k < range.last; ++k) moments.add(block_mean(k));
  return moments;
}

// The conditional estimators are exact only in exact arithmetic; under rounding
// (fp32, bf16, fp16) the inversions fall back to plain Monte Carlo.
bool use_conditional(const PairwiseConfig& config) {
  return config.estimator == EstimatorKind::kConditional && config.precision == Precision::kFp64;
}

using SharedTables = std::shared_ptr<const detail::AngleAdditionTables>;

// The content of one block: `queries` draws of (q, xi, eta) in this order (as
// detail::draw_content), stored row-major (queries x d) for the kernel.
struct BlockContent {
  std::vector<double> q, relevant, irrelevant;
  detail::ClusterContent one;
  std::vector<double> paired_q, paired_keys, paired_scores;  // scratch of token_scores
  void draw(RandomStream& stream, int head_dim, double rho, std::int64_t queries,
            bool with_irrelevant) {
    const auto d = static_cast<std::size_t>(head_dim);
    q.resize(queries * d);
    relevant.resize(queries * d);
    irrelevant.resize(with_irrelevant ? queries * d : 0);
    for (std::int64_t c = 0; c < queries; ++c) {
      detail::draw_content(stream, head_dim, rho, one, with_irrelevant);
      std::copy(one.q.begin(), one.q.end(), q.begin() + c * d);
      std::copy(one.relevant.begin(), one.relevant.end(), relevant.begin() + c * d);
      std::copy(one.irrelevant.begin(), one.irrelevant.end(), irrelevant.begin() + c * d);
    }
  }
  // The queries alone, all that the conditional estimators use: `queries` draws of q.
  void draw_queries(RandomStream& stream, int head_dim, std::int64_t queries) {
    q.resize(static_cast<std::size_t>(queries * head_dim));
    fill_normal(stream, q.data(), q.size());
  }
};

// Scores of every query's key (`keys`, row-major like content.q) at every distance
// of the kernel: scores[c * count + j], exact or finite path.
void block_scores(detail::BlockKernel& kernel, const BlockContent& content, const double* keys,
                  std::int64_t queries, int head_dim, std::vector<double>& scores) {
  const std::int64_t count = kernel.distance_count();
  scores.resize(static_cast<std::size_t>(queries * count));
  if (kernel.exact()) {
    kernel.exact_scores(content.q.data(), keys, queries, scores.data());
    return;
  }
  for (std::int64_t c = 0; c < queries; ++c) {
    kernel.set_query(content.q.data() + c * head_dim);
    kernel.finite_scores(keys + c * head_dim, scores.data() + c * count);
  }
}

// Scores of the relevant and of the irrelevant keys at every distance. On the exact
// path one product takes both ([q; q] against [relevant; irrelevant]), so each
// slice of the cos/sin table is built once; every score's arithmetic is the same
// as in two separate calls.
void token_scores(detail::BlockKernel& kernel, BlockContent& content, std::int64_t queries,
                  int head_dim, std::vector<double>& relevant, std::vector<double>& irrelevant) {
  if (!kernel.exact()) {
    block_scores(kernel, content, content.relevant.data(), queries, head_dim, relevant);
    block_scores(kernel, content, content.irrelevant.data(), queries, head_dim, irrelevant);
    return;
  }
  const auto half = static_cast<std::ptrdiff_t>(queries * kernel.distance_count());
  content.paired_q = content.q;
  content.paired_q.insert(content.paired_q.end(), content.q.begin(), content.q.end());
  content.paired_keys = content.relevant;
  content.paired_keys.insert(content.paired_keys.end(), content.irrelevant.begin(),
                             content.irrelevant.end());
  content.paired_scores.resize(static_cast<std::size_t>(2 * half));
  kernel.exact_scores(content.paired_q.data(), content.paired_keys.data(), 2 * queries,
                      content.paired_scores.data());
  relevant.assign(content.paired_scores.begin(), content.paired_scores.begin() + half);
  irrelevant.assign(content.paired_scores.begin() + half, content.paired_scores.end());
}

SampleMoments moments_position_inversion(const PairwiseConfig& config, const Encoding& encoding,
                                     std::uint64_t seed, std::uint64_t point_index,
                                     BlockRange range, const SharedTables& tables) {
  const detail::BlockPlan plan = detail::plan_blocks(config.samples);
  const std::int64_t gap = minimum_gap(config.length, config.separation);
  const std::int64_t nq = plan.queries, nr = plan.distances;
  const int d = encoding.head_dim();
  const double rho = config.rho;
  const double slope = encoding.distance_slope();
  const double scale_squared = encoding.qk_scale() * encoding.qk_scale();
  const bool conditional = use_conditional(config);
  detail::BlockKernel kernel(encoding, config.precision, config.length, tables);
  BlockContent content;
  std::vector<std::int64_t> distances;
  std::vector<double> values;
  // The conditional variance is (1 - rho^2) times a sum, exactly 0 at rho = 1: the gap and
  // C(0) columns are then not needed.
  const bool with_variance = conditional && rho != 1.0;
  return over_blocks(range, [&](std::int64_t block) {
    RandomStream stream =
        detail::cluster_stream(seed, point_index, kStreamPositionInversion, block);
    if (conditional) {
      content.draw_queries(stream, d, nq);
    } else {
      content.draw(stream, d, rho, nq, false);
    }
    // Columns: near distances, far distances (and, with the variance: gaps, then 0).
    distances.assign(with_variance ? 3 * nr + 1 : 2 * nr, 0);
    for (std::int64_t j = 0; j < nr; ++j) {
      const auto pair = detail::draw_separated_pair(stream, config.length, gap);
      distances[j] = pair.near;
      distances[nr + j] = pair.far;
      if (with_variance) distances[2 * nr + j] = pair.far - pair.near;
    }
    kernel.set_distances(distances.data(), static_cast<std::int64_t>(distances.size()));
    const auto count = static_cast<std::int64_t>(distances.size());
    double sum = 0.0;
    if (conditional) {
      // Given q, s(r1) - s(r2) is Gaussian: mean rho (C(r1) - C(r2)) + m (r2 - r1),
      // variance (1 - rho^2) 2 c^2 (C(0) - C(r2 - r1)) (c: qk scale, m: ALiBi slope).
      values.resize(static_cast<std::size_t>(nq * count));
      kernel.profiles(content.q.data(), nq, values.data());
      for (std::int64_t c = 0; c < nq; ++c) {
        const double* profile = values.data() + c * count;
        for (std::int64_t j = 0; j < nr; ++j) {
          const double gap_now = static_cast<double>(distances[nr + j] - distances[j]);
          const double mean = rho * (profile[j] - profile[nr + j]) + slope * gap_now;
          const double variance =
              with_variance
                  ? (1.0 - rho * rho) * 2.0 * scale_squared * (profile[3 * nr] - profile[2 * nr + j])
                  : 0.0;
          sum +=
              variance > 0.0 ? normal_cdf(-mean / std::sqrt(variance)) : detail::failure(mean, 0.0);
        }
      }
    } else {
      block_scores(kernel, content, content.relevant.data(), nq, d, values);
      for (std::int64_t c = 0; c < nq; ++c) {
        const double* score = values.data() + c * count;
        for (std::int64_t j = 0; j < nr; ++j) sum += detail::failure(score[j], score[nr + j]);
      }
    }
    return sum / static_cast<double>(nq * nr);
  });
}

SampleMoments moments_position_aliasing(const PairwiseConfig& config, const Encoding& encoding,
                                    std::uint64_t seed, std::uint64_t point_index,
                                    BlockRange range, const SharedTables& tables) {
  const detail::BlockPlan plan = detail::plan_blocks(config.samples);
  const std::int64_t nq = plan.queries, nr = plan.distances;
  const int d = encoding.head_dim();
  detail::BlockKernel kernel(encoding, config.precision, config.length, tables);
  BlockContent content;
  std::vector<std::int64_t> distances(2 * nr);
  std::vector<double> values;
  return over_blocks(range, [&](std::int64_t block) {
    RandomStream stream = detail::cluster_stream(seed, point_index, kStreamPositionAliasing, block);
    content.draw(stream, d, config.rho, nq, false);
    for (std::int64_t j = 0; j < nr; ++j) {
      const auto pair = detail::draw_distinct_pair(stream, config.length);
      distances[j] = pair.near;
      distances[nr + j] = pair.far;
    }
    kernel.set_distances(distances.data(), 2 * nr);
    block_scores(kernel, content, content.relevant.data(), nq, d, values);
    double sum = 0.0;
    for (std::int64_t c = 0; c < nq; ++c) {
      const double* score = values.data() + c * 2 * nr;
      for (std::int64_t j = 0; j < nr; ++j) sum += score[j] == score[nr + j] ? 1.0 : 0.0;
    }
    return sum / static_cast<double>(nq * nr);
  });
}

SampleMoments moments_token_inversion(const PairwiseConfig& config, const Encoding& encoding,
                                  std::uint64_t seed, std::uint64_t point_index,
                                  BlockRange range, const SharedTables& tables) {
  const detail::BlockPlan plan = detail::plan_blocks(config.samples);
  const std::int64_t nq = plan.queries, nr = plan.distances;
  const int d = encoding.head_dim();
  const double rho = config.rho;
  const auto length = static_cast<std::uint64_t>(config.length);
  const double scale_squared = encoding.qk_scale() * encoding.qk_scale();
  const bool conditional = use_conditional(config);
  detail::BlockKernel kernel(encoding, config.precision, config.length, tables);
  BlockContent content;
  std::vector<std::int64_t> distances(nr + 1);  // the block's distances, then 0
  std::vector<double> relevant, irrelevant;
  // conditional: the failure probability of each of the block's samples, query by query, and
  // the samples that need the bivariate normal (correlation below 1), gathered
  const auto samples = static_cast<std::size_t>(nq * nr);
  std::vector<double> failures(samples);
  std::vector<double> minus_means_x(samples), minus_means_y(samples), correlations(samples);
  std::vector<double> same_sign(samples);
  std::vector<NormalTails> tails_y(samples);
  std::vector<std::size_t> sample_of(samples);
  return over_blocks(range, [&](std::int64_t block) {
    RandomStream stream = detail::cluster_stream(seed, point_index, kStreamTokenInversion, block);
    if (conditional) {
      content.draw_queries(stream, d, nq);
    } else {
      content.draw(stream, d, rho, nq, true);
    }
    for (std::int64_t j = 0; j < nr; ++j) {
      distances[j] = static_cast<std::int64_t>(stream.uniform_int(length));
    }
    distances[nr] = 0;
    kernel.set_distances(distances.data(), nr + 1);
    const std::int64_t count = nr + 1;
    double sum = 0.0;
    if (conditional) {
      // Given q, X = s(k_rel; r) - s(k_irr; r) and Y = the same at r = 0 are jointly
      // Gaussian: means rho C(r), rho C(0); common variance c^2 C(0) (2 - rho^2);
      // correlation C(r) / C(0) (the ALiBi penalty cancels). Failure is P(XY < 0).
      relevant.resize(static_cast<std::size_t>(nq * count));
      kernel.profiles(content.q.data(), nq, relevant.data());
      // The samples below correlation 1 gathered (minus their means, their correlations),
      // then P(X, Y of one sign) of all of them at once; the tails of a query's -mean_y
      // computed once.
      std::size_t gathered = 0;
      for (std::int64_t c = 0; c < nq; ++c) {
        const double* profile = relevant.data() + c * count;
        const double c0 = profile[nr];
        const double sigma = std::sqrt(scale_squared * c0 * (2.0 - rho * rho));
        const double mean_y = rho * c0 / sigma;
        const NormalTails y_tails = normal_tails(-mean_y);
        for (std::int64_t j = 0; j < nr; ++j) {
          const std::size_t i = static_cast<std::size_t>(c * nr + j);
          const double minus_mean_x = -(rho * profile[j] / sigma);
          const double correlation = std::clamp(profile[j] / c0, -1.0, 1.0);
          if (correlation == 1.0) {
            // X - mean_x = Y - mean_y: the signs differ exactly when the common
            // Gaussian falls between -mean_x and -mean_y, which is exactly 0 for
            // equal means (r = 0, NoPE, ALiBi), where the orthant sums would
            // leave rounding residue such as 4e-18.
            failures[i] = std::fabs(normal_cdf(minus_mean_x) - normal_cdf(-mean_y));
            continue;
          }
          minus_means_x[gathered] = minus_mean_x;
          minus_means_y[gathered] = -mean_y;
          tails_y[gathered] = y_tails;
          correlations[gathered] = correlation;
          sample_of[gathered] = i;
          ++gathered;
        }
      }
      bivariate_normal_concordant(minus_means_x.data(), minus_means_y.data(), tails_y.data(),
                                  correlations.data(), gathered, same_sign.data());
      for (std::size_t g = 0; g < gathered; ++g) {
        failures[sample_of[g]] = std::clamp(1.0 - same_sign[g], 0.0, 1.0);
      }
      for (double failure : failures) sum += failure;
    } else {
      token_scores(kernel, content, nq, d, relevant, irrelevant);
      for (std::int64_t c = 0; c < nq; ++c) {
        const double* rel = relevant.data() + c * count;
        const double* irr = irrelevant.data() + c * count;
        const double at_zero = rel[nr] - irr[nr];
        for (std::int64_t j = 0; j < nr; ++j) sum += detail::sign_flip(rel[j] - irr[j], at_zero);
      }
    }
    return sum / static_cast<double>(nq * nr);
  });
}

SampleMoments moments_token_aliasing(const PairwiseConfig& config, const Encoding& encoding,
                                 std::uint64_t seed, std::uint64_t point_index,
                                 BlockRange range, const SharedTables& tables) {
  const detail::BlockPlan plan = detail::plan_blocks(config.samples);
  const std::int64_t nq = plan.queries, nr = plan.distances;
  const int d = encoding.head_dim();
  const auto length = static_cast<std::uint64_t>(config.length);
  detail::BlockKernel kernel(encoding, config.precision, config.length, tables);
  BlockContent content;
  std::vector<std::int64_t> distances(nr);
  std::vector<double> relevant, irrelevant;
  return over_blocks(range, [&](std::int64_t block) {
    RandomStream stream = detail::cluster_stream(seed, point_index, kStreamTokenAliasing, block);
    content.draw(stream, d, config.rho, nq, true);
    for (std::int64_t j = 0; j < nr; ++j) {
      distances[j] = static_cast<std::int64_t>(stream.uniform_int(length));
    }
    kernel.set_distances(distances.data(), nr);
    token_scores(kernel, content, nq, d, relevant, irrelevant);
    double sum = 0.0;
    for (std::int64_t c = 0; c < nq * nr; ++c) sum += relevant[c] == irrelevant[c] ? 1.0 : 0.0;
    return sum / static_cast<double>(nq * nr);
  });
}

// Every replicate block of the point.
BlockRange all_blocks(const PairwiseConfig& config) {
  return {0, detail::plan_blocks(config.samples).blocks};
}

// fp64 shares one set of angle-addition tables between the four estimators; the
// finite path computes its fp32 angles directly.
SharedTables tables_for(const PairwiseConfig& config, const Encoding& encoding) {
  if (config.precision != Precision::kFp64) return nullptr;
  return std::make_shared<const detail::AngleAdditionTables>(encoding, config.length);
}

double samples_per_block(const PairwiseConfig& config) {
  return static_cast<double>(detail::plan_blocks(config.samples).per_block());
}

}  // namespace

Estimate position_inversion(const PairwiseConfig& config, std::uint64_t seed,
                            std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  return moments_position_inversion(config, encoding, seed, point_index, all_blocks(config),
                                    nullptr)
      .estimate(samples_per_block(config), false);
}

Estimate position_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                           std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  return moments_position_aliasing(config, encoding, seed, point_index, all_blocks(config),
                                   nullptr)
      .estimate(samples_per_block(config), true);
}

Estimate token_inversion(const PairwiseConfig& config, std::uint64_t seed,
                         std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  return moments_token_inversion(config, encoding, seed, point_index, all_blocks(config), nullptr)
      .estimate(samples_per_block(config), false);
}

Estimate token_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                        std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  return moments_token_aliasing(config, encoding, seed, point_index, all_blocks(config), nullptr)
      .estimate(samples_per_block(config), true);
}

Estimate aliased_pairs(const Estimate& position_aliasing, std::int64_t length) {
  const double pairs = 0.5 * static_cast<double>(length) * static_cast<double>(length - 1);
  return {position_aliasing.value * pairs, position_aliasing.se * pairs, position_aliasing.n,
          position_aliasing.upper * pairs};
}

std::int64_t pairwise_blocks_per_batch(const PairwiseConfig& config) {
  const std::int64_t batch_samples =
      config.batch_samples > 0 ? config.batch_samples : kPairwiseBatchSamples;
  return std::max<std::int64_t>(1, batch_samples / detail::plan_blocks(config.samples).per_block());
}

std::int64_t pairwise_batch_count(const PairwiseConfig& config) {
  const std::int64_t per_batch = pairwise_blocks_per_batch(config);
  return (detail::plan_blocks(config.samples).blocks + per_batch - 1) / per_batch;
}

PairwiseMoments pairwise_batch(const PairwiseConfig& config, std::uint64_t seed,
                               std::uint64_t point_index, std::int64_t batch) {
  validate(config);
  if (batch < 0 || batch >= pairwise_batch_count(config)) {
    throw Error("pairwise: batch " + std::to_string(batch) + " is not one of the point's " +
                std::to_string(pairwise_batch_count(config)));
  }
  const Encoding encoding(config.encoding);
  const SharedTables tables = tables_for(config, encoding);
  const std::int64_t per_batch = pairwise_blocks_per_batch(config);
  const BlockRange range{batch * per_batch,
                         std::min((batch + 1) * per_batch, all_blocks(config).last)};
  PairwiseMoments moments;
  moments.position_inversion =
      moments_position_inversion(config, encoding, seed, point_index, range, tables);
  moments.position_aliasing =
      moments_position_aliasing(config, encoding, seed, point_index, range, tables);
  moments.token_inversion =
      moments_token_inversion(config, encoding, seed, point_index, range, tables);
  moments.token_aliasing = moments_token_aliasing(config, encoding, seed, point_index, range, tables);
  return moments;
}

PairwiseResult pairwise_result(const PairwiseConfig& config,
                               const std::vector<PairwiseMoments>& batches) {
  const PairwiseMoments merged = merge_in_order(batches);
  const double per_block = samples_per_block(config);
  PairwiseResult result;
  result.position_inversion = merged.position_inversion.estimate(per_block, false);
  result.position_aliasing = merged.position_aliasing.estimate(per_block, true);
  result.aliased_pairs = aliased_pairs(result.position_aliasing, config.length);
  result.token_inversion = merged.token_inversion.estimate(per_block, false);
  result.token_aliasing = merged.token_aliasing.estimate(per_block, true);
  return result;
}

PairwiseResult pairwise_metrics(const PairwiseConfig& config, std::uint64_t seed,
                                std::uint64_t point_index) {
  validate(config);
  std::vector<PairwiseMoments> batches;
  for (std::int64_t batch = 0; batch < pairwise_batch_count(config); ++batch) {
    batches.push_back(pairwise_batch(config, seed, point_index, batch));
  }
  return pairwise_result(config, batches);
}

}  // namespace ropesweep
