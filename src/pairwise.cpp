#include "ropesweep/pairwise.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "ropesweep/error.hpp"
#include "ropesweep/gaussian.hpp"

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

ClusterPlan plan_clusters(std::int64_t samples) {
  if (samples < 2) throw Error("samples must be >= 2");
  ClusterPlan plan;
  plan.per_cluster = std::clamp<std::int64_t>(samples / kMinClusters, 1, kMaxPerCluster);
  plan.clusters = (samples + plan.per_cluster - 1) / plan.per_cluster;
  return plan;
}

std::int64_t minimum_gap(std::int64_t length, double separation) {
  // The tolerance keeps products such as 0.1 * 1000 from rounding up to 101.
  const double scaled = std::ceil(separation * static_cast<double>(length) - 1e-9);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(scaled));
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

void draw_content(RandomStream& stream, int head_dim, double rho, ClusterContent& content) {
  content.q.resize(head_dim);
  content.relevant.resize(head_dim);
  content.irrelevant.resize(head_dim);
  stream.fill_normal(content.q.data(), head_dim);
  stream.fill_normal(content.relevant.data(), head_dim);  // xi
  stream.fill_normal(content.irrelevant.data(), head_dim);
  const double noise = std::sqrt(std::max(0.0, 1.0 - rho * rho));
  for (int i = 0; i < head_dim; ++i) {
    content.relevant[i] = rho * content.q[i] + noise * content.relevant[i];
  }
}

template <typename T>
RotationTable<T>::RotationTable(const Encoding& encoding, std::int64_t length)
    : length_(length),
      pairs_(encoding.pairs()),
      cos_(static_cast<std::size_t>(length * encoding.pairs())),
      sin_(static_cast<std::size_t>(length * encoding.pairs())) {
  for (std::int64_t position = 0; position < length; ++position) {
    encoding.rotation_factors(static_cast<double>(position), cos_.data() + position * pairs_,
                              sin_.data() + position * pairs_);
  }
}

template class RotationTable<double>;
template class RotationTable<float>;

bool use_rotation_table(const PairwiseConfig& config) {
  const std::int64_t entries = config.length * (config.encoding.head_dim / 2);
  return entries <= kMaxTableEntries && config.length <= 4 * config.samples;
}

RotationTables make_rotation_tables(const Encoding& encoding, const PairwiseConfig& config) {
  RotationTables tables;
  if (!use_rotation_table(config)) return tables;
  if (config.precision == Precision::kFp64) {
    tables.fp64 = std::make_unique<RotationTable<double>>(encoding, config.length);
  } else {
    tables.fp32 = std::make_unique<RotationTable<float>>(encoding, config.length);
  }
  return tables;
}

ScoreKernel::ScoreKernel(const Encoding& encoding, Precision precision, std::int64_t length,
                         const RotationTables* tables)
    : encoding_(encoding), precision_(precision), length_(length), tables_(tables) {
  const std::size_t d = encoding.head_dim(), pairs = encoding.pairs();
  auto allocate = [&](auto& b) {
    b.query.assign(d, 0);
    b.key_a.assign(d, 0);
    b.key_b.assign(d, 0);
    b.rotated_a.assign(d, 0);
    b.rotated_b.assign(d, 0);
    b.cos_f.assign(pairs, 0);
    b.sin_f.assign(pairs, 0);
  };
  if (precision_ == Precision::kFp64) {
    allocate(fp64_);
  } else {
    allocate(fp32_);
  }
}

template <typename T>
void ScoreKernel::factors(Buffers<T>& b, std::int64_t position, const T** cos_f, const T** sin_f) {
  const RotationTable<T>* table = nullptr;
  if (tables_ != nullptr) {
    if constexpr (std::is_same_v<T, double>) {
      table = tables_->fp64.get();
    } else {
      table = tables_->fp32.get();
    }
  }
  if (table != nullptr && position < table->length()) {
    *cos_f = table->cos_row(position);
    *sin_f = table->sin_row(position);
    return;
  }
  encoding_.rotation_factors(static_cast<double>(position), b.cos_f.data(), b.sin_f.data());
  *cos_f = b.cos_f.data();
  *sin_f = b.sin_f.data();
}

