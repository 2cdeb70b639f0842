#include "ropesweep/physics/probe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "probe_path.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/separation.hpp"

namespace ropesweep {
namespace {

using Eigen::Index;

constexpr float kRmsEpsilon = 1e-6f;
constexpr int kMlpExpansion = 4;

// Matrix ids inside one sample's weight substreams (see draw_probe_model).
constexpr std::uint64_t kVocabularyMatrix = 0;
constexpr std::uint64_t kMatricesPerLayer = 6;

void fill_normal_matrix(MatrixF& matrix, Index rows, Index cols, double standard_deviation,
                        const StreamKey& key) {
  RandomStream stream(key);
  matrix.resize(rows, cols);
  fill_normal(stream, matrix.data(), static_cast<std::size_t>(rows * cols), standard_deviation);
}

// RMSNorm without a gain: each row divided by its root mean square.
void rms_norm(const Eigen::Ref<const MatrixF>& rows, MatrixF& normed) {
  normed.resize(rows.rows(), rows.cols());
  const float inverse_width = 1.0f / static_cast<float>(rows.cols());
  for (Index i = 0; i < rows.rows(); ++i) {
    const float mean_square = rows.row(i).squaredNorm() * inverse_width;
    normed.row(i) = rows.row(i) * (1.0f / std::sqrt(mean_square + kRmsEpsilon));
  }
}

MatrixF rms_norm(const Eigen::Ref<const MatrixF>& rows) {
  MatrixF normed;
  rms_norm(rows, normed);
  return normed;
}

// GELU, tanh form (GPT-2 / BERT).
void gelu_in_place(MatrixF& x) {
  const float c = std::sqrt(2.0f / static_cast<float>(M_PI));
  auto a = x.array();
  a = 0.5f * a * (1.0f + (c * (a + 0.044715f * a.cube())).tanh());
}

// "a should beat b": 1 when it loses, 1/2 on a tie (docs/science.md, Ties).
double order_failure(double a, double b) { return a < b ? 1.0 : (a == b ? 0.5 : 0.0); }

// The content order at distance 1 against that at distance r; a zero difference on
// either side counts one half.
double sign_flip(double difference_near, double difference_far) {
  if (difference_near == 0.0 || difference_far == 0.0) return 0.5;
  return (difference_near > 0.0) != (difference_far > 0.0) ? 1.0 : 0.0;
}

// The values of one metric, one per sample of a batch.
class SampleValues {
 public:
  void add(double value) { values_.push_back(value); }
  SampleMoments moments() const { return SampleMoments::of(values_.data(), values_.size()); }

