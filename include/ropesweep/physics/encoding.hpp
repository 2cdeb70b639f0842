#pragma once
// Position encodings of docs/science.md ("Position encodings") behind one small
// interface: the exact (fp64) score of (q, k, r), the per-query function C(r),
// and rotation of a vector to an absolute position (used by finite-precision
// paths and by the transformer probe).
#include <string>
#include <vector>

namespace ropesweep {

enum class EncodingKind {
  kRope,
  kRopeHalf,
  kPi,
  kNtk,
  kYarn,
  kPartial,
  kAlibi,
  kNope,
  kLlama3,
  kLinear,
  kDynamic,
  kHfYarn,
  kLongrope
};

// Which two components of a d-vector form complex pair t.
enum class PairLayout {
  kInterleaved,  // (2t, 2t+1): RoFormer / GPT-J
  kHalfSplit     // (t, t + d/2): GPT-NeoX / Llama
};

struct EncodingConfig {
  EncodingKind kind = EncodingKind::kRope;
  int head_dim = 128;     // d, even
  double base = 10000.0;  // b > 1
  // Which encoding reads which of the fields below: encoding_reads().
  // s, the context extension factor (transformers' `factor`); > 0, >= 1 in practice.
  double scale = 1.0;
  // L_train of yarn's ramp, L0 of the Hugging Face variants (transformers'
  // `original_max_position_embeddings`).
  double train_length = 4096.0;
  double yarn_alpha = 1.0;        // yarn ramp lower bound
  double yarn_beta = 32.0;        // yarn ramp upper bound
  double partial_fraction = 1.0;  // p in [0, 1]: partial rotates the top fraction of frequencies
  double alibi_slope = 0.0;       // alibi: slope m; 0 means "head 0 of alibi_heads"
  int alibi_heads = 8;            // alibi: H used for the default slope
  double low_freq_factor = 1.0;   // llama3: pairs with L0 / lambda_t below it are divided by s
  double high_freq_factor = 4.0;  // llama3: pairs with L0 / lambda_t above it are kept
  // hf_yarn, as transformers' `yarn`: the ramp between the correction dimensions of
  // beta_fast and beta_slow (rounded outward unless truncate is false), and the
  // attention factor (from mscale / mscale_all_dim when both are non-zero).
  double beta_fast = 32.0;
  double beta_slow = 1.0;
  double mscale = 0.0;          // 0: not set
  double mscale_all_dim = 0.0;  // 0: not set
  bool truncate = true;
  // The attention factor c as given (transformers' `attention_factor`); 0: derived.
  double attention_factor = 0.0;
  // longrope: one factor per pair, theta'_t = theta_t / f_t, from long_factor when
  // the context is longer than L0 and from short_factor otherwise.
  std::vector<double> short_factor;
  std::vector<double> long_factor;
  // Pair layout of the rotary encodings; rope_half always uses kHalfSplit.
  PairLayout layout = PairLayout::kInterleaved;
  // A released model's partial rotary (docs/science.md#real-models): the first
  // rotary_dims() / 2 pairs rotate, with every encoding's frequencies computed
  // for a head of rotary_dims() dimensions; the other pairs do not rotate.
  double rotary_fraction = 1.0;
  // L, the context length of the point, which dynamic and longrope depend on. Not a
  // parameter: each experiment sets it from its own length (0: not set).
  double context_length = 0.0;
};

// d_rot = 2 floor(rotary_fraction * d / 2): whole pairs, as the released models
// configure them (the tolerance keeps products such as (64/192) * 192 from
// truncating below their exact value).
int rotary_dims(const EncodingConfig& config);

EncodingKind parse_encoding(const std::string& name);  // throws Error on unknown names
std::string encoding_name(EncodingKind kind);
std::vector<std::string> encoding_names();
PairLayout parse_layout(const std::string& name);  // "interleaved" | "half_split"

// Whether an encoding reads a parameter of the encoding block. base, head_dim and
// layout are shared by every encoding; each other parameter is an encoding's own,
// read only by the encodings that list it (scale by pi, ntk, yarn, ...).
bool encoding_reads(EncodingKind kind, const std::string& parameter);
// The encodings that list `parameter` as their own (empty for the shared ones).
std::vector<std::string> encodings_reading(const std::string& parameter);

// ALiBi head slopes of Press et al. (2022): for H a power of two, the geometric
// sequence 2^(-8/H), 2^(-16/H), ...; otherwise the published rule (the slopes of
// the closest smaller power of two, then every other slope of twice that).
std::vector<double> alibi_slopes(int heads);

class Encoding {
 public:
  explicit Encoding(const EncodingConfig& config);  // throws Error on invalid config