template <typename T>
void ScoreKernel::rotate_key(const T* cos_f, const T* sin_f, const double* key, std::vector<T>& in,
                             std::vector<T>& out) {
  const int d = encoding_.head_dim();
  for (int i = 0; i < d; ++i) in[i] = static_cast<T>(key[i]);
  const T scale = static_cast<T>(encoding_.qk_scale());
  for (int t = 0; t < encoding_.pairs(); ++t) {
    const int re = encoding_.real_index(t), im = encoding_.imag_index(t);
    const T x = in[re], y = in[im];
    out[re] = scale * (x * cos_f[t] - y * sin_f[t]);
    out[im] = scale * (x * sin_f[t] + y * cos_f[t]);
  }
  round_to(out.data(), out.size(), precision_);
}

template <typename T>
double ScoreKernel::dot(const Buffers<T>& b, const std::vector<T>& rotated,
                        std::int64_t distance) const {
  T sum = 0;
  for (std::size_t i = 0; i < rotated.size(); ++i) sum += b.query[i] * rotated[i];
  if (encoding_.distance_slope() != 0.0) {
    sum -= static_cast<T>(encoding_.distance_slope()) * static_cast<T>(distance);
  }
  return static_cast<double>(round_to(sum, precision_));
}

template <typename T>
void ScoreKernel::set_query_impl(Buffers<T>& b, const double* q) {
  const T *cos_f, *sin_f;
  factors(b, length_ - 1, &cos_f, &sin_f);
  rotate_key(cos_f, sin_f, q, b.key_a, b.query);
}

template <typename T>
void ScoreKernel::score_impl(Buffers<T>& b, const double* key_a, const double* key_b,
                             std::int64_t distance, double* score_a, double* score_b) {
  const T *cos_f, *sin_f;
  factors(b, length_ - 1 - distance, &cos_f, &sin_f);
  rotate_key(cos_f, sin_f, key_a, b.key_a, b.rotated_a);
  *score_a = dot(b, b.rotated_a, distance);
  if (key_b != nullptr) {
    rotate_key(cos_f, sin_f, key_b, b.key_b, b.rotated_b);
    *score_b = dot(b, b.rotated_b, distance);
  }
}

void ScoreKernel::set_query(const double* q) {
  if (precision_ == Precision::kFp64) {
    set_query_impl(fp64_, q);
  } else {
    set_query_impl(fp32_, q);
  }
}

double ScoreKernel::score(const double* key, std::int64_t distance) {
  double result = 0.0;
  if (precision_ == Precision::kFp64) {
    score_impl(fp64_, key, nullptr, distance, &result, nullptr);
  } else {
    score_impl(fp32_, key, nullptr, distance, &result, nullptr);
  }
  return result;
}

void ScoreKernel::score_pair(const double* key_a, const double* key_b, std::int64_t distance,
                             double* score_a, double* score_b) {
  if (precision_ == Precision::kFp64) {
    score_impl(fp64_, key_a, key_b, distance, score_a, score_b);
  } else {
    score_impl(fp32_, key_a, key_b, distance, score_a, score_b);
  }
}

QueryProfile::QueryProfile(const Encoding& encoding, const double* q,
                           const RotationTable<double>* table)
    : weight_(encoding.pairs()),
      frequency_(encoding.frequencies()),
      scale_squared_(encoding.qk_scale() * encoding.qk_scale()),
      table_(table) {
  for (int t = 0; t < encoding.pairs(); ++t) {
    const double a = q[encoding.real_index(t)], b = q[encoding.imag_index(t)];
    weight_[t] = a * a + b * b;
  }
}

