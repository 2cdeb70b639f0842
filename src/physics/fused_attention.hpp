#pragma once
// Causal attention with the score tile, the softmax and the weighted sum of values fused on
// register blocks of one vector width (attention.cpp's copies for AVX2 + FMA and AVX-512F).
// Eigen's tile products repack their operands for every tile, and a tile's query.key product
// (inner dimension head_dim) is too thin for its blocking: at 16 heads x 64 the tiles ran at
// about 80 GFLOP/s on one AVX-512 core, this at about 110.
//
// The recurrence is attention.cpp's: rows in blocks of kAttentionBlock at absolute positions,
// keys in tiles of kKeyBlock from position 0, a running maximum and sum per row. Per row the
// operations and their order depend on the row's position alone, never on how many rows a
// call has, so a pass that starts at a later block gives the bits of the full pass.
//
// Layout, per head:
// - keys packed once per call as panels of kPanel keys (two vectors), dimension by dimension,
//   so that a panel row is the same component of kPanel keys;
// - values packed as rows of head_dim contiguous floats;
// - a block's queries copied once, rows padded with zeros to a whole group.
// A group of kRows queries computes its scores against a tile panel by panel (kRows x two
// vectors of sums, one fused multiply-add per query and vector), then its softmax step row
// by row, then adds the weighted values (kRows x two vectors of a head's columns at a time).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ropesweep/physics/attention.hpp"

namespace ropesweep {

// A vector type as a template argument (Eigen's PacketBlock) drops its alignment attribute,
// which GCC warns of; Eigen's own kernels do the same.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

// On the widest vectors Eigen is compiled for in the including file.
template <int kRows>
class FusedAttention {
  using Packet = Eigen::internal::packet_traits<float>::type;

 public:
  static constexpr int kLanes = Eigen::internal::packet_traits<float>::size;
  static constexpr int kPanel = 2 * kLanes;  // keys per score block, head columns per value block

  // Head sizes this kernel takes; attention.cpp's tiles take the others.
  static bool takes(int head_dim) { return head_dim % kPanel == 0; }

  static void run(const AttentionHeads& shape, Eigen::Index first, const MatrixF& queries,
                  const MatrixF& keys, const MatrixF& values, MatrixF& out) {
    using Eigen::Index;
    const int d = shape.head_dim;
    const Index key_count = first + queries.rows();
    const Index padded_keys = (key_count + kPanel - 1) / kPanel * kPanel;
    constexpr Index kGroups = (kAttentionBlock + kRows - 1) / kRows;
    out.resize(queries.rows(), shape.width());

    // Eigen's vectors start on its packets' alignment.
    VectorF packed_keys(padded_keys * d), packed_values(padded_keys * d);
    VectorF block_queries(kGroups * kRows * d), accumulator(kGroups * kRows * d);
    VectorF scores(kRows * kKeyBlock);
    float row_max[kGroups * kRows], row_sum[kGroups * kRows], correction[kRows];

    for (int h = 0; h < shape.heads; ++h) {
      const Index column = static_cast<Index>(h) * d;
      pack_keys(keys, column, d, key_count, packed_keys.data());
      for (Index j = 0; j < key_count; ++j)
        std::copy_n(values.row(j).data() + column, d, packed_values.data() + j * d);
      const float slope = shape.slope(h);

      for (Index q0 = 0; q0 < queries.rows(); q0 += kAttentionBlock) {
        const Index rows = std::min(kAttentionBlock, queries.rows() - q0);
        const Index query_position = first + q0;  // a multiple of the block size
        const Index key_end = query_position + rows;
        const Index groups = (rows + kRows - 1) / kRows;
        block_queries.setZero();
        for (Index a = 0; a < rows; ++a)
          std::copy_n(queries.row(q0 + a).data() + column, d, block_queries.data() + a * d);
        accumulator.setZero();
        std::fill_n(row_max, groups * kRows, -std::numeric_limits<float>::infinity());
        std::fill_n(row_sum, groups * kRows, 0.0f);

        for (Index k0 = 0; k0 < key_end; k0 += kKeyBlock) {
          const Index cols = std::min(kKeyBlock, key_end - k0);
          for (Index g = 0; g < groups; ++g) {
            const Index a0 = g * kRows;
            const Index last_position = std::min(query_position + a0 + kRows, key_end) - 1;
            if (last_position < k0) continue;  // the whole tile is in the group's future
            // Keys past the group's last row are masked for all of it.
            const Index visible_keys = std::min(cols, last_position - k0 + 1);
            const Index panels = (visible_keys + kPanel - 1) / kPanel;
            query_key_scores(block_queries.data() + a0 * d, d, packed_keys.data() + k0 * d,
                             panels, scores.data());
            for (int i = 0; i < kRows; ++i) {
              const Index a = a0 + i;
              correction[i] = softmax_step(scores.data() + i * kKeyBlock, panels * kPanel,
                                           query_position + a - k0, a < rows, slope, row_max[a],
                                           row_sum[a]);
            }
            accumulate_values(scores.data(), visible_keys, packed_values.data() + k0 * d, d,
                              correction, accumulator.data() + a0 * d);
          }
        }
        for (Index a = 0; a < rows; ++a) {
          for (int c = 0; c < d; ++c)
            out(q0 + a, column + c) = accumulator[a * d + c] / row_sum[a];
        }
      }
    }
  }

