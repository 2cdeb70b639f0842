#include "ropesweep/physics/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "fused_attention.hpp"
#include "probe_path.hpp"
#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

using Eigen::Index;

void check_shapes(const AttentionHeads& shape, Index first, const MatrixF& queries,
                  const MatrixF& keys, const MatrixF* values) {
  const Index width = shape.width();
  const Index end = first + queries.rows();
  if (shape.heads < 1 || shape.head_dim < 1)
    throw Error("attention: heads and head_dim must be >= 1");
  if (!shape.slopes.empty() && static_cast<int>(shape.slopes.size()) != shape.heads) {
    throw Error("attention: " + std::to_string(shape.slopes.size()) + " ALiBi slopes for " +
                std::to_string(shape.heads) + " heads");
  }
  if (first < 0 || first % kAttentionBlock != 0) {
    throw Error("attention: first query position " + std::to_string(first) +
                " is not a multiple of the block size " + std::to_string(kAttentionBlock));
  }
  if (queries.cols() != width || keys.cols() != width ||
      (values != nullptr && values->cols() != width)) {
    throw Error("attention: matrices must have heads * head_dim = " + std::to_string(width) +
                " columns");
  }
  if (keys.rows() < end || (values != nullptr && values->rows() < end)) {
    throw Error("attention: keys/values hold fewer than the " + std::to_string(end) +
                " positions the queries need");
  }
}

// The copy's fused kernel (fused_attention.hpp), in groups of rows whose score sums (two
// vectors a row) take half of AVX-512F's 32 vector registers and three quarters of AVX2's
// 16 (12 rows on AVX-512F were no faster, 4 rows on AVX2 slower: docs/performance.md).
#if defined(__AVX512F__)
#define ROPESWEEP_FUSED_ATTENTION 1
using PathAttention = FusedAttention<8>;
#elif defined(__AVX2__) && defined(__FMA__)
#define ROPESWEEP_FUSED_ATTENTION 1
using PathAttention = FusedAttention<6>;
#endif

// Tiles of Eigen products: the build's own target, and head sizes the fused kernel does not take.
void tiled_attention(const AttentionHeads& shape, Index first, const MatrixF& queries,
                     const MatrixF& keys, const MatrixF& values, MatrixF& out) {
  const Index d = shape.head_dim;
  const float minus_infinity = -std::numeric_limits<float>::infinity();
  out.resize(queries.rows(), shape.width());

  MatrixF tile(kAttentionBlock, kKeyBlock);
  MatrixF accumulator(kAttentionBlock, d);
  VectorF row_max(kAttentionBlock), row_sum(kAttentionBlock);
  VectorF block_max(kAttentionBlock), correction(kAttentionBlock);
  // offsets(b) = b: the in-block key offset, for the ALiBi distance of a whole tile row.
  const Eigen::ArrayXf offsets =
      Eigen::ArrayXf::LinSpaced(kKeyBlock, 0.0f, static_cast<float>(kKeyBlock - 1));

  for (Index q0 = 0; q0 < queries.rows(); q0 += kAttentionBlock) {
    const Index rows = std::min(kAttentionBlock, queries.rows() - q0);
    const Index query_position = first + q0;  // a multiple of the block size
    const Index key_end = query_position + rows;
    for (int h = 0; h < shape.heads; ++h) {
      const auto query = queries.block(q0, h * d, rows, d);
      const float slope = shape.slope(h);
      auto acc = accumulator.topRows(rows);
      auto max = row_max.head(rows);
      auto sum = row_sum.head(rows);
      acc.setZero();
      max.setConstant(minus_infinity);
      sum.setZero();
      for (Index k0 = 0; k0 < key_end; k0 += kKeyBlock) {
        const Index cols = std::min(kKeyBlock, key_end - k0);
        const bool diagonal = k0 + cols > query_position;
        auto logits = tile.topLeftCorner(rows, cols);
        logits.noalias() = query * keys.block(k0, h * d, cols, d).transpose();
        if (slope != 0.0f) {
          for (Index a = 0; a < rows; ++a) {
            const auto distance0 = static_cast<float>(query_position + a - k0);
            logits.row(a).array() -= slope * (distance0 - offsets.head(cols)).transpose();
          }
        }
        if (diagonal) {
          for (Index a = 0; a < rows; ++a) {
            for (Index b = query_position + a - k0 + 1; b < cols; ++b)
              logits(a, b) = minus_infinity;
          }
        }
        block_max.head(rows) = max.cwiseMax(logits.rowwise().maxCoeff());
        correction.head(rows) = (max - block_max.head(rows)).array().exp().matrix();
        for (Index a = 0; a < rows; ++a) {
          logits.row(a).array() = (logits.row(a).array() - block_max(a)).exp();
        }
        if (diagonal) {
          // exp(-inf) is a tiny positive number in Eigen's vectorised exp; masked is 0.
          for (Index a = 0; a < rows; ++a) {
            for (Index b = query_position + a - k0 + 1; b < cols; ++b) logits(a, b) = 0.0f;
          }
        }
        sum = sum.cwiseProduct(correction.head(rows)) + logits.rowwise().sum();
        acc.array().colwise() *= correction.head(rows).array();
        acc.noalias() += logits * values.block(k0, h * d, cols, d);
        max = block_max.head(rows);
      }
      out.block(q0, h * d, rows, d) = (acc.array().colwise() / sum.array()).matrix();
    }
  }
}

}  // namespace