double QueryProfile::C(double r) const {
  double sum = 0.0;
  const auto position = static_cast<std::int64_t>(r);
  if (table_ != nullptr && static_cast<double>(position) == r && position >= 0 &&
      position < table_->length()) {
    const double* cos_row = table_->cos_row(position);
    for (std::size_t t = 0; t < weight_.size(); ++t) sum += weight_[t] * cos_row[t];
    return scale_squared_ * sum;
  }
  for (std::size_t t = 0; t < weight_.size(); ++t) sum += weight_[t] * std::cos(r * frequency_[t]);
  return scale_squared_ * sum;
}

}  // namespace detail

namespace {

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

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
  if (detail::minimum_gap(config.length, config.separation) > config.length - 1) {
    throw Error("separation " + number_text(config.separation) + " leaves no distance pair " +
                "at length " + std::to_string(config.length) +
                " (needs ceil(separation * length) <= length - 1)");
  }
  if (config.samples < 2) {
    throw Error("samples must be >= 2 (got " + std::to_string(config.samples) + ")");
  }
}

namespace {

// Mean of the cluster means and its standard error sd(cluster means) / sqrt(K):
// clusters are independent and equally sized, so this is honest whatever the
// dependence between the samples inside a cluster.
template <typename ClusterMean>
Estimate over_clusters(const detail::ClusterPlan& plan, ClusterMean&& cluster_mean) {
  double mean = 0.0, m2 = 0.0;
  for (std::int64_t k = 0; k < plan.clusters; ++k) {
    const double value = cluster_mean(k);
    const double delta = value - mean;
    mean += delta / static_cast<double>(k + 1);
    m2 += delta * (value - mean);
  }
  Estimate estimate;
  estimate.value = mean;
  estimate.n = plan.clusters * plan.per_cluster;
  estimate.se = plan.clusters > 1 ? std::sqrt(m2 / static_cast<double>(plan.clusters - 1) /
                                              static_cast<double>(plan.clusters))
                                  : std::nan("");
  return estimate;
}

// The conditional estimators are exact only in exact arithmetic; under rounding
// (fp32, bf16, fp16) the inversions fall back to plain Monte Carlo.
bool use_conditional(const PairwiseConfig& config) {
  return config.estimator == EstimatorKind::kConditional && config.precision == Precision::kFp64;
}

Estimate estimate_position_inversion(const PairwiseConfig& config, const Encoding& encoding,
                                     const detail::RotationTables& tables, std::uint64_t seed,
                                     std::uint64_t point_index) {
  const detail::ClusterPlan plan = detail::plan_clusters(config.samples);
  const std::int64_t gap = detail::minimum_gap(config.length, config.separation);
  const double rho = config.rho;
  const double slope = encoding.distance_slope();
  const double scale_squared = encoding.qk_scale() * encoding.qk_scale();
  detail::ScoreKernel kernel(encoding, config.precision, config.length, &tables);
  detail::ClusterContent content;
  const bool conditional = use_conditional(config);
  return over_clusters(plan, [&](std::int64_t cluster) {
    RandomStream stream =
        detail::cluster_stream(seed, point_index, kStreamPositionInversion, cluster);
    detail::draw_content(stream, encoding.head_dim(), rho, content);
    double sum = 0.0;
    if (conditional) {
      // Given q, s(r1) - s(r2) is Gaussian: mean rho (C(r1) - C(r2)) + m (r2 - r1),
      // variance (1 - rho^2) 2 c^2 (C(0) - C(r2 - r1)) (c: qk scale, m: ALiBi slope).
      const detail::QueryProfile profile(encoding, content.q.data(), tables.fp64.get());
      const double c0 = profile.C(0.0);
      for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
        const auto pair = detail::draw_separated_pair(stream, config.length, gap);
        const double gap_now = static_cast<double>(pair.far - pair.near);
        const double mean = rho * (profile.C(static_cast<double>(pair.near)) -
                                   profile.C(static_cast<double>(pair.far))) +
                            slope * gap_now;
        const double variance = (1.0 - rho * rho) * 2.0 * scale_squared * (c0 - profile.C(gap_now));
        sum +=
            variance > 0.0 ? normal_cdf(-mean / std::sqrt(variance)) : detail::failure(mean, 0.0);
      }
    } else {
      kernel.set_query(content.q.data());
      for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
        const auto pair = detail::draw_separated_pair(stream, config.length, gap);
        const double near = kernel.score(content.relevant.data(), pair.near);
        const double far = kernel.score(content.relevant.data(), pair.far);
        sum += detail::failure(near, far);
      }
    }
    return sum / static_cast<double>(plan.per_cluster);
  });
}