 private:
  std::vector<double> values_;
};

}  // namespace

void validate(const ProbeConfig& config) {
  auto fail = [](const std::string& problem) { throw Error("probe: " + problem); };
  if (config.heads < 1) fail("heads must be >= 1");
  if (config.layers < 1) fail("layers must be >= 1");
  if (config.head_dim < 2 || config.head_dim % 2 != 0) fail("head_dim must be even and >= 2");
  if (config.encoding.head_dim != config.head_dim) fail("encoding head_dim differs from head_dim");
  if (config.length < 3) fail("length must be >= 3 (query, needle, one more position)");
  if (config.length >= (1 << 24)) fail("length must be < 2^24 (fp32 positions are exact)");
  if (config.vocab < 3) fail("vocab must be >= 3 (probe, distractor, filler)");
  if (config.samples < 1) fail("samples must be >= 1");
  if (config.batch_samples < 0) fail("batch_samples must be >= 0");
  if (!(config.separation >= 0.0 && config.separation < 1.0)) fail("separation must be in [0, 1)");
  const std::int64_t gap = minimum_gap(config.length, config.separation);
  if (gap > config.length - 2) {
    fail("separation " + std::to_string(config.separation) + " leaves no position pair " +
         "r1 < r2 in 1.." + std::to_string(config.length - 1) +
         " with r2 - r1 >= " + std::to_string(gap));
  }
}

ProbeModel draw_probe_model(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                            std::uint64_t sample) {
  const Index width = config.width();
  const Index hidden = kMlpExpansion * width;
  auto key = [&](std::uint64_t matrix) {
    return StreamKey{seed, point, kStreamProbeWeights, (sample << 16) | matrix};
  };
  ProbeModel model;
  model.heads = config.heads;
  model.head_dim = config.head_dim;
  fill_normal_matrix(model.vocabulary, config.vocab, width, 1.0, key(kVocabularyMatrix));
  const double projection = 1.0 / std::sqrt(static_cast<double>(width));
  model.layers.resize(config.layers);
  for (int l = 0; l < config.layers; ++l) {
    ProbeLayer& layer = model.layers[l];
    const std::uint64_t id = 1 + kMatricesPerLayer * static_cast<std::uint64_t>(l);
    fill_normal_matrix(layer.query, width, width, projection, key(id));
    if (config.qk_tied) {
      layer.key = layer.query;
    } else {
      fill_normal_matrix(layer.key, width, width, projection, key(id + 1));
    }
    fill_normal_matrix(layer.value, width, width, projection, key(id + 2));
    fill_normal_matrix(layer.output, width, width, projection, key(id + 3));
    if (config.mlp) {
      fill_normal_matrix(layer.mlp_in, width, hidden, projection, key(id + 4));
      fill_normal_matrix(layer.mlp_out, hidden, width, 1.0 / std::sqrt(static_cast<double>(hidden)),
                         key(id + 5));
    }
  }
  return model;
}

// Rows of one layer computed together: a multiple of kAttentionBlock.
constexpr Index kLayerRows = 8 * kAttentionBlock;

// Rows [first, first + hidden.rows()) of one sequence's hidden state.
struct ProbeForward::Segment {
  Index first = 0;
  MatrixF hidden;
  const ProbeVariant* variant = nullptr;
  Index end() const { return first + hidden.rows(); }
};

// A layer block's intermediate matrices, kept from block to block of a pass: allocating
// them anew for each block of 1024 rows handed their pages back to the system and took
// them again, 40 % of a pass's page faults at L = 4096.
struct ProbeForward::LayerScratch {
  MatrixF normed, projected, attended, expanded;
};

ProbeForward::ProbeForward(const ProbeModel& model, const Encoding& encoding, Precision precision,
                           bool mlp)
    : model_(model), encoding_(encoding), precision_(precision), mlp_(mlp) {
  if (encoding.head_dim() != model.head_dim) {
    throw Error("probe: encoding head_dim " + std::to_string(encoding.head_dim()) +
                " differs from the model's " + std::to_string(model.head_dim));
  }
  if (mlp && !model.layers.empty() && model.layers.front().mlp_in.size() == 0) {
    throw Error("probe: MLP requested but the model has no MLP weights");
  }
  heads_.heads = model.heads;
  heads_.head_dim = model.head_dim;
  if (encoding.kind() == EncodingKind::kAlibi) {
    for (double slope : alibi_slopes(model.heads))
      heads_.slopes.push_back(static_cast<float>(slope));
  }
}

void ProbeForward::embed(const std::vector<int>& tokens, const ProbeVariant* variant,
                         Segment& segment) const {
  for (Index i = 0; i < segment.hidden.rows(); ++i) {
    const Index position = segment.first + i;
    const int token =
        (variant != nullptr && variant->position == position) ? variant->token : tokens[position];
    segment.hidden.row(i) = model_.vocabulary.row(token);
  }
}

void ProbeForward::encode(MatrixF& rows, Index first_position) const {
  // One set of rotation factors per position serves every head; the arithmetic is
  // Encoding::rotate's (fp32 angles, qk_scale applied last), so it agrees with it.
  const int d = model_.head_dim;
  const int pairs = encoding_.pairs();
  std::vector<float> cos_factor(pairs), sin_factor(pairs);
  std::vector<int> real(pairs), imag(pairs);
  for (int t = 0; t < pairs; ++t) {
    real[t] = encoding_.real_index(t);
    imag[t] = encoding_.imag_index(t);
  }
  const auto scale = static_cast<float>(encoding_.qk_scale());
  for (Index i = 0; i < rows.rows(); ++i) {
    encoding_.rotation_factors(static_cast<double>(first_position + i), cos_factor.data(),
                               sin_factor.data());
    for (int h = 0; h < model_.heads; ++h) {
      float* x = rows.row(i).data() + static_cast<Index>(h) * d;
      for (int t = 0; t < pairs; ++t) {
        const float a = x[real[t]], b = x[imag[t]];
        x[real[t]] = scale * (a * cos_factor[t] - b * sin_factor[t]);
        x[imag[t]] = scale * (a * sin_factor[t] + b * cos_factor[t]);
      }
    }
  }
}

void ProbeForward::layer_block(const ProbeLayer& layer, Segment& segment, Index local_row,
                               Index rows, MatrixF& keys, MatrixF& values, bool last,
                               LayerScratch& scratch) const {
  const Index position = segment.first + local_row;
  auto hidden = segment.hidden.middleRows(local_row, rows);
  const MatrixF& normed = scratch.normed;
  rms_norm(hidden, scratch.normed);

  MatrixF& projected = scratch.projected;
  projected.noalias() = normed * layer.key;
  encode(projected, position);
  keys.middleRows(position, rows) = projected;
  if (last) return;  // the last layer only needs keys here; its query row is read_out's

  values.middleRows(position, rows).noalias() = normed * layer.value;
  projected.noalias() = normed * layer.query;
  encode(projected, position);
  projected *= 1.0f / std::sqrt(static_cast<float>(model_.head_dim));
  detail::causal_attention_compiled(heads_, position, projected, keys, values, scratch.attended);
  hidden.noalias() += scratch.attended * layer.output;
  if (mlp_) {
    rms_norm(hidden, scratch.normed);
    scratch.expanded.noalias() = normed * layer.mlp_in;
    gelu_in_place(scratch.expanded);
    hidden.noalias() += scratch.expanded * layer.mlp_out;
  }
}

ProbeReadout ProbeForward::read_out(const ProbeLayer& layer, const Segment& segment,
                                    std::int64_t position, const MatrixF& keys) const {
  const Index query_position = segment.end() - 1;
  const int d = model_.head_dim;
  const float logit_scale = 1.0f / std::sqrt(static_cast<float>(d));
  const MatrixF query_normed = rms_norm(segment.hidden.bottomRows(1));
  const MatrixF query_raw = query_normed * layer.query;
  MatrixF query = query_raw;
  encode(query, query_position);
  query *= logit_scale;

  MatrixF logits;
  query_row_logits(heads_, query_position, query.data(), keys, logits);

  const MatrixF key_raw = rms_norm(segment.hidden.row(position - segment.first)) * layer.key;
  const double distance = static_cast<double>(query_position - position);

  ProbeReadout readout;
  for (int h = 0; h < model_.heads; ++h) {
    const auto row = logits.row(h);
    const float max = row.maxCoeff();
    double total = 0.0;
    for (Index j = 0; j < row.size(); ++j) total += std::exp(static_cast<double>(row(j) - max));
    readout.weight.push_back(std::exp(static_cast<double>(row(position) - max)) / total);
    readout.logit.push_back(row(position));

    const float* q = query_raw.data() + static_cast<Index>(h) * d;
    const float* k = key_raw.data() + static_cast<Index>(h) * d;
    const double slope = heads_.slope(h);
    double rounded;
    if (precision_ == Precision::kFp64) {
      std::vector<double> qd(q, q + d), kd(k, k + d), qr(d), kr(d);
      encoding_.rotate(qd.data(), static_cast<double>(query_position), qr.data());
      encoding_.rotate(kd.data(), static_cast<double>(position), kr.data());
      double dot = 0.0;
      for (int t = 0; t < d; ++t) dot += qr[t] * kr[t];
      rounded = dot / std::sqrt(static_cast<double>(d)) - slope * distance;
    } else {
      std::vector<float> qr(d), kr(d);
      encoding_.rotate(q, static_cast<double>(query_position), qr.data());
      encoding_.rotate(k, static_cast<double>(position), kr.data());
      float dot = 0.0f;
      for (int t = 0; t < d; ++t) {
        dot += static_cast<float>(round_to(qr[t], precision_)) *
               static_cast<float>(round_to(kr[t], precision_));
      }
      const float logit =
          dot * logit_scale - static_cast<float>(slope) * static_cast<float>(distance);
      rounded = round_to(logit, precision_);
    }
    readout.rounded.push_back(rounded);
  }
  return readout;
}

std::vector<ProbeReadout> ProbeForward::run_compiled(const std::vector<int>& base_tokens,
                                                     const std::vector<ProbeVariant>& variants,
                                                     bool share_prefix) const {
  const Index length = static_cast<Index>(base_tokens.size());
  const Index width = model_.width();
  const int vocab = static_cast<int>(model_.vocabulary.rows());
  if (length < 2) throw Error("probe: a sequence needs at least two positions");
  for (int token : base_tokens) {
    if (token < 0 || token >= vocab) throw Error("probe: token id out of the vocabulary");
  }
  for (const ProbeVariant& v : variants) {
    if (v.position < 0 || v.position >= length - 1 || v.token < 0 || v.token >= vocab) {
      throw Error("probe: a variant must change one token at a position before the query");
    }
  }

  // A variant recomputes from the start of the block that holds its position.
  std::vector<Segment> segments(variants.size());
  Index base_end = 0;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    segments[v].variant = &variants[v];
    segments[v].first = share_prefix ? variants[v].position / kAttentionBlock * kAttentionBlock : 0;
    base_end = std::max(base_end, segments[v].first);
  }
  // Later variants overwrite the key/value rows from their first position on, so
  // the ones that start latest go first and every variant still finds the base
  // sequence's rows before its own start.
  std::vector<std::size_t> order(variants.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return segments[a].first > segments[b].first;
  });

  Segment base;
  base.hidden.resize(base_end, width);
  embed(base_tokens, nullptr, base);
  for (Segment& segment : segments) {
    segment.hidden.resize(length - segment.first, width);
    embed(base_tokens, segment.variant, segment);
  }

  MatrixF keys(length, width), values(length, width);
  LayerScratch scratch;
  std::vector<ProbeReadout> readouts(variants.size());
  // A layer runs over its rows in runs of up to kLayerRows whole attention blocks, then
  // over the last, partial block on its own. Rows of an Eigen matrix product do not
  // depend on how many rows the product has, except where Eigen takes another algorithm
  // for a short product (a matrix-vector product for one row, a coefficient-wise one for
  // a few narrow rows): so runs of whole blocks give the bits of one block at a time,
  // and the partial block is computed as it always was. Runs of 1024 rows pack each
  // weight matrix once per 1024 rows instead of once per 128: Eigen's product of
  // 4096 x 1024 by 1024 x 1024 runs 1.2x faster in runs of 1024 rows than of 128.
  auto run_layer = [&](const ProbeLayer& layer, Segment& segment, bool last) {
    const Index rows = segment.hidden.rows();
    const Index whole = rows / kAttentionBlock * kAttentionBlock;
    for (Index row = 0; row < whole; row += kLayerRows) {
      layer_block(layer, segment, row, std::min(kLayerRows, whole - row), keys, values, last,
                  scratch);
    }
    if (whole < rows) {
      layer_block(layer, segment, whole, rows - whole, keys, values, last, scratch);
    }
  };
  for (std::size_t l = 0; l < model_.layers.size(); ++l) {
    const ProbeLayer& layer = model_.layers[l];
    const bool last = l + 1 == model_.layers.size();
    run_layer(layer, base, last);
    for (std::size_t v : order) {
      run_layer(layer, segments[v], last);
      if (last) readouts[v] = read_out(layer, segments[v], variants[v].position, keys);
    }
  }
  return readouts;
}

