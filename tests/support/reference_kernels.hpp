#pragma once
// Reference implementations that tests and benchmarks compare the fast kernels
// against: written for clarity, one score at a time, never used by a sweep.
#include <cstdint>
#include <vector>

#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/precision.hpp"

namespace ropesweep::reference {

// Scores of one query at absolute position m = L - 1 against keys at distance r
// (position n = L - 1 - r) in precision p, as docs/science.md prescribes: angles in fp64
// for fp64 and fp32 otherwise, rotated q and k rounded to p, dot product
// accumulated in T in memory order, ALiBi penalty subtracted in T, score rounded to p.
// T is double for fp64 and float otherwise.
class ScoreKernel {
 public:
  ScoreKernel(const Encoding& encoding, Precision precision, std::int64_t length);
  void set_query(const double* q);
  double score(const double* key, std::int64_t distance);
  // Two keys at the same distance share one set of rotation factors.
  void score_pair(const double* key_a, const double* key_b, std::int64_t distance, double* score_a,
                  double* score_b);

 private:
  template <typename T>
  struct Buffers {
    std::vector<T> query, key_a, key_b, rotated_a, rotated_b, cos_f, sin_f;
  };
  template <typename T>
  void rotate_key(const T* cos_f, const T* sin_f, const double* key, std::vector<T>& in,
                  std::vector<T>& out);
  // Rotation factors at `position`, computed into the buffers.
  template <typename T>
  void factors(Buffers<T>& b, std::int64_t position, const T** cos_f, const T** sin_f);
  template <typename T>
  double dot(const Buffers<T>& b, const std::vector<T>& rotated, std::int64_t distance) const;
  template <typename T>
  void set_query_impl(Buffers<T>& b, const double* q);
  template <typename T>
  void score_impl(Buffers<T>& b, const double* key_a, const double* key_b, std::int64_t distance,
                  double* score_a, double* score_b);

  const Encoding& encoding_;
  Precision precision_;
  std::int64_t length_;
  Buffers<double> fp64_;
  Buffers<float> fp32_;
};

}  // namespace ropesweep::reference
