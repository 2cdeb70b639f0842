#include "ropesweep/physics/encoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"

namespace ropesweep {
namespace {

// Every encoding, its name, and the parameters of its own it reads: the parameters
// beyond base, head_dim, layout and rotary_fraction, which all encodings share. An encoding reads
// none of the other encodings' parameters.
struct EncodingEntry {
  EncodingKind kind;
  const char* name;
  std::initializer_list<const char*> parameters;
};

constexpr EncodingEntry kEncodings[] = {
    {EncodingKind::kRope, "rope", {}},
    {EncodingKind::kRopeHalf, "rope_half", {}},
    {EncodingKind::kPi, "pi", {"scale"}},
    {EncodingKind::kNtk, "ntk", {"scale"}},
    {EncodingKind::kYarn, "yarn", {"scale", "train_length", "yarn_alpha", "yarn_beta"}},
    {EncodingKind::kPartial, "partial", {"partial_fraction"}},
    {EncodingKind::kAlibi, "alibi", {"alibi_slope", "alibi_heads"}},
    {EncodingKind::kNope, "nope", {}},
    {EncodingKind::kLinear, "linear", {"scale"}},
    {EncodingKind::kDynamic, "dynamic", {"scale", "train_length"}},
    {EncodingKind::kHfYarn,
     "hf_yarn",
     {"scale", "train_length", "beta_fast", "beta_slow", "mscale", "mscale_all_dim", "truncate",
      "attention_factor"}},
    {EncodingKind::kLlama3,
     "llama3",
     {"scale", "train_length", "low_freq_factor", "high_freq_factor"}},
    {EncodingKind::kLongrope,
     "longrope",
     {"scale", "train_length", "short_factor", "long_factor", "attention_factor"}},
};

const EncodingEntry& entry_of(EncodingKind kind) {
  for (const auto& entry : kEncodings) {
    if (kind == entry.kind) return entry;
  }
  throw Error("invalid encoding value");
}

bool lists(const EncodingEntry& entry, const std::string& parameter) {
  for (const char* name : entry.parameters) {
    if (parameter == name) return true;
  }
  return false;
}

// Shortest round-trip-ish text of a parameter value for messages ("0.9", not "0.900000").
std::string number_text(double value) { return format_significant(value, 10); }

void validate(const EncodingConfig& c) {
  if (c.head_dim < 2 || c.head_dim % 2 != 0) {
    throw Error("head_dim must be even and >= 2 (got " + std::to_string(c.head_dim) + ")");
  }
  if (!(c.base > 1.0) || !std::isfinite(c.base)) {
    throw Error("base must be > 1 (got " + number_text(c.base) + ")");
  }
  if (!(c.scale > 0.0) || !std::isfinite(c.scale)) {
    throw Error("scale must be > 0 (got " + number_text(c.scale) + ")");
  }
  if (!(c.train_length > 0.0)) {
    throw Error("train_length must be > 0 (got " + number_text(c.train_length) + ")");
  }
  if (c.kind == EncodingKind::kYarn && !(c.yarn_beta > c.yarn_alpha)) {
    throw Error("yarn_beta must be > yarn_alpha");
  }
  if (!(c.partial_fraction >= 0.0 && c.partial_fraction <= 1.0)) {
    throw Error("partial_fraction must be in [0, 1] (got " + number_text(c.partial_fraction) + ")");
  }
  if (!(c.alibi_slope >= 0.0) || !std::isfinite(c.alibi_slope)) {
    throw Error("alibi_slope must be >= 0 (got " + number_text(c.alibi_slope) + ")");
  }
  if (c.alibi_heads < 1) throw Error("alibi_heads must be >= 1");
  if (!(c.rotary_fraction > 0.0 && c.rotary_fraction <= 1.0)) {
    throw Error("rotary_fraction must be in (0, 1] (got " + number_text(c.rotary_fraction) + ")");
  }
  if (rotary_dims(c) < 2) {
    throw Error("rotary_fraction " + number_text(c.rotary_fraction) + " of head_dim " +
                std::to_string(c.head_dim) + " leaves no pair to rotate");
  }
  if (c.kind == EncodingKind::kPartial && rotary_dims(c) < c.head_dim) {
    throw Error("partial takes its fraction from partial_fraction; rotary_fraction must be 1");
  }
  if (c.kind == EncodingKind::kLongrope) {
    for (const auto& [name, factors] :
         {std::pair<const char*, const std::vector<double>&>{"short_factor", c.short_factor},
          {"long_factor", c.long_factor}}) {
      // One factor per rotated pair (docs/science.md#real-models).
      const int pairs = rotary_dims(c) / 2;
      if (static_cast<int>(factors.size()) != pairs) {
        throw Error(std::string(name) + " must list " +
                    (pairs == c.head_dim / 2 ? "head_dim / 2 = " : "rotary_dims / 2 = ") +
                    std::to_string(pairs) + " factors, one per pair (got " +
                    std::to_string(factors.size()) + ")");
      }
      for (double factor : factors) {
        if (!(factor > 0.0) || !std::isfinite(factor)) {
          throw Error(std::string(name) + " factors must be > 0 (got " + number_text(factor) + ")");
        }
      }
    }
  }
  if ((c.kind == EncodingKind::kDynamic || c.kind == EncodingKind::kLongrope) &&
      !(c.context_length >= 1.0)) {
    throw Error("encoding '" + encoding_name(c.kind) +
                "' depends on the context length, which this experiment does not give it");
  }
  if (c.kind == EncodingKind::kHfYarn) {
    if (!(c.beta_slow > 0.0) || !(c.beta_fast >= c.beta_slow) || !std::isfinite(c.beta_fast)) {
      throw Error("beta_fast and beta_slow must satisfy beta_fast >= beta_slow > 0 (got " +
                  number_text(c.beta_fast) + " and " + number_text(c.beta_slow) + ")");
    }
  }
  for (const auto& [name, value] : {std::pair<const char*, double>{"mscale", c.mscale},
                                    {"mscale_all_dim", c.mscale_all_dim},
                                    {"attention_factor", c.attention_factor}}) {
    if (!(value >= 0.0) || !std::isfinite(value)) {
      throw Error(std::string(name) + " must be >= 0 (got " + number_text(value) + ")");
    }
  }
  if (!(c.low_freq_factor > 0.0) || !std::isfinite(c.low_freq_factor)) {
    throw Error("low_freq_factor must be > 0 (got " + number_text(c.low_freq_factor) + ")");
  }
  if (c.kind == EncodingKind::kLlama3 &&
      !(c.high_freq_factor > c.low_freq_factor && std::isfinite(c.high_freq_factor))) {
    throw Error("high_freq_factor must be > low_freq_factor (got " +
                number_text(c.high_freq_factor) + " and " + number_text(c.low_freq_factor) + ")");
  }
}

// theta_t = b^(-e_t) with e_t = 2t/d, computed as pow(b, -e_t) so that t = 0 gives exactly 1.
std::vector<double> rope_exponents(int head_dim) {
  std::vector<double> exponents(head_dim / 2);
  for (int t = 0; t < head_dim / 2; ++t) exponents[t] = 2.0 * t / head_dim;
  return exponents;
}

std::vector<double> rope_frequencies(double base, int head_dim) {
  std::vector<double> theta = rope_exponents(head_dim);
  for (double& power : theta) power = std::pow(base, -power);
  return theta;
}

// NTK-by-parts: theta'_t = (1 - gamma_t) theta_t / s + gamma_t theta_t, where gamma_t
// ramps linearly in r_t = length / lambda_t from 0 (r_t < low) to 1 (r_t > high).
// yarn's rule with (alpha, beta, L_train), and Llama 3's with (low_freq_factor,
// high_freq_factor, L0).
std::vector<double> by_parts_frequencies(const std::vector<double>& theta, double s, double length,
                                         double low, double high) {
  std::vector<double> frequencies(theta.size());
  for (std::size_t t = 0; t < theta.size(); ++t) {
    const double wavelength = 2.0 * M_PI / theta[t];
    const double ratio = length / wavelength;
    double gamma = 0.0;
    if (ratio > high) {
      gamma = 1.0;
    } else if (ratio >= low) {
      gamma = (ratio - low) / (high - low);
    }
    frequencies[t] = (1.0 - gamma) * theta[t] / s + gamma * theta[t];
  }
  return frequencies;
}

// transformers' _compute_yarn_parameters: the correction dimensions of beta_fast and
// beta_slow (the fractional pair indices where L0 / lambda_t equals them), rounded
// outward unless `truncate` is false and clamped to [0, d - 1]: the ends of the ramp.
struct RampEnds {
  double low, high;
  bool operator==(const RampEnds& other) const {
    return low == other.low && high == other.high;
  }
};
RampEnds hf_yarn_ramp(const EncodingConfig& c) {
  const double d = rotary_dims(c);  // the rotary sub-space (docs/science.md#real-models)
  auto correction_dim = [&](double rotations) {
    return d * std::log(c.train_length / (rotations * 2.0 * M_PI)) / (2.0 * std::log(c.base));
  };
  double low = correction_dim(c.beta_fast), high = correction_dim(c.beta_slow);
  if (c.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, d - 1.0);
  if (low == high) high += 0.001;  // transformers' guard against a zero-width ramp
  return {low, high};
}

// A ramp linear in the pair index between the ends, from theta_t (ramp 0) to
// theta_t / s (ramp 1).
std::vector<double> hf_yarn_frequencies(const std::vector<double>& theta, const EncodingConfig& c) {
  const RampEnds ends = hf_yarn_ramp(c);
  std::vector<double> frequencies(theta.size());
  for (std::size_t t = 0; t < theta.size(); ++t) {
    const double ramp = std::clamp((double(t) - ends.low) / (ends.high - ends.low), 0.0, 1.0);
    frequencies[t] = theta[t] / c.scale * ramp + theta[t] * (1.0 - ramp);
  }
  return frequencies;
}

// YaRN's get_mscale: 0.1 mu ln s + 1, and 1 without extension (s <= 1).
double yarn_mscale(double s, double mu) { return s <= 1.0 ? 1.0 : 0.1 * mu * std::log(s) + 1.0; }

}  // namespace

EncodingKind parse_encoding(const std::string& name) {
  for (const auto& entry : kEncodings) {
    if (name == entry.name) return entry.kind;
  }
  std::string known;
  for (const auto& entry : kEncodings)
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throw Error("unknown encoding '" + name + "' (known: " + known + ")");
}

std::string encoding_name(EncodingKind kind) { return entry_of(kind).name; }

std::vector<std::string> encoding_names() {
  std::vector<std::string> names;
  for (const auto& entry : kEncodings) names.emplace_back(entry.name);
  return names;
}

bool encoding_reads(EncodingKind kind, const std::string& parameter) {
  return lists(entry_of(kind), parameter) || encodings_reading(parameter).empty();
}

std::vector<std::string> encodings_reading(const std::string& parameter) {
  std::vector<std::string> names;
  for (const auto& entry : kEncodings) {
    if (lists(entry, parameter)) names.emplace_back(entry.name);
  }
  return names;
}

PairLayout parse_layout(const std::string& name) {
  if (name == "interleaved") return PairLayout::kInterleaved;
  if (name == "half_split") return PairLayout::kHalfSplit;
  throw Error("unknown layout '" + name + "' (known: interleaved, half_split)");
}

std::vector<double> alibi_slopes(int heads) {
  if (heads < 1) throw Error("alibi_slopes: heads must be >= 1");
  int power = 1;
  while (power * 2 <= heads) power *= 2;
  std::vector<double> slopes(power);
  const double start = std::pow(2.0, -8.0 / power);
  for (int h = 0; h < power; ++h) slopes[h] = std::pow(start, h + 1);
  if (power == heads) return slopes;
  const std::vector<double> doubled = alibi_slopes(2 * power);
  for (int h = 0; static_cast<int>(slopes.size()) < heads; h += 2) slopes.push_back(doubled[h]);
  return slopes;
}

int rotary_dims(const EncodingConfig& config) {
  return 2 * static_cast<int>(std::floor(config.rotary_fraction * config.head_dim / 2 + 1e-9));
}

Encoding::Encoding(const EncodingConfig& config) : config_(config) {
  validate(config_);
  // Each encoding computes its frequencies for the rotary sub-space of d_rot
  // dimensions (the whole head unless rotary_fraction < 1); the pairs beyond it
  // do not rotate.
  const int d = rotary_dims(config_);
  const int pairs = d / 2;
  const double s = config_.scale;
  std::vector<double> theta = rope_frequencies(config_.base, d);
  frequencies_.assign(pairs, 0.0);
  switch (config_.kind) {
    case EncodingKind::kRope:
    case EncodingKind::kRopeHalf:
      frequencies_ = theta;
      break;
    case EncodingKind::kPi:
    case EncodingKind::kLinear:  // transformers' name of position interpolation
      for (int t = 0; t < pairs; ++t) frequencies_[t] = theta[t] / s;
      break;
    case EncodingKind::kNtk:
      frequencies_ = rope_frequencies(config_.base * std::pow(s, d / (d - 2.0)), d);
      break;
    case EncodingKind::kDynamic: {
      // Dynamic NTK: beyond L0 the base grows with the context length L, and a
      // context of length L uses b'(L) at every position.
      const double length = config_.context_length, original = config_.train_length;
      if (length > original) {
        const double growth = s * length / original - (s - 1.0);
        frequencies_ = rope_frequencies(config_.base * std::pow(growth, d / (d - 2.0)), d);
      } else {
        frequencies_ = theta;
      }
      break;
    }
    case EncodingKind::kHfYarn:
      frequencies_ = hf_yarn_frequencies(theta, config_);
      if (config_.attention_factor > 0.0) {
        qk_scale_ = config_.attention_factor;
      } else if (config_.mscale > 0.0 && config_.mscale_all_dim > 0.0) {  // DeepSeek
        qk_scale_ = yarn_mscale(s, config_.mscale) / yarn_mscale(s, config_.mscale_all_dim);
      } else {
        qk_scale_ = yarn_mscale(s, 1.0);
      }
      break;
    case EncodingKind::kLongrope: {
      // transformers' _compute_longrope_parameters: the long factors beyond L0, the
      // short ones up to it; the attention factor applies at every length.
      const bool long_context = config_.context_length > config_.train_length;
      const std::vector<double>& factors =
          long_context ? config_.long_factor : config_.short_factor;
      for (int t = 0; t < pairs; ++t) frequencies_[t] = theta[t] / factors[t];
      if (config_.attention_factor > 0.0) {
        qk_scale_ = config_.attention_factor;
      } else {
        qk_scale_ = s <= 1.0 ? 1.0 : std::sqrt(1.0 + std::log(s) / std::log(config_.train_length));
      }
      break;
    }
    case EncodingKind::kYarn:
      frequencies_ = by_parts_frequencies(theta, s, config_.train_length, config_.yarn_alpha,
                                          config_.yarn_beta);
      // YaRN's attention temperature: logits scale by 1/t = (0.1 ln s + 1)^2, applied
      // as sqrt(1/t) to q and to k. As in the reference implementation, no
      // temperature for s <= 1 (no extension).
      qk_scale_ = yarn_mscale(s, 1.0);
      break;
    case EncodingKind::kPartial: {
      // Rotated pairs: floor(p * d/2) of the highest frequencies (t = 0, 1, ...),
      // the truncation GPT-NeoX applies to its rotary fraction; the tolerance keeps
      // fractions like 0.3 * 64 = 19.2 and exact products like 0.5 * 64 from
      // tripping over their binary representation.
      const int rotated = static_cast<int>(std::floor(config_.partial_fraction * pairs + 1e-9));
      for (int t = 0; t < rotated && t < pairs; ++t) frequencies_[t] = theta[t];
      break;
    }
    case EncodingKind::kAlibi:
      distance_slope_ = config_.alibi_slope > 0.0 ? config_.alibi_slope
                                                  : alibi_slopes(config_.alibi_heads).front();
      break;
    case EncodingKind::kNope:
      break;
    case EncodingKind::kLlama3:
      // Meta's apply_scaling: kept where lambda_t < L0 / high_freq_factor, divided by s
      // where lambda_t > L0 / low_freq_factor, blended in between; no attention factor.
      frequencies_ = by_parts_frequencies(theta, s, config_.train_length, config_.low_freq_factor,
                                          config_.high_freq_factor);
      break;
  }
  const int all_pairs = config_.head_dim / 2;
  frequencies_.resize(all_pairs, 0.0);
  // Only rotated pairs carry the attention factor (docs/science.md#attention-factor),
  // but the kernels scale every pair by it: a factor with unrotated pairs is refused.
  if (qk_scale_ != 1.0 && pairs < all_pairs) {
    throw Error(encoding_name(config_.kind) + "'s attention factor " + number_text(qk_scale_) +
                " with rotary_fraction < 1 is not supported (it would scale the unrotated pairs)");
  }
  frequencies_fp32_.resize(all_pairs);
  rotated_pairs_ = 0;
  for (int t = 0; t < all_pairs; ++t) {
    frequencies_fp32_[t] = static_cast<float>(frequencies_[t]);
    if (frequencies_[t] != 0.0) ++rotated_pairs_;
  }
}

namespace {

// The ramp (alpha, beta) on r_t = L0 / lambda_t of the encodings whose frequencies
// blend theta_t / s and theta_t by it (by_parts_frequencies): yarn and llama3.
bool ramps_on_wavelength(const EncodingConfig& c, double* alpha, double* beta) {
  if (c.kind == EncodingKind::kYarn) {
    *alpha = c.yarn_alpha, *beta = c.yarn_beta;
    return true;
  }
  if (c.kind == EncodingKind::kLlama3) {
    *alpha = c.low_freq_factor, *beta = c.high_freq_factor;
    return true;
  }
  return false;
}

// RoPE's frequencies of the rotary sub-space, padded with 0 to every pair of the head.
std::vector<double> padded(std::vector<double> values, int head_dim) {
  values.resize(head_dim / 2, 0.0);
  return values;
}

}  // namespace

// rope, rope_half, pi and linear (1/s), ntk (s^(-2t/(d-2))), dynamic (b'(L) / b free of b),
// longrope (1/f_t), partial (0 for the pairs it does not rotate) and hf_yarn within one
// piece (its ramp then fixed) multiply b^(-2t/d_rot) by a factor free of b; alibi and
// nope rotate nothing.
std::vector<double> Encoding::frequency_exponents() const {
  double alpha = 0.0, beta = 0.0;
  if (ramps_on_wavelength(config_, &alpha, &beta)) return {};
  if (config_.kind == EncodingKind::kHfYarn && !config_.truncate) return {};
  return padded(rope_exponents(rotary_dims(config_)), config_.head_dim);
}

// Fixed powers: |d theta'_t / du| = e_t theta'_t. yarn and llama3: theta'_t = theta_t
// ((1 - gamma_t)/s + gamma_t), with the ramp gamma_t on r_t = L0 / lambda_t, which falls
// with the base: |d theta'_t / du| <= e_t theta_t [max(1, 1/s) + |1 - 1/s| v_t], where
// v_t = min(r_t, beta) / (beta - alpha) while r_t >= alpha (inside the ramp
// |d gamma_t / du| = e_t r_t / (beta - alpha), and r_t only falls).
double Encoding::frequency_drift_bound() const {
  double bound = 0.0;
  const std::vector<double> exponents = frequency_exponents();
  if (!exponents.empty()) {
    for (int t = 0; t < pairs(); ++t) bound += exponents[t] * frequencies_[t];
    return bound;
  }
  double alpha = 0.0, beta = 0.0;
  if (!ramps_on_wavelength(config_, &alpha, &beta)) {
    // hf_yarn's ramp ends move with the base continuously without truncate: no bound
    // is derived for that case (docs/science-notes.md).
    throw Error("hf_yarn with truncate = 0 has no drift bound: the minimal-base search "
                "needs truncate = 1");
  }
  const int d = rotary_dims(config_);
  const double s = config_.scale;
  const std::vector<double> theta = rope_frequencies(config_.base, d);
  const std::vector<double> rope = rope_exponents(d);
  for (int t = 0; t < d / 2; ++t) {
    const double ratio = config_.train_length / (2.0 * M_PI / theta[t]);
    const double ramp_rate = ratio >= alpha ? std::min(ratio, beta) / (beta - alpha) : 0.0;
    bound += rope[t] * theta[t] * (std::max(1.0, 1.0 / s) + std::fabs(1.0 - 1.0 / s) * ramp_rate);
  }
  return bound;
}

// theta'_t itself where it is a fixed multiple of theta_t at every larger base; the
// blends of theta_t / s and theta_t (yarn, llama3, hf_yarn, whose ramp may move at a
// piece's end) lie below max(1, 1/s) theta_t.
std::vector<double> Encoding::frequency_ceilings() const {
  double alpha = 0.0, beta = 0.0;
  if (!ramps_on_wavelength(config_, &alpha, &beta) && config_.kind != EncodingKind::kHfYarn) {
    return frequencies_;
  }
  std::vector<double> ceilings = rope_frequencies(config_.base, rotary_dims(config_));
  for (double& ceiling : ceilings) ceiling *= std::max(1.0, 1.0 / config_.scale);
  return padded(std::move(ceilings), config_.head_dim);
}

// hf_yarn with truncate: the ramp's ends are whole pair indices, each monotone in the
// base, so the bases sharing this base's ends form one interval; its end is found on the
// double grid by bisection, with the very function that computes the ends. The lower end
// counts up to d_rot: near b = 1 it exceeds every pair index by far, the upper end is
// clamped to d_rot - 1, and every pair takes theta_t / s whatever its exact value, so
// those bases are one piece, not one per double.
double Encoding::frequency_piece_end() const {
  const double infinity = std::numeric_limits<double>::infinity();
  if (config_.kind != EncodingKind::kHfYarn || !config_.truncate) return infinity;
  const double width = rotary_dims(config_);
  auto piece_at = [&](double base) {
    EncodingConfig other = config_;
    other.base = base;
    RampEnds ends = hf_yarn_ramp(other);
    ends.low = std::min(ends.low, width);
    return ends;
  };
  const RampEnds here = piece_at(config_.base);
  auto same_at = [&](double base) { return piece_at(base) == here; };
  double inside = config_.base, outside = config_.base;
  do {  // double ln b until the ends differ
    inside = outside;
    outside = std::exp(2.0 * std::log(outside));
    if (!(outside < 1e300)) return infinity;
  } while (same_at(outside));
  while (std::nextafter(inside, infinity) < outside) {
    const double middle = std::max(inside + (outside - inside) / 2.0, std::nextafter(inside, infinity));
    (same_at(middle) ? inside : outside) = middle;
  }
  return inside;
}

PairLayout Encoding::layout() const {
  return config_.kind == EncodingKind::kRopeHalf ? PairLayout::kHalfSplit : config_.layout;
}

int Encoding::real_index(int t) const { return layout() == PairLayout::kInterleaved ? 2 * t : t; }

int Encoding::imag_index(int t) const {
  return layout() == PairLayout::kInterleaved ? 2 * t + 1 : t + pairs();
}

double Encoding::score(const double* q, const double* k, double r) const {
  double sum = 0.0;
  for (int t = 0; t < pairs(); ++t) {
    const double a = q[real_index(t)], b = q[imag_index(t)];
    const double c = k[real_index(t)], d = k[imag_index(t)];
    const double angle = r * frequencies_[t];
    // Re[(a + ib)(c - id) e^{i angle}]
    sum += (a * c + b * d) * std::cos(angle) - (b * c - a * d) * std::sin(angle);
  }
  return qk_scale_ * qk_scale_ * sum - distance_slope_ * r;
}

double Encoding::C(const double* q, double r) const {
  double sum = 0.0;
  for (int t = 0; t < pairs(); ++t) {
    const double a = q[real_index(t)], b = q[imag_index(t)];
    sum += (a * a + b * b) * std::cos(r * frequencies_[t]);
  }
  return qk_scale_ * qk_scale_ * sum;
}

void Encoding::rotation_factors(double position, double* cos_out, double* sin_out) const {
  for (int t = 0; t < pairs(); ++t) {
    const double angle = position * frequencies_[t];
    cos_out[t] = std::cos(angle);
    sin_out[t] = std::sin(angle);
  }
}

void Encoding::rotation_factors(double position, float* cos_out, float* sin_out) const {
  const float position_fp32 = static_cast<float>(position);
  for (int t = 0; t < pairs(); ++t) {
    const float angle = position_fp32 * frequencies_fp32_[t];
    cos_out[t] = std::cos(angle);
    sin_out[t] = std::sin(angle);
  }
}

namespace {

template <typename T>
void rotate_with(const Encoding& encoding, const T* cos_f, const T* sin_f, const T* x, T* out) {
  const T scale = static_cast<T>(encoding.qk_scale());
  for (int t = 0; t < encoding.pairs(); ++t) {
    const int re = encoding.real_index(t), im = encoding.imag_index(t);
    const T a = x[re], b = x[im];
    out[re] = scale * (a * cos_f[t] - b * sin_f[t]);
    out[im] = scale * (a * sin_f[t] + b * cos_f[t]);
  }
}

}  // namespace

void Encoding::rotate(const double* x, double position, double* out) const {
  std::vector<double> cos_f(pairs()), sin_f(pairs());
  rotation_factors(position, cos_f.data(), sin_f.data());
  rotate_with(*this, cos_f.data(), sin_f.data(), x, out);
}

void Encoding::rotate(const float* x, double position, float* out) const {
  std::vector<float> cos_f(pairs()), sin_f(pairs());
  rotation_factors(position, cos_f.data(), sin_f.data());
  rotate_with(*this, cos_f.data(), sin_f.data(), x, out);
}

}  // namespace ropesweep