ProbeSample draw_probe_sample(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point,
                              std::uint64_t sample) {
  RandomStream stream(StreamKey{seed, point, kStreamProbeSequence, sample});
  const std::int64_t length = config.length;
  const auto vocab = static_cast<std::uint64_t>(config.vocab);
  ProbeSample s;
  s.probe_token = static_cast<int>(stream.uniform_int(vocab));
  s.distractor = static_cast<int>(stream.uniform_int(vocab - 1));
  if (s.distractor >= s.probe_token) ++s.distractor;
  const int low = std::min(s.probe_token, s.distractor);
  const int high = std::max(s.probe_token, s.distractor);
  s.tokens.resize(length);
  for (std::int64_t i = 0; i + 1 < length; ++i) {
    int token = static_cast<int>(stream.uniform_int(vocab - 2));
    if (token >= low) ++token;
    if (token >= high) ++token;
    s.tokens[i] = token;
  }
  s.tokens[length - 1] = s.probe_token;

  // Pairs with r2 - r1 = delta number L-1-delta (r1 = 1..L-1-delta). Index them by
  // k = L-1-delta in 1..M, M = L-1-gap, pairs of k before it k(k-1)/2, and invert.
  const std::int64_t gap = minimum_gap(length, config.separation);
  const std::int64_t m = length - 1 - gap;
  const std::uint64_t pairs = static_cast<std::uint64_t>(m) * static_cast<std::uint64_t>(m + 1) / 2;
  const std::uint64_t u = stream.uniform_int(pairs);
  auto k = static_cast<std::int64_t>((std::sqrt(8.0 * static_cast<double>(u) + 1.0) + 1.0) / 2.0);
  auto before = [](std::int64_t kk) { return static_cast<std::uint64_t>(kk) * (kk - 1) / 2; };
  while (k > 1 && before(k) > u) --k;
  while (before(k + 1) <= u) ++k;
  s.near = 1 + static_cast<std::int64_t>(u - before(k));
  s.far = s.near + (length - 1 - k);
  s.distance =
      1 + static_cast<std::int64_t>(stream.uniform_int(static_cast<std::uint64_t>(length - 1)));
  return s;
}