 private:
  // One head's keys [0, count) as panels of kPanel keys; keys past count are zero.
  static void pack_keys(const MatrixF& keys, Eigen::Index column, int d, Eigen::Index count,
                        float* packed) {
    using namespace Eigen::internal;
    PacketBlock<Packet, kLanes> block;
    for (Eigen::Index p = 0; p < count; p += kPanel) {
      float* panel = packed + p * d;
      for (int half = 0; half < 2; ++half) {
        const Eigen::Index j0 = p + half * kLanes;
        for (int c0 = 0; c0 < d; c0 += kLanes) {
          for (int j = 0; j < kLanes; ++j) {
            block.packet[j] = j0 + j < count
                                  ? ploadu<Packet>(keys.row(j0 + j).data() + column + c0)
                                  : pset1<Packet>(0.0f);
          }
          ptranspose(block);
          for (int c = 0; c < kLanes; ++c)
            pstore(panel + (c0 + c) * kPanel + half * kLanes, block.packet[c]);
        }
      }
    }
  }

  // scores[i][b] = query_i . key_b for the group's kRows queries and `panels` panels.
  // Not inlined into run: GCC 12 then keeps the value vectors of accumulate_values on the
  // stack (attention at 80 GFLOP/s instead of 117 on one AVX-512 core).
  EIGEN_DONT_INLINE static void query_key_scores(const float* queries, int d, const float* packed_keys,
                               Eigen::Index panels, float* scores) {
    using namespace Eigen::internal;
    for (Eigen::Index p = 0; p < panels; ++p) {
      const float* panel = packed_keys + p * kPanel * d;
      Packet sum[kRows][2];
      for (int i = 0; i < kRows; ++i) sum[i][0] = sum[i][1] = pzero(sum[i][0]);
      for (int c = 0; c < d; ++c) {
        const Packet k0 = pload<Packet>(panel + c * kPanel);
        const Packet k1 = pload<Packet>(panel + c * kPanel + kLanes);
        for (int i = 0; i < kRows; ++i) {
          const Packet q = pset1<Packet>(queries[i * d + c]);
          sum[i][0] = pmadd(q, k0, sum[i][0]);
          sum[i][1] = pmadd(q, k1, sum[i][1]);
        }
      }
      for (int i = 0; i < kRows; ++i) {
        pstore(scores + i * kKeyBlock + p * kPanel, sum[i][0]);
        pstore(scores + i * kKeyBlock + p * kPanel + kLanes, sum[i][1]);
      }
    }
  }

