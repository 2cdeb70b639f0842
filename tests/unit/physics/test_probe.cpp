// The transformer probe: its last-layer logit against the pairwise score, prefix
// reuse against full recomputation, the whole stack against a plain double-precision
// implementation and the sampling of a probe sample.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/probe.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_path_guard.hpp"

namespace ropesweep {
namespace {

using Eigen::Index;

ProbeConfig small_config(const std::string& encoding, int heads, int layers, int head_dim,
                         int length) {
  ProbeConfig config;
  config.heads = heads;
  config.layers = layers;
  config.head_dim = head_dim;
  config.length = length;
  config.vocab = 64;
  config.samples = 1;
  config.encoding.kind = parse_encoding(encoding);
  config.encoding.head_dim = head_dim;
  config.encoding.base = 500.0;
  config.encoding.scale = 4.0;
  config.encoding.train_length = 64.0;
  config.encoding.partial_fraction = 0.5;
  config.encoding.alibi_heads = heads;
  config.encoding.context_length = length;
  config.encoding.short_factor.assign(head_dim / 2, 1.5);  // longrope's
  config.encoding.long_factor.assign(head_dim / 2, 3.0);
  return config;
}

std::vector<double> rms_normed(const float* x, int width) {
  double mean_square = 0.0;
  for (int i = 0; i < width; ++i) mean_square += double(x[i]) * x[i];
  mean_square /= width;
  std::vector<double> out(width);
  for (int i = 0; i < width; ++i) out[i] = x[i] / std::sqrt(mean_square + 1e-6);
  return out;
}

// Identity-like settings: one head, one layer, d_model = head_dim, W_q = W_k = I.
// The last layer's query is then RMSNorm(E[x*]) at position L-1 and the key at the
// variant's position RMSNorm(E[token]), so the probe's pre-softmax logit must be the
// pairwise score of exactly these vectors, s(q, k; r), divided by sqrt(d). ALiBi's
// penalty is added after the scaling in the probe (Press et al.) but is part of
// Encoding::score, hence the correction for it.
TEST(Probe, NeedleLogitIsThePairwiseScoreOverSqrtD) {
  const int d = 16;
  const int length = 100;
  for (const std::string& name : encoding_names()) {
    SCOPED_TRACE(name);
    ProbeConfig config = small_config(name, 1, 1, d, length);
    config.encoding.alibi_heads = 1;
    config.precision = Precision::kFp64;
    ProbeModel model = draw_probe_model(config, 3, 0, 0);
    model.layers[0].query = MatrixF::Identity(d, d);
    model.layers[0].key = MatrixF::Identity(d, d);
    const Encoding encoding(config.encoding);
    const ProbeForward forward(model, encoding, config.precision, false);
    const ProbeSample sample = draw_probe_sample(config, 3, 0, 0);
    const std::vector<ProbeVariant> variants = {{length - 1 - 1, sample.probe_token},
                                                {length - 1 - 37, sample.probe_token},
                                                {0, sample.distractor},
                                                {length - 1 - 64, sample.distractor}};
    const std::vector<ProbeReadout> readouts = forward.run(sample.tokens, variants);
    const std::vector<double> q = rms_normed(model.vocabulary.row(sample.probe_token).data(), d);
    const double slope = encoding.distance_slope();
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const std::vector<double> k = rms_normed(model.vocabulary.row(variants[v].token).data(), d);
      const double r = static_cast<double>(length - 1 - variants[v].position);
      const double expected =
          (encoding.score(q.data(), k.data(), r) + slope * r) / std::sqrt(d) - slope * r;
      // fp32 angles at positions < 100 are off by < 1e-5 rad: bound the error by a
      // small multiple of |q||k|/sqrt(d) (Cauchy-Schwarz), not of the score itself.
      double qq = 0.0, kk = 0.0;
      for (int t = 0; t < d; ++t) qq += q[t] * q[t], kk += k[t] * k[t];
      const double bound = encoding.qk_scale() * encoding.qk_scale() * std::sqrt(qq * kk / d);
      EXPECT_NEAR(readouts[v].logit[0], expected, 2e-5 * bound) << "variant " << v;
      // The fp64 aliasing logit uses fp64 angles: it is the score up to the fp32
      // RMSNorm and the rounding of q and k to fp32.
      EXPECT_NEAR(readouts[v].rounded[0], expected, 1e-6 * bound) << "variant " << v;
    }
  }
}

void expect_bitwise_equal(const std::vector<ProbeReadout>& a, const std::vector<ProbeReadout>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t v = 0; v < a.size(); ++v) {
    EXPECT_EQ(a[v].weight, b[v].weight) << "variant " << v;
    EXPECT_EQ(a[v].logit, b[v].logit) << "variant " << v;
    EXPECT_EQ(a[v].rounded, b[v].rounded) << "variant " << v;
  }
}