std::vector<ProbeVariant> probe_variants(const ProbeSample& sample, int length) {
  const std::int64_t query = length - 1;
  return {{query - sample.near, sample.probe_token},
          {query - sample.far, sample.probe_token},
          {query - 1, sample.probe_token},
          {query - 1, sample.distractor},
          {query - sample.distance, sample.probe_token},
          {query - sample.distance, sample.distractor}};
}

namespace detail {

ProbeMoments run_probe_batch_compiled(const ProbeConfig& config, std::uint64_t seed,
                                      std::uint64_t point, std::int64_t batch) {
  validate(config);
  const Encoding encoding(config.encoding);
  enum Slot { kNear, kFar, kNeedleAdjacent, kDistractorAdjacent, kNeedleFar, kDistractorFar };
  SampleValues position_inversion, position_inversion_head, token_inversion,
      token_inversion_head, position_aliasing, position_aliasing_head, token_aliasing,
      token_aliasing_head, weight_near, weight_far;
  const double heads = config.heads;
  const std::int64_t per_batch = probe_samples_per_batch(config);
  const std::int64_t first = batch * per_batch;
  const std::int64_t last = std::min(first + per_batch, config.samples);
  for (std::int64_t s = first; s < last; ++s) {
    const auto sample_index = static_cast<std::uint64_t>(s);
    const ProbeModel model = draw_probe_model(config, seed, point, sample_index);
    const ProbeSample sample = draw_probe_sample(config, seed, point, sample_index);
    const ProbeForward forward(model, encoding, config.precision, config.mlp);
    const std::vector<ProbeReadout> r =
        forward.run_compiled(sample.tokens, probe_variants(sample, config.length), true);
    auto total = [&](Slot slot) {
      return std::accumulate(r[slot].weight.begin(), r[slot].weight.end(), 0.0);
    };
    auto head_mean = [&](auto&& per_head) {
      double sum = 0.0;
      for (int h = 0; h < config.heads; ++h) sum += per_head(h);
      return sum / heads;
    };

    position_inversion.add(order_failure(total(kNear), total(kFar)));
    position_inversion_head.add(
        head_mean([&](int h) { return order_failure(r[kNear].weight[h], r[kFar].weight[h]); }));
    token_inversion.add(sign_flip(total(kNeedleAdjacent) - total(kDistractorAdjacent),
                                  total(kNeedleFar) - total(kDistractorFar)));
    token_inversion_head.add(head_mean([&](int h) {
      return sign_flip(r[kNeedleAdjacent].weight[h] - r[kDistractorAdjacent].weight[h],
                       r[kNeedleFar].weight[h] - r[kDistractorFar].weight[h]);
    }));
    auto aliased = [&](Slot a, Slot b, int h) {
      return r[a].rounded[h] == r[b].rounded[h] ? 1.0 : 0.0;
    };
    position_aliasing.add(head_mean([&](int h) { return aliased(kNear, kFar, h); }) == 1.0 ? 1.0
                                                                                           : 0.0);
    position_aliasing_head.add(head_mean([&](int h) { return aliased(kNear, kFar, h); }));
    token_aliasing.add(
        head_mean([&](int h) { return aliased(kNeedleFar, kDistractorFar, h); }) == 1.0 ? 1.0
                                                                                        : 0.0);
    token_aliasing_head.add(
        head_mean([&](int h) { return aliased(kNeedleFar, kDistractorFar, h); }));
    weight_near.add(total(kNear) / heads);
    weight_far.add(total(kFar) / heads);
  }
  ProbeMoments moments;
  moments.position_inversion = position_inversion.moments();
  moments.position_inversion_head = position_inversion_head.moments();
  moments.token_inversion = token_inversion.moments();
  moments.token_inversion_head = token_inversion_head.moments();
  moments.position_aliasing = position_aliasing.moments();
  moments.position_aliasing_head = position_aliasing_head.moments();
  moments.token_aliasing = token_aliasing.moments();
  moments.token_aliasing_head = token_aliasing_head.moments();
  moments.needle_weight_r1 = weight_near.moments();
  moments.needle_weight_r2 = weight_far.moments();
  return moments;
}

}  // namespace detail

