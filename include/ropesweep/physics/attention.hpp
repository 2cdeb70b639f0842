#pragma once
// Causal multi-head attention for the transformer probe (docs/science.md, "Transformer
// probe"), computed blockwise with a running max and sum per query row (the
// flash-attention recurrence) so that memory stays O(L * d_model): no L x L
// matrix is ever formed, only one tile (a block of queries by kKeyBlock keys) per head at a
// time.
//
// Every matrix here is row-major with one row per position and the heads side by
// side: head h owns columns [h * head_dim, (h + 1) * head_dim). Queries and keys
// arrive already position-encoded (rotated) and the queries already multiplied
// by the logit scale 1/sqrt(head_dim); ALiBi enters as a per-head distance
// penalty.
//
// Rows are processed in blocks whose boundaries sit at absolute positions that are
// multiples of kAttentionBlock. Each block's products therefore have the same
// shapes and the same operands whichever position a computation starts from, which
// is what makes reuse of a shared causal prefix bitwise identical to a full pass.
//
// causal_attention runs on the program's vector path (vector_path.hpp): the AVX2 and
// AVX-512F copies fuse each tile's scores, softmax step and weighted values on vector
// registers (src/physics/fused_attention.hpp), the others compute a tile as Eigen products.
#include <Eigen/Core>
#include <vector>

namespace ropesweep {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using VectorF = Eigen::Matrix<float, Eigen::Dynamic, 1>;

// Rows per block. 128 keeps a tile (128 x 512 floats, 256 KiB) in L2 and the
// matrix products large enough for Eigen's packed kernels.
inline constexpr Eigen::Index kAttentionBlock = 128;
// Keys per tile: a block of queries is packed once per tile, so wider tiles pack it less
// often; the last tile ends at the block's own last row, so its shape still depends on the
// block's position alone. Forward pass as Eigen tiles, 16 heads x 64, 2 layers, one core:
// 128 keys 0.86 s at L = 4096 and 8.85 s at 16384, 256 keys 0.83 and 8.27, 512 keys 0.77
// and 8.18, 1024 keys 0.81 and 8.19. The fused AVX-512F kernel, attention alone at
// L = 8192: 256 keys 117 GFLOP/s, 512 keys 119 to 122, 1024 keys 123 to 124 (noise).
inline constexpr Eigen::Index kKeyBlock = 512;

struct AttentionHeads {
  int heads = 1;
  int head_dim = 64;
  // ALiBi: logit(i, j) -= slopes[h] * (i - j). Empty means no penalty.
  std::vector<float> slopes;

  Eigen::Index width() const { return static_cast<Eigen::Index>(heads) * head_dim; }
  float slope(int head) const { return slopes.empty() ? 0.0f : slopes[head]; }
};

// Causal attention of the query rows at positions [first, first + queries.rows())
// over the keys and values at positions [0, first + queries.rows()):
//   out(i, head h) = sum_{j <= i} softmax_j(queries(i).keys(j) - slope_h (i - j)) values(j)
// `first` must be a multiple of kAttentionBlock; keys and values hold at least
// first + queries.rows() rows. `out` is resized to queries.rows() x width.
void causal_attention(const AttentionHeads& shape, Eigen::Index first, const MatrixF& queries,
                      const MatrixF& keys, const MatrixF& values, MatrixF& out);

// The same by the definition: the full logit matrix per head in double precision,
// masked, softmaxed row by row. O(L^2) memory; for tests on small L only.
void causal_attention_reference(const AttentionHeads& shape, Eigen::Index first,
                                const MatrixF& queries, const MatrixF& keys, const MatrixF& values,
                                MatrixF& out);

// Logits of one query row at `position` over the keys at positions [0, position]:
// logits(h, j) = query(head h) . keys(j, head h) - slope_h (position - j).
void query_row_logits(const AttentionHeads& shape, Eigen::Index position, const float* query,
                      const MatrixF& keys, MatrixF& logits);

}  // namespace ropesweep