TEST(Probe, PrefixReuseIsBitwiseIdenticalToFullPasses) {
  // L not a multiple of the block; variants inside blocks, on both sides of block
  // boundaries, at position 0 and next to the query, and two at the same position.
  const int length = 300;
  on_every_vector_path([&](VectorPath) {
    for (const char* name : {"rope", "alibi", "yarn"}) {
      SCOPED_TRACE(name);
      ProbeConfig config = small_config(name, 2, 3, 8, length);
      config.mlp = true;
      const ProbeModel model = draw_probe_model(config, 5, 2, 0);
      const Encoding encoding(config.encoding);
      const ProbeForward forward(model, encoding, Precision::kBf16, true);
      const ProbeSample sample = draw_probe_sample(config, 5, 2, 0);
      std::vector<ProbeVariant> variants = {{0, 1},   {127, 2}, {128, 3}, {255, 4},
                                            {256, 5}, {298, 6}, {298, 7}, {40, 8}};
      const std::vector<ProbeReadout> shared = forward.run(sample.tokens, variants, true);
      const std::vector<ProbeReadout> full = forward.run(sample.tokens, variants, false);
      expect_bitwise_equal(shared, full);
      // Each variant on its own (a single full pass of its sequence) agrees too.
      for (std::size_t v = 0; v < variants.size(); ++v) {
        std::vector<int> tokens = sample.tokens;
        tokens[variants[v].position] = variants[v].token;
        const std::vector<ProbeReadout> alone = forward.run(tokens, {variants[v]}, false);
        expect_bitwise_equal({shared[v]}, alone);
      }
    }
  });
}

TEST(Probe, PrefixReuseIsBitwiseIdenticalOverRunsOfManyBlocks) {
  // A layer's products run over up to 8 whole blocks at a time and its last, partial
  // block alone. L = 2049 ends in a block of one row (a matrix-vector product in Eigen);
  // a variant at 640 makes its segment's runs 1024 and 384 rows long where a full pass
  // has 1024 and 1024, so the same rows come out of products of different lengths.
  const int length = 2049;
  on_every_vector_path([&](VectorPath) {
    ProbeConfig config = small_config("rope", 2, 3, 8, length);
    config.mlp = true;
    const ProbeModel model = draw_probe_model(config, 7, 3, 0);
    const Encoding encoding(config.encoding);
    const ProbeForward forward(model, encoding, Precision::kBf16, true);
    const ProbeSample sample = draw_probe_sample(config, 7, 3, 0);
    const std::vector<ProbeVariant> variants = {{5, 1}, {640, 2}, {1100, 3}, {2047, 4}};
    expect_bitwise_equal(forward.run(sample.tokens, variants, true),
                         forward.run(sample.tokens, variants, false));
  });
}