double probe_work(const ProbeConfig& config) {
  const double length = config.length;
  const double width = config.width();
  const double layers = config.layers;
  const double projections = (config.mlp ? 4.0 + 2.0 * kMlpExpansion : 4.0) * width * width;
  // Rows a sample computes per layer: the base sequence (~L) and the six variants'
  // suffixes (E[r1] + E[r2] = L, 2 E[r] = L, plus block alignment). Query-key pairs:
  // L^2/2 for the base; a suffix of s rows from the end attends to ~sL - s^2/2 keys,
  // ~L^2/3 on average for each of the four variants with a random distance.
  const double rows = 3.0 * length + 3.0 * static_cast<double>(kAttentionBlock);
  const double pairs = length * length * (0.5 + 4.0 / 3.0);
  const double hidden_layers = layers - 1.0;
  const double attention = hidden_layers * pairs * 2.0 * width;
  const double dense = hidden_layers * rows * projections + rows * width * width;
  // Relative prices measured with bench/probe_forward: a normal draw (weights and
  // vocabulary) costs about 180 multiply-adds, an fp32 sin/cos pair about 130. Rows
  // are rotated for q and k in the hidden layers and for k in the last one.
  const double draws = 180.0 * (config.vocab * width + layers * projections);
  const double rotations =
      (2.0 * hidden_layers + 1.0) * rows * (130.0 * config.head_dim / 2.0 + 4.0 * width);
  return static_cast<double>(config.samples) * (attention + dense + draws + rotations);
}