  // One row's step of the recurrence over a tile: scores (width of them, the row's logits
  // against the tile's keys) become its unnormalised weights; returns the factor by which
  // the row's earlier sum and values shrink. `distance` is the row's position minus the
  // tile's first key's: keys past it are the row's future. A padding row gets no weights.
  static float softmax_step(float* scores, Eigen::Index width, Eigen::Index distance, bool real,
                            float slope, float& max, float& sum) {
    using namespace Eigen::internal;
    const Eigen::Index visible = real ? std::clamp<Eigen::Index>(distance + 1, 0, width) : 0;
    if (slope != 0.0f) {
      // ALiBi: the key at tile offset b is distance - b positions back.
      const auto distance0 = static_cast<float>(distance);
      for (Eigen::Index b = 0; b < visible; ++b)
        scores[b] -= slope * (distance0 - static_cast<float>(b));
    }
    if (visible == 0) {  // the tile is all in the row's future
      std::fill(scores, scores + width, 0.0f);
      return 1.0f;
    }
    std::fill(scores + visible, scores + width, -std::numeric_limits<float>::infinity());

    Packet running_max = pset1<Packet>(max);
    for (Eigen::Index b = 0; b < width; b += kLanes)
      running_max = pmax(running_max, pload<Packet>(scores + b));
    const float new_max = predux_max(running_max);
    const Packet shift = pset1<Packet>(new_max);
    // Vectors that hold only visible keys, then the rest, whose future keys must weigh 0
    // (Eigen's vectorised exp of -inf is a tiny positive number, not 0).
    const Eigen::Index whole = visible / kLanes * kLanes;
    Packet total = pzero(shift);
    for (Eigen::Index b = 0; b < whole; b += kLanes) {
      const Packet weight = pexp(psub(pload<Packet>(scores + b), shift));
      pstore(scores + b, weight);
      total = padd(total, weight);
    }
    for (Eigen::Index b = whole; b < width; b += kLanes)
      pstore(scores + b, pexp(psub(pload<Packet>(scores + b), shift)));
    std::fill(scores + visible, scores + width, 0.0f);
    for (Eigen::Index b = whole; b < width; b += kLanes)
      total = padd(total, pload<Packet>(scores + b));

    // exp(-inf) = 0 exactly: the first tile's factor clears the empty start.
    const float factor = std::exp(max - new_max);
    sum = sum * factor + predux(total);
    max = new_max;
    return factor;
  }

  // values_i = values_i * correction_i + sum_{b < count} weights_i[b] value_b over the
  // group's kRows rows of a head's d columns, kPanel columns at a time.
  EIGEN_DONT_INLINE static void accumulate_values(const float* weights, Eigen::Index count,
                                const float* packed_values, int d, const float* correction,
                                float* values) {
    using namespace Eigen::internal;
    for (int c0 = 0; c0 < d; c0 += kPanel) {
      Packet sum[kRows][2];
      for (int i = 0; i < kRows; ++i) {
        const Packet factor = pset1<Packet>(correction[i]);
        sum[i][0] = pmul(pload<Packet>(values + i * d + c0), factor);
        sum[i][1] = pmul(pload<Packet>(values + i * d + c0 + kLanes), factor);
      }
      for (Eigen::Index b = 0; b < count; ++b) {
        const Packet v0 = pload<Packet>(packed_values + b * d + c0);
        const Packet v1 = pload<Packet>(packed_values + b * d + c0 + kLanes);
        for (int i = 0; i < kRows; ++i) {
          const Packet w = pset1<Packet>(weights[i * kKeyBlock + b]);
          sum[i][0] = pmadd(w, v0, sum[i][0]);
          sum[i][1] = pmadd(w, v1, sum[i][1]);
        }
      }
      for (int i = 0; i < kRows; ++i) {
        pstore(values + i * d + c0, sum[i][0]);
        pstore(values + i * d + c0 + kLanes, sum[i][1]);
      }
    }
  }
};

#pragma GCC diagnostic pop

}  // namespace ropesweep