// The stack written out plainly in double precision: full matrices, explicit
// softmax, every position recomputed. Rotation uses the encoding's fp32 angle
// factors (the probe's documented choice) applied in double.
std::vector<double> reference_weights(const ProbeModel& model, const Encoding& encoding, bool mlp,
                                      const std::vector<int>& tokens, Index needle) {
  const int heads = model.heads, d = model.head_dim, width = model.width();
  const Index length = static_cast<Index>(tokens.size());
  Eigen::MatrixXd h(length, width);
  for (Index i = 0; i < length; ++i) h.row(i) = model.vocabulary.row(tokens[i]).cast<double>();
  std::vector<double> slopes(heads, 0.0);
  if (encoding.kind() == EncodingKind::kAlibi) slopes = alibi_slopes(heads);
  auto norm = [&](const Eigen::MatrixXd& x) {
    Eigen::MatrixXd out = x;
    for (Index i = 0; i < x.rows(); ++i) {
      out.row(i) /= std::sqrt(x.row(i).squaredNorm() / width + 1e-6);
    }
    return out;
  };
  auto rotate = [&](Eigen::MatrixXd& x) {
    std::vector<float> c(d / 2), s(d / 2);
    for (Index i = 0; i < x.rows(); ++i) {
      encoding.rotation_factors(static_cast<double>(i), c.data(), s.data());
      for (int head = 0; head < heads; ++head) {
        for (int t = 0; t < d / 2; ++t) {
          const int re = head * d + encoding.real_index(t), im = head * d + encoding.imag_index(t);
          const double a = x(i, re), b = x(i, im);
          x(i, re) = encoding.qk_scale() * (a * c[t] - b * s[t]);
          x(i, im) = encoding.qk_scale() * (a * s[t] + b * c[t]);
        }
      }
    }
  };
  std::vector<double> weights(heads);
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const ProbeLayer& layer = model.layers[l];
    const Eigen::MatrixXd x = norm(h);
    Eigen::MatrixXd q = x * layer.query.cast<double>();
    Eigen::MatrixXd k = x * layer.key.cast<double>();
    const Eigen::MatrixXd v = x * layer.value.cast<double>();
    rotate(q);
    rotate(k);
    Eigen::MatrixXd attended = Eigen::MatrixXd::Zero(length, width);
    for (int head = 0; head < heads; ++head) {
      const Eigen::MatrixXd logits =
          q.middleCols(head * d, d) * k.middleCols(head * d, d).transpose() / std::sqrt(d);
      for (Index i = 0; i < length; ++i) {
        Eigen::VectorXd p(i + 1);
        for (Index j = 0; j <= i; ++j) p(j) = logits(i, j) - slopes[head] * double(i - j);
        p = (p.array() - p.maxCoeff()).exp();
        p /= p.sum();
        if (l + 1 == model.layers.size() && i == length - 1) weights[head] = p(needle);
        attended.block(i, head * d, 1, d) = p.transpose() * v.block(0, head * d, i + 1, d);
      }
    }
    h += attended * layer.output.cast<double>();
    if (mlp) {
      Eigen::MatrixXd e = norm(h) * layer.mlp_in.cast<double>();
      const double c = std::sqrt(2.0 / M_PI);
      e = (0.5 * e.array() * (1.0 + (c * (e.array() + 0.044715 * e.array().cube())).tanh()))
              .matrix();
      h += e * layer.mlp_out.cast<double>();
    }
  }
  return weights;
}

TEST(Probe, ForwardPassMatchesAPlainDoublePrecisionStack) {
  const int length = 200;
  on_every_vector_path([&](VectorPath) {
    for (const char* name : {"rope", "rope_half", "yarn", "alibi", "nope", "partial"}) {
      SCOPED_TRACE(name);
      ProbeConfig config = small_config(name, 2, 3, 8, length);
      config.mlp = true;
      const ProbeModel model = draw_probe_model(config, 11, 1, 0);
      const Encoding encoding(config.encoding);
      const ProbeForward forward(model, encoding, Precision::kFp32, true);
      const ProbeSample sample = draw_probe_sample(config, 11, 1, 0);
      const std::vector<ProbeVariant> variants = {{150, sample.probe_token},
                                                  {3, sample.distractor}};
      const std::vector<ProbeReadout> readouts = forward.run(sample.tokens, variants);
      for (std::size_t v = 0; v < variants.size(); ++v) {
        std::vector<int> tokens = sample.tokens;
        tokens[variants[v].position] = variants[v].token;
        const std::vector<double> expected =
            reference_weights(model, encoding, true, tokens, variants[v].position);
        for (int h = 0; h < config.heads; ++h) {
          EXPECT_NEAR(readouts[v].weight[h], expected[h], 1e-4 * expected[h])
              << "variant " << v << " head " << h;
        }
      }
    }
  });
}