std::int64_t probe_samples_per_batch(const ProbeConfig& config) {
  if (config.batch_samples > 0) return config.batch_samples;
  ProbeConfig one_sample = config;
  one_sample.samples = 1;
  return std::max<std::int64_t>(1, std::int64_t(kProbeBatchWork / probe_work(one_sample)));
}

std::int64_t probe_batch_count(const ProbeConfig& config) {
  const std::int64_t per_batch = probe_samples_per_batch(config);
  return (config.samples + per_batch - 1) / per_batch;
}

ProbeResult probe_result(const std::vector<ProbeMoments>& batches) {
  const ProbeMoments merged = merge_in_order(batches);
  // A sample is one unit: samples are independent (a fresh model and sequence set each),
  // so the samples that saw a rare event count as its trials.
  ProbeResult result;
  result.position_inversion = merged.position_inversion.estimate(1, false);
  result.position_inversion_head = merged.position_inversion_head.estimate(1, false);
  result.token_inversion = merged.token_inversion.estimate(1, false);
  result.token_inversion_head = merged.token_inversion_head.estimate(1, false);
  result.position_aliasing = merged.position_aliasing.estimate(1, true);
  result.position_aliasing_head = merged.position_aliasing_head.estimate(1, true);
  result.token_aliasing = merged.token_aliasing.estimate(1, true);
  result.token_aliasing_head = merged.token_aliasing_head.estimate(1, true);
  result.needle_weight_r1 = merged.needle_weight_r1.estimate(1, false);
  result.needle_weight_r2 = merged.needle_weight_r2.estimate(1, false);
  return result;
}

}  // namespace ropesweep
