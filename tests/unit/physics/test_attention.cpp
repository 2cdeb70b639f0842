// Blocked causal attention against the definition (full logit matrix, double
// precision), for every position encoding, around the block boundaries.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ropesweep/physics/attention.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_path_guard.hpp"

namespace ropesweep {
namespace {

using Eigen::Index;

MatrixF random_matrix(Index rows, Index cols, double scale, std::uint64_t substream) {
  RandomStream stream(StreamKey{7, 0, kStreamExperimentBase + 99, substream});
  MatrixF m(rows, cols);
  fill_normal(stream, m.data(), static_cast<std::size_t>(m.size()), scale);
  return m;
}

// Rotates every head of every row with Encoding::rotate at its absolute position.
void encode_rows(const Encoding& encoding, int heads, Index first_position, MatrixF& rows) {
  const int d = encoding.head_dim();
  std::vector<float> out(d);
  for (Index i = 0; i < rows.rows(); ++i) {
    for (int h = 0; h < heads; ++h) {
      float* x = rows.row(i).data() + h * d;
      encoding.rotate(x, static_cast<double>(first_position + i), out.data());
      std::copy(out.begin(), out.end(), x);
    }
  }
}

// Largest over rows of |blocked - reference| / |reference| (Euclidean, per row).
double max_row_relative_error(const MatrixF& blocked, const MatrixF& reference) {
  double worst = 0.0;
  for (Index i = 0; i < reference.rows(); ++i) {
    const double error = (blocked.row(i) - reference.row(i)).cast<double>().norm();
    worst = std::max(worst, error / reference.row(i).cast<double>().norm());
  }
  return worst;
}

struct Case {
  Index length;
  Index first;       // first query position (a multiple of the block)
  double sharpness;  // multiplies the queries: large values make softmax peaked
};

TEST(CausalAttention, BlockedMatchesFullMatrixReferenceForEveryEncoding) {
  const int heads = 3;
  const int d = 8;
  // Lengths around the block size (exactly one block, one row more or less, a
  // partial last block), a query range that starts at the second block, and peaked
  // softmax rows where the running maximum changes between key blocks.
  const std::vector<Case> cases = {{1, 0, 1.0},     {127, 0, 1.0},  {128, 0, 1.0},
                                   {129, 0, 1.0},   {300, 0, 1.0},  {300, 128, 1.0},
                                   {257, 256, 1.0}, {300, 0, 12.0}, {384, 128, 12.0}};
  for (const std::string& name : encoding_names()) {
    EncodingConfig config;
    config.kind = parse_encoding(name);
    config.head_dim = d;
    config.base = 100.0;  // fast rotation so the short test lengths see many turns
    config.scale = 4.0;
    config.train_length = 64.0;
    config.partial_fraction = 0.5;
    config.alibi_heads = heads;
    config.context_length = 384;             // the longest case: dynamic's base depends on it
    config.short_factor.assign(d / 2, 1.5);  // longrope's
    config.long_factor.assign(d / 2, 3.0);
    const Encoding encoding(config);
    AttentionHeads shape;
    shape.heads = heads;
    shape.head_dim = d;
    if (config.kind == EncodingKind::kAlibi) {
      for (double slope : alibi_slopes(heads)) shape.slopes.push_back(static_cast<float>(slope));
    }
    std::uint64_t substream = 0;
    for (const Case& c : cases) {
      SCOPED_TRACE(name + " L=" + std::to_string(c.length) + " first=" + std::to_string(c.first) +
                   " sharpness=" + std::to_string(c.sharpness));
      const Index rows = c.length - c.first;
      MatrixF queries = random_matrix(rows, heads * d, c.sharpness / std::sqrt(d), ++substream);
      MatrixF keys = random_matrix(c.length, heads * d, 1.0, ++substream);
      const MatrixF values = random_matrix(c.length, heads * d, 1.0, ++substream);
      encode_rows(encoding, heads, c.first, queries);
      encode_rows(encoding, heads, 0, keys);
      MatrixF blocked, reference;
      causal_attention(shape, c.first, queries, keys, values, blocked);
      causal_attention_reference(shape, c.first, queries, keys, values, reference);
      ASSERT_EQ(blocked.rows(), rows);
      ASSERT_EQ(blocked.cols(), heads * d);
      EXPECT_LT(max_row_relative_error(blocked, reference), 1e-5);
    }
  }
}

// The probe's head sizes, which the AVX2 and AVX-512F copies compute with the fused kernel
// (src/physics/fused_attention.hpp) where a head is a whole number of its value blocks (16
// and 32 columns) and with tiles otherwise (48 on AVX-512F): on every vector path, against
// the definition over three key tiles with and without ALiBi, and a pass that starts at a
// later block gives the full pass's bits.
TEST(CausalAttention, EveryVectorPathMatchesTheReferenceAtTheProbesHeadSizes) {
  const int heads = 2;
  const Index length = 1200;  // keys in tiles of 512: two whole tiles and a part
  on_every_vector_path([&](VectorPath) {
    std::uint64_t substream = 100;
    for (int d : {48, 64, 128}) {
      for (bool alibi : {false, true}) {
        SCOPED_TRACE("d=" + std::to_string(d) + (alibi ? " ALiBi" : ""));
        AttentionHeads shape;
        shape.heads = heads;
        shape.head_dim = d;
        if (alibi) {
          for (double slope : alibi_slopes(heads)) shape.slopes.push_back(static_cast<float>(slope) / 64);
        }
        // Peaked rows: the running maximum moves between tiles. A logit is a float dot
        // product of size about `sharpness`, rounded over sqrt(d) terms in the mean, and its
        // error is the weights' relative error.
        const double sharpness = 12.0;
        const double bound =
            2.0 * std::numeric_limits<float>::epsilon() * sharpness * std::sqrt(double(d));
        const MatrixF queries =
            random_matrix(length, heads * d, sharpness / std::sqrt(d), ++substream);
        const MatrixF keys = random_matrix(length, heads * d, 1.0, ++substream);
        const MatrixF values = random_matrix(length, heads * d, 1.0, ++substream);
        MatrixF full, reference;
        causal_attention(shape, 0, queries, keys, values, full);
        causal_attention_reference(shape, 0, queries, keys, values, reference);
        EXPECT_LT(max_row_relative_error(full, reference), bound);
        const Index first = 5 * kAttentionBlock;
        const MatrixF tail_queries = queries.bottomRows(length - first);
        MatrixF tail;
        causal_attention(shape, first, tail_queries, keys, values, tail);
        EXPECT_TRUE((tail.array() == full.bottomRows(length - first).array()).all());
      }
    }
  });
}

TEST(CausalAttention, FirstRowAttendsOnlyToItselfAndFutureKeysAreInvisible) {
  AttentionHeads shape;
  shape.heads = 2;
  shape.head_dim = 4;
  shape.slopes = {0.5f, 0.25f};
  const Index length = 260;
  const MatrixF queries = random_matrix(length, 8, 1.0, 1);
  MatrixF keys = random_matrix(length, 8, 1.0, 2);
  MatrixF values = random_matrix(length, 8, 1.0, 3);
  MatrixF out;
  causal_attention(shape, 0, queries, keys, values, out);
  // Position 0 sees only its own value, exactly (weight exp(0)/exp(0) = 1).
  for (Index c = 0; c < 8; ++c) EXPECT_EQ(out(0, c), values(0, c));

  // Changing keys and values from position p on leaves every row before p
  // untouched, bit for bit, also when p falls inside a block.
  for (Index p : {Index{5}, Index{127}, Index{128}, Index{200}}) {
    MatrixF changed_keys = keys, changed_values = values;
    changed_keys.bottomRows(length - p) = random_matrix(length - p, 8, 3.0, 10 + p);
    changed_values.bottomRows(length - p) = random_matrix(length - p, 8, 3.0, 20 + p);
    MatrixF changed;
    causal_attention(shape, 0, queries, changed_keys, changed_values, changed);
    EXPECT_TRUE((changed.topRows(p).array() == out.topRows(p).array()).all()) << "p=" << p;
    EXPECT_FALSE((changed.row(p).array() == out.row(p).array()).all()) << "p=" << p;
  }
}

TEST(CausalAttention, QueryRangeStartingAtABlockIsBitwiseTheTailOfTheFullPass) {
  AttentionHeads shape;
  shape.heads = 2;
  shape.head_dim = 4;
  const Index length = 333;
  const MatrixF queries = random_matrix(length, 8, 1.0, 4);
  const MatrixF keys = random_matrix(length, 8, 1.0, 5);
  const MatrixF values = random_matrix(length, 8, 1.0, 6);
  MatrixF full, tail;
  causal_attention(shape, 0, queries, keys, values, full);
  for (Index first : {kAttentionBlock, 2 * kAttentionBlock}) {
    const MatrixF tail_queries = queries.bottomRows(length - first);
    causal_attention(shape, first, tail_queries, keys, values, tail);
    EXPECT_TRUE((tail.array() == full.bottomRows(length - first).array()).all());
  }
}

TEST(CausalAttention, QueryRowLogitsAreDotProductsMinusTheAlibiPenalty) {
  AttentionHeads shape;
  shape.heads = 2;
  shape.head_dim = 4;
  shape.slopes = {0.5f, 0.125f};
  const MatrixF keys = random_matrix(50, 8, 1.0, 7);
  const MatrixF query = random_matrix(1, 8, 1.0, 8);
  MatrixF logits;
  query_row_logits(shape, 40, query.data(), keys, logits);
  ASSERT_EQ(logits.rows(), 2);
  ASSERT_EQ(logits.cols(), 41);
  for (int h = 0; h < 2; ++h) {
    for (Index j = 0; j <= 40; ++j) {
      double dot = 0.0;
      for (int t = 0; t < 4; ++t) dot += double(query(0, h * 4 + t)) * keys(j, h * 4 + t);
      EXPECT_NEAR(logits(h, j), dot - shape.slopes[h] * (40.0 - j), 1e-5);
    }
  }
}

TEST(CausalAttention, RejectsMisalignedStartsAndShortKeys) {
  AttentionHeads shape;
  shape.heads = 1;
  shape.head_dim = 4;
  const MatrixF q = random_matrix(10, 4, 1.0, 9), k = random_matrix(10, 4, 1.0, 10);
  MatrixF out;
  EXPECT_THROW(causal_attention(shape, 3, q, k, k, out), Error);
  EXPECT_THROW(causal_attention(shape, kAttentionBlock, q, k, k, out), Error);
  shape.slopes = {0.5f, 0.5f};
  EXPECT_THROW(causal_attention(shape, 0, q, k, k, out), Error);
}

}  // namespace
}  // namespace ropesweep
