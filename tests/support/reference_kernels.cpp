#include "reference_kernels.hpp"

namespace ropesweep::reference {

ScoreKernel::ScoreKernel(const Encoding& encoding, Precision precision, std::int64_t length)
    : encoding_(encoding), precision_(precision), length_(length) {
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

}  // namespace ropesweep::reference