Estimate estimate_position_aliasing(const PairwiseConfig& config, const Encoding& encoding,
                                    const detail::RotationTables& tables, std::uint64_t seed,
                                    std::uint64_t point_index) {
  const detail::ClusterPlan plan = detail::plan_clusters(config.samples);
  detail::ScoreKernel kernel(encoding, config.precision, config.length, &tables);
  detail::ClusterContent content;
  return over_clusters(plan, [&](std::int64_t cluster) {
    RandomStream stream =
        detail::cluster_stream(seed, point_index, kStreamPositionAliasing, cluster);
    detail::draw_content(stream, encoding.head_dim(), config.rho, content);
    kernel.set_query(content.q.data());
    double sum = 0.0;
    for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
      const auto pair = detail::draw_distinct_pair(stream, config.length);
      const double a = kernel.score(content.relevant.data(), pair.near);
      const double b = kernel.score(content.relevant.data(), pair.far);
      sum += a == b ? 1.0 : 0.0;
    }
    return sum / static_cast<double>(plan.per_cluster);
  });
}

Estimate estimate_token_inversion(const PairwiseConfig& config, const Encoding& encoding,
                                  const detail::RotationTables& tables, std::uint64_t seed,
                                  std::uint64_t point_index) {
  const detail::ClusterPlan plan = detail::plan_clusters(config.samples);
  const double rho = config.rho;
  const auto length = static_cast<std::uint64_t>(config.length);
  const double scale_squared = encoding.qk_scale() * encoding.qk_scale();
  detail::ScoreKernel kernel(encoding, config.precision, config.length, &tables);
  detail::ClusterContent content;
  const bool conditional = use_conditional(config);
  return over_clusters(plan, [&](std::int64_t cluster) {
    RandomStream stream = detail::cluster_stream(seed, point_index, kStreamTokenInversion, cluster);
    detail::draw_content(stream, encoding.head_dim(), rho, content);
    double sum = 0.0;
    if (conditional) {
      // Given q, X = s(k_rel; r) - s(k_irr; r) and Y = the same at r = 0 are jointly
      // Gaussian: means rho C(r), rho C(0); common variance c^2 C(0) (2 - rho^2);
      // correlation C(r) / C(0) (the ALiBi penalty cancels). Failure is P(XY < 0).
      const detail::QueryProfile profile(encoding, content.q.data(), tables.fp64.get());
      const double c0 = profile.C(0.0);
      const double sigma = std::sqrt(scale_squared * c0 * (2.0 - rho * rho));
      const double mean_y = rho * c0 / sigma;
      for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
        const auto r = static_cast<double>(stream.uniform_int(length));
        const double cr = profile.C(r);
        const double correlation = std::clamp(cr / c0, -1.0, 1.0);
        const double mean_x = rho * cr / sigma;
        const double same_sign = bivariate_normal_upper(-mean_x, -mean_y, correlation) +
                                 bivariate_normal_upper(mean_x, mean_y, correlation);
        sum += std::clamp(1.0 - same_sign, 0.0, 1.0);
      }
    } else {
      kernel.set_query(content.q.data());
      double rel0 = 0.0, irr0 = 0.0;
      kernel.score_pair(content.relevant.data(), content.irrelevant.data(), 0, &rel0, &irr0);
      const double at_zero = rel0 - irr0;
      for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
        const auto r = static_cast<std::int64_t>(stream.uniform_int(length));
        double rel = 0.0, irr = 0.0;
        kernel.score_pair(content.relevant.data(), content.irrelevant.data(), r, &rel, &irr);
        sum += detail::sign_flip(rel - irr, at_zero);
      }
    }
    return sum / static_cast<double>(plan.per_cluster);
  });
}