TEST(Probe, SamplePairsAreUniformOverTheAllowedPairs) {
  // L = 10, g = 0.25: gap ceil(2.5) = 3, pairs 1 <= r1 < r2 <= 9 with r2 - r1 >= 3:
  // 6 + 5 + ... + 1 = 21 of them, each with probability 1/21.
  ProbeConfig config = small_config("rope", 1, 1, 4, 10);
  config.vocab = 5;
  std::map<std::pair<std::int64_t, std::int64_t>, int> counts;
  std::map<std::int64_t, int> distances;
  const int draws = 42000;
  for (int s = 0; s < draws; ++s) {
    const ProbeSample sample = draw_probe_sample(config, 1, 0, s);
    ASSERT_GE(sample.near, 1);
    ASSERT_LE(sample.far, 9);
    ASSERT_GE(sample.far - sample.near, 3);
    ++counts[{sample.near, sample.far}];
    ++distances[sample.distance];
    ASSERT_EQ(sample.tokens.size(), 10u);
    ASSERT_EQ(sample.tokens.back(), sample.probe_token);
    ASSERT_NE(sample.distractor, sample.probe_token);
    for (std::size_t i = 0; i + 1 < sample.tokens.size(); ++i) {
      ASSERT_NE(sample.tokens[i], sample.probe_token);
      ASSERT_NE(sample.tokens[i], sample.distractor);
    }
  }
  ASSERT_EQ(counts.size(), 21u);
  // 2000 expected per pair, binomial sd ~ 44: 5 sd.
  for (const auto& entry : counts) EXPECT_NEAR(entry.second, 2000, 220);
  ASSERT_EQ(distances.size(), 9u);  // r uniform on 1..9
  for (const auto& entry : distances) EXPECT_NEAR(entry.second, draws / 9.0, 5 * 66.0);
}

// The probe's pairs follow the one separation rule: g = 0.07, L = 100 allows
// r2 - r1 = 7 (not ceil(7.000000000000001) = 8).
TEST(Probe, SeparationFollowsTheSharedRule) {
  ProbeConfig config = small_config("rope", 1, 1, 4, 100);
  config.separation = 0.07;
  config.vocab = 5;
  std::int64_t smallest = 100;
  for (int s = 0; s < 20000; ++s) {
    const ProbeSample sample = draw_probe_sample(config, 3, 0, s);
    ASSERT_GE(sample.far - sample.near, 7);
    smallest = std::min<std::int64_t>(smallest, sample.far - sample.near);
  }
  EXPECT_EQ(smallest, 7);
}

TEST(Probe, NopeSingleLayerNeedleLogitsAliasAcrossPositionsButNotTokens) {
  // No positional term and one layer: the needle's logit is the same number at r1 and
  // r2 (same query, same key, nothing depends on position), so position aliasing is
  // certain in every precision; the distractor is another token, so its logit differs.
  for (Precision precision : {Precision::kFp64, Precision::kBf16}) {
    ProbeConfig config = small_config("nope", 4, 1, 16, 300);
    config.precision = precision;
    config.samples = 6;
    const ProbeResult result = run_probe(config, 9, 4);
    EXPECT_EQ(result.position_aliasing.value, 1.0);
    EXPECT_EQ(result.position_aliasing_head.value, 1.0);
    EXPECT_EQ(result.position_aliasing.n, 6.0);
    if (precision == Precision::kFp64) {
      EXPECT_EQ(result.token_aliasing.value, 0.0);
      EXPECT_EQ(result.token_aliasing_head.value, 0.0);
    }
  }
}

TEST(Probe, ResultsDependOnlyOnSeedAndPoint) {
  ProbeConfig config = small_config("rope", 2, 2, 8, 200);
  config.samples = 3;
  const ProbeResult a = run_probe(config, 21, 7);
  const ProbeResult b = run_probe(config, 21, 7);
  const ProbeResult c = run_probe(config, 21, 8);
  EXPECT_EQ(a.needle_weight_r1.value, b.needle_weight_r1.value);
  EXPECT_EQ(a.needle_weight_r2.se, b.needle_weight_r2.se);
  EXPECT_EQ(a.token_inversion_head.value, b.token_inversion_head.value);
  EXPECT_NE(a.needle_weight_r1.value, c.needle_weight_r1.value);
}