namespace detail {

void causal_attention_compiled(const AttentionHeads& shape, Index first, const MatrixF& queries,
                               const MatrixF& keys, const MatrixF& values, MatrixF& out) {
  check_shapes(shape, first, queries, keys, &values);
#ifdef ROPESWEEP_FUSED_ATTENTION
  if (PathAttention::takes(shape.head_dim)) {
    PathAttention::run(shape, first, queries, keys, values, out);
    return;
  }
#endif
  tiled_attention(shape, first, queries, keys, values, out);
}

}  // namespace detail

void causal_attention_reference(const AttentionHeads& shape, Index first, const MatrixF& queries,
                                const MatrixF& keys, const MatrixF& values, MatrixF& out) {
  check_shapes(shape, first, queries, keys, &values);
  const Index d = shape.head_dim;
  const Index rows = queries.rows();
  const Index positions = first + rows;
  out.resize(rows, shape.width());
  const Eigen::MatrixXd q = queries.cast<double>();
  const Eigen::MatrixXd k = keys.topRows(positions).cast<double>();
  const Eigen::MatrixXd v = values.topRows(positions).cast<double>();
  for (int h = 0; h < shape.heads; ++h) {
    Eigen::MatrixXd logits = q.middleCols(h * d, d) * k.middleCols(h * d, d).transpose();
    for (Index i = 0; i < rows; ++i) {
      const Index position = first + i;
      double max = -std::numeric_limits<double>::infinity();
      for (Index j = 0; j <= position; ++j) {
        logits(i, j) -= static_cast<double>(shape.slope(h)) * static_cast<double>(position - j);
        max = std::max(max, logits(i, j));
      }
      double total = 0.0;
      for (Index j = 0; j < positions; ++j) {
        logits(i, j) = j <= position ? std::exp(logits(i, j) - max) : 0.0;
        total += logits(i, j);
      }
      logits.row(i) /= total;
    }
    out.middleCols(h * d, d) = (logits * v.middleCols(h * d, d)).cast<float>();
  }
}

void query_row_logits(const AttentionHeads& shape, Index position, const float* query,
                      const MatrixF& keys, MatrixF& logits) {
  const Index d = shape.head_dim;
  const Index count = position + 1;
  if (position < 0 || keys.rows() < count || keys.cols() != shape.width()) {
    throw Error("attention: keys do not cover query position " + std::to_string(position));
  }
  logits.resize(shape.heads, count);
  const Eigen::Map<const VectorF> q(query, shape.width());
  for (int h = 0; h < shape.heads; ++h) {
    logits.row(h).noalias() = (keys.block(0, h * d, count, d) * q.segment(h * d, d)).transpose();
    const float slope = shape.slope(h);
    if (slope != 0.0f) {
      // Distance of key j is position - j: the newest key has none.
      logits.row(h).array() -=
          slope * Eigen::ArrayXf::LinSpaced(count, static_cast<float>(position), 0.0f).transpose();
    }
  }
}

}  // namespace ropesweep
