#include "ropesweep/physics/encoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"

namespace ropesweep {
namespace {

struct EncodingName {
  EncodingKind kind;
  const char* name;
};

constexpr EncodingName kEncodingNames[] = {
    {EncodingKind::kRope, "rope"},   {EncodingKind::kRopeHalf, "rope_half"},
    {EncodingKind::kPi, "pi"},       {EncodingKind::kNtk, "ntk"},
    {EncodingKind::kYarn, "yarn"},   {EncodingKind::kPartial, "partial"},
    {EncodingKind::kAlibi, "alibi"}, {EncodingKind::kNope, "nope"},
};

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

}  // namespace

EncodingKind parse_encoding(const std::string& name) {
  for (const auto& entry : kEncodingNames) {
    if (name == entry.name) return entry.kind;
  }
  std::string known;
  for (const auto& entry : kEncodingNames)
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throw Error("unknown encoding '" + name + "' (known: " + known + ")");
}

std::string encoding_name(EncodingKind kind) {
  for (const auto& entry : kEncodingNames) {
    if (kind == entry.kind) return entry.name;
  }
  throw Error("invalid encoding value");
}

std::vector<std::string> encoding_names() {
  std::vector<std::string> names;
  for (const auto& entry : kEncodingNames) names.emplace_back(entry.name);
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

Encoding::Encoding(const EncodingConfig& config) : config_(config) {
  validate(config_);
  const int d = config_.head_dim;
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
      for (int t = 0; t < pairs; ++t) frequencies_[t] = theta[t] / s;
      break;
    case EncodingKind::kNtk:
      frequencies_ = rope_frequencies(config_.base * std::pow(s, d / (d - 2.0)), d);
      break;
    case EncodingKind::kYarn:
      for (int t = 0; t < pairs; ++t) {
        const double wavelength = 2.0 * M_PI / theta[t];
        const double ratio = config_.train_length / wavelength;
        double gamma = 0.0;
        if (ratio > config_.yarn_beta) {
          gamma = 1.0;
        } else if (ratio >= config_.yarn_alpha) {
          gamma = (ratio - config_.yarn_alpha) / (config_.yarn_beta - config_.yarn_alpha);
        }
        frequencies_[t] = (1.0 - gamma) * theta[t] / s + gamma * theta[t];
      }
      // YaRN's attention temperature: logits scale by 1/t = (0.1 ln s + 1)^2, applied
      // as sqrt(1/t) to q and to k. As in the reference implementation, no
      // temperature for s <= 1 (no extension).
      qk_scale_ = s > 1.0 ? 0.1 * std::log(s) + 1.0 : 1.0;
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
  }
  frequencies_fp32_.resize(pairs);
  rotated_pairs_ = 0;
  for (int t = 0; t < pairs; ++t) {
    frequencies_fp32_[t] = static_cast<float>(frequencies_[t]);
    if (frequencies_[t] != 0.0) ++rotated_pairs_;
  }
}

// rope, rope_half, pi (1/s), ntk (s^(-2t/(d-2))) and partial (0 for the pairs it does not
// rotate) multiply b^(-2t/d) by a factor free of b; alibi and nope rotate nothing.
std::vector<double> Encoding::frequency_exponents() const {
  if (config_.kind == EncodingKind::kYarn) return {};
  return rope_exponents(config_.head_dim);
}

// Fixed powers: |d theta'_t / du| = e_t theta'_t. yarn: theta'_t = theta_t ((1 - gamma_t)/s
// + gamma_t), with the ramp gamma_t on r_t = L_train / lambda_t, which falls with the
// base: |d theta'_t / du| <= (2t/d) theta_t [max(1, 1/s) + |1 - 1/s| v_t], where
// v_t = min(r_t, beta) / (beta - alpha) while r_t >= alpha (inside the ramp
// |d gamma_t / du| = (2t/d) r_t / (beta - alpha), and r_t only falls).
double Encoding::frequency_drift_bound() const {
  double bound = 0.0;
  const std::vector<double> exponents = frequency_exponents();
  if (!exponents.empty()) {
    for (int t = 0; t < pairs(); ++t) bound += exponents[t] * frequencies_[t];
    return bound;
  }
  const int d = config_.head_dim;
  const double s = config_.scale;
  const double alpha = config_.yarn_alpha, beta = config_.yarn_beta;
  const std::vector<double> theta = rope_frequencies(config_.base, d);
  const std::vector<double> rope = rope_exponents(d);
  for (int t = 0; t < pairs(); ++t) {
    const double ratio = config_.train_length / (2.0 * M_PI / theta[t]);
    const double ramp_rate = ratio >= alpha ? std::min(ratio, beta) / (beta - alpha) : 0.0;
    bound += rope[t] * theta[t] * (std::max(1.0, 1.0 / s) + std::fabs(1.0 - 1.0 / s) * ramp_rate);
  }
  return bound;
}

// theta'_t itself where it is a fixed multiple of theta_t; yarn's mix of theta_t / s and
// theta_t lies below max(1, 1/s) theta_t.
std::vector<double> Encoding::frequency_ceilings() const {
  if (config_.kind != EncodingKind::kYarn) return frequencies_;
  std::vector<double> ceilings = rope_frequencies(config_.base, config_.head_dim);
  for (double& ceiling : ceilings) ceiling *= std::max(1.0, 1.0 / config_.scale);
  return ceilings;
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