  const EncodingConfig& config() const { return config_; }
  EncodingKind kind() const { return config_.kind; }
  int head_dim() const { return config_.head_dim; }
  int pairs() const { return config_.head_dim / 2; }
  PairLayout layout() const;
  // Index of the real and imaginary component of complex pair t in a d-vector.
  int real_index(int t) const;
  int imag_index(int t) const;

  // Angular frequency of pair t in rad/token after the encoding's modification;
  // 0 for pairs that are not rotated (partial, alibi, nope).
  const std::vector<double>& frequencies() const { return frequencies_; }
  // Factor applied to rotated q and to rotated k alike (YaRN's sqrt(1/t) =
  // 0.1 ln s + 1; 1 for every other encoding).
  double qk_scale() const { return qk_scale_; }
  // Linear distance penalty subtracted from the score (ALiBi's m; 0 otherwise).
  double distance_slope() const { return distance_slope_; }

  // Exact fp64 score s(q, k; r) = <R_m q, R_n k> for r = m - n (scale and
  // ALiBi penalty included).
  double score(const double* q, const double* k, double r) const;
  // C(r) = sum_t |qh_t|^2 cos(r w_t) (times qk_scale^2), so s(q, q; r) = C(r)
  // for rotary encodings and C(0) = qk_scale^2 |q|^2. ALiBi's penalty is not part
  // of C: s(q, q; r) = C(r) - m r there.
  double C(const double* q, double r) const;
  // out = qk_scale * R_position x, angles computed in fp64.
  void rotate(const double* x, double position, double* out) const;
  // The same with angles position * w_t computed in fp32 (fp32 position times fp32
  // frequency) and the rotation done in fp32, as low-precision implementations do.
  void rotate(const float* x, double position, float* out) const;

  // cos and sin of the angles position * w_t of every pair: in fp64, and in fp32
  // (fp32 position times fp32 frequency, fp32 cos/sin). rotate() is built on these,
  // so kernels that reuse one set of factors for several vectors agree with it bit
  // for bit.
  void rotation_factors(double position, double* cos_out, double* sin_out) const;
  void rotation_factors(double position, float* cos_out, float* sin_out) const;
  // Number of pairs with a non-zero frequency (d/2 for the rotary encodings).
  int rotated_pairs() const { return rotated_pairs_; }

  // How the frequencies move with the base, for searches over u = ln b
  // (docs/science.md#decay-for-other-encodings). They follow one law over a piece of
  // bases: from this base up to frequency_piece_end() (+inf but for hf_yarn, whose
  // whole-pair ramp ends step at some bases). Where theta'_t = k_t b^(-e_t) over the
  // piece with k_t and e_t free of b (every rotary encoding but yarn, llama3 and hf_yarn
  // without truncate), the exponents e_t; empty otherwise.
  std::vector<double> frequency_exponents() const;
  double frequency_piece_end() const;
  // A bound S on sum_t |d theta'_t / du| over the piece, which does not increase with
  // the base ...
  double frequency_drift_bound() const;
  // ... and upper bounds Theta_t >= theta'_t at this base and at every larger one.
  std::vector<double> frequency_ceilings() const;

 private:
  EncodingConfig config_;
  std::vector<double> frequencies_;
  std::vector<float> frequencies_fp32_;
  int rotated_pairs_ = 0;
  double qk_scale_ = 1.0;
  double distance_slope_ = 0.0;
};

}  // namespace ropesweep