// The wide paths really run other code: Eigen built for AVX2 + FMA or AVX-512F sums the
// products in another order, so a model as wide as the sweeps' gives other last bits than
// the baseline, and run_probe follows the path as ProbeForward::run does. Each path repeats
// its own bits.
TEST(Probe, EachVectorPathRunsItsOwnCompiledCopy) {
  ProbeConfig config = small_config("rope", 4, 2, 64, 300);
  config.samples = 2;
  const ProbeModel model = draw_probe_model(config, 2, 0, 0);
  const Encoding encoding(config.encoding);
  const ProbeForward forward(model, encoding, Precision::kFp32, false);
  const ProbeSample sample = draw_probe_sample(config, 2, 0, 0);
  const std::vector<ProbeVariant> variants = probe_variants(sample, config.length);
  std::map<VectorPath, std::vector<double>> weights;
  std::map<VectorPath, double> needle;
  on_every_vector_path([&](VectorPath path) {
    for (const ProbeReadout& readout : forward.run(sample.tokens, variants)) {
      weights[path].insert(weights[path].end(), readout.weight.begin(), readout.weight.end());
    }
    needle[path] = run_probe(config, 2, 0).needle_weight_r1.value;
    EXPECT_EQ(needle[path], run_probe(config, 2, 0).needle_weight_r1.value);
    std::vector<double> again;
    for (const ProbeReadout& readout : forward.run(sample.tokens, variants)) {
      again.insert(again.end(), readout.weight.begin(), readout.weight.end());
    }
    EXPECT_EQ(again, weights[path]);
  });
  const std::vector<double>& baseline = weights.at(VectorPath::kGeneric);
  for (const auto& [path, values] : weights) {
    SCOPED_TRACE(vector_path_name(path));
    ASSERT_EQ(values.size(), baseline.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      EXPECT_NEAR(values[i], baseline[i], 1e-4 * baseline[i] + 1e-12) << "weight " << i;
    }
    EXPECT_NEAR(needle.at(path), needle.at(VectorPath::kGeneric),
                1e-4 * needle.at(VectorPath::kGeneric));
    const bool wide = path == VectorPath::kAvx2 || path == VectorPath::kAvx512;
    EXPECT_EQ(values != baseline, wide)
        << "the path should " << (wide ? "" : "not ") << "change the bits";
  }
}

// A point in batches of one sample each: the same samples, so the merged estimates agree
// with the point computed in one batch up to the rounding of the merge.
TEST(Probe, BatchesMergeToTheWholePoint) {
  ProbeConfig whole = small_config("rope", 2, 2, 8, 200);
  whole.samples = 5;
  ProbeConfig batched = whole;
  batched.batch_samples = 1;
  EXPECT_EQ(probe_batch_count(whole), 1);
  EXPECT_EQ(probe_batch_count(batched), 5);
  batched.batch_samples = 2;
  EXPECT_EQ(probe_batch_count(batched), 3);  // 2 + 2 + 1
  const ProbeResult in_one = run_probe(whole, 4, 6);
  const ProbeResult in_batches = run_probe(batched, 4, 6);
  std::vector<ProbeMoments> moments;
  for (std::int64_t b = 0; b < 3; ++b) moments.push_back(run_probe_batch(batched, 4, 6, b));
  const ProbeResult merged = probe_result(moments);
  const auto fields = {&ProbeResult::position_inversion, &ProbeResult::token_inversion_head,
                       &ProbeResult::position_aliasing_head, &ProbeResult::needle_weight_r1,
                       &ProbeResult::needle_weight_r2};
  for (const auto field : fields) {
    EXPECT_EQ((merged.*field).value, (in_batches.*field).value);
    EXPECT_EQ((merged.*field).se, (in_batches.*field).se);
    EXPECT_EQ((in_batches.*field).n, 5.0);
    EXPECT_NEAR((in_batches.*field).value, (in_one.*field).value, 1e-14);
    EXPECT_NEAR((in_batches.*field).se, (in_one.*field).se, 1e-12);
  }
  EXPECT_THROW(run_probe_batch(batched, 4, 6, 3), Error);
  // The default batch holds as many samples as fit in kProbeBatchWork.
  ProbeConfig large = whole;
  large.length = 32768;
  large.heads = 16;
  large.head_dim = large.encoding.head_dim = 64;
  large.layers = 4;
  large.samples = 10;
  EXPECT_EQ(probe_samples_per_batch(large), 1);
  EXPECT_EQ(probe_batch_count(large), 10);
}

}  // namespace
}  // namespace ropesweep