Estimate estimate_token_aliasing(const PairwiseConfig& config, const Encoding& encoding,
                                 const detail::RotationTables& tables, std::uint64_t seed,
                                 std::uint64_t point_index) {
  const detail::ClusterPlan plan = detail::plan_clusters(config.samples);
  const auto length = static_cast<std::uint64_t>(config.length);
  detail::ScoreKernel kernel(encoding, config.precision, config.length, &tables);
  detail::ClusterContent content;
  return over_clusters(plan, [&](std::int64_t cluster) {
    RandomStream stream = detail::cluster_stream(seed, point_index, kStreamTokenAliasing, cluster);
    detail::draw_content(stream, encoding.head_dim(), config.rho, content);
    kernel.set_query(content.q.data());
    double sum = 0.0;
    for (std::int64_t i = 0; i < plan.per_cluster; ++i) {
      const auto r = static_cast<std::int64_t>(stream.uniform_int(length));
      double rel = 0.0, irr = 0.0;
      kernel.score_pair(content.relevant.data(), content.irrelevant.data(), r, &rel, &irr);
      sum += rel == irr ? 1.0 : 0.0;
    }
    return sum / static_cast<double>(plan.per_cluster);
  });
}

}  // namespace

Estimate position_inversion(const PairwiseConfig& config, std::uint64_t seed,
                            std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  const detail::RotationTables tables = detail::make_rotation_tables(encoding, config);
  return estimate_position_inversion(config, encoding, tables, seed, point_index);
}

Estimate position_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                           std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  const detail::RotationTables tables = detail::make_rotation_tables(encoding, config);
  return estimate_position_aliasing(config, encoding, tables, seed, point_index);
}

Estimate token_inversion(const PairwiseConfig& config, std::uint64_t seed,
                         std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  const detail::RotationTables tables = detail::make_rotation_tables(encoding, config);
  return estimate_token_inversion(config, encoding, tables, seed, point_index);
}

Estimate token_aliasing(const PairwiseConfig& config, std::uint64_t seed,
                        std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  const detail::RotationTables tables = detail::make_rotation_tables(encoding, config);
  return estimate_token_aliasing(config, encoding, tables, seed, point_index);
}

Estimate aliased_pairs(const Estimate& position_aliasing, std::int64_t length) {
  const double pairs = 0.5 * static_cast<double>(length) * static_cast<double>(length - 1);
  return {position_aliasing.value * pairs, position_aliasing.se * pairs, position_aliasing.n};
}

PairwiseResult pairwise_metrics(const PairwiseConfig& config, std::uint64_t seed,
                                std::uint64_t point_index) {
  validate(config);
  const Encoding encoding(config.encoding);
  // One table serves all four metrics.
  const detail::RotationTables tables = detail::make_rotation_tables(encoding, config);
  PairwiseResult result;
  result.position_inversion =
      estimate_position_inversion(config, encoding, tables, seed, point_index);
  result.position_aliasing =
      estimate_position_aliasing(config, encoding, tables, seed, point_index);
  result.aliased_pairs = aliased_pairs(result.position_aliasing, config.length);
  result.token_inversion = estimate_token_inversion(config, encoding, tables, seed, point_index);
  result.token_aliasing = estimate_token_aliasing(config, encoding, tables, seed, point_index);
  return result;
}

}  // namespace ropesweep
