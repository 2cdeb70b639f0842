#pragma once
// Lanes<N>: N doubles operated on together, as a GCC/Clang vector type (N = 2, 4, 8: SSE2,
// AVX2, AVX-512F registers) or, for N = 1, a plain double. A kernel written once as a
// template over N, with the arithmetic operators (+, -, * act lane by lane, each an IEEE
// operation of its own: -ffp-contract=off fuses none), is the same sequence of operations
// per value at every width, so every width gives the same bits. The instructions are those
// of the function the template is inlined into: instantiate it inside a function declared
// __attribute__((target("avx2"))) or target("avx512f") for the wide registers.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#define ROPESWEEP_ALWAYS_INLINE __attribute__((always_inline)) inline

// These functions are always inlined, so no vector ever crosses a call: the warning that a
// wide vector return value changes the ABI of a function compiled without AVX does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
// GCC 12 reports its own _mm512_undefined_pd, which _mm512_sqrt_pd passes as the value of
// masked-off lanes (there are none), as maybe uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ropesweep::detail {

template <int kLanes>
struct LaneType {
  typedef double type __attribute__((vector_size(sizeof(double) * kLanes)));
};
template <>
struct LaneType<1> {
  using type = double;
};
template <int kLanes>
using Lanes = typename LaneType<kLanes>::type;

// Unaligned load and store of N consecutive doubles, and N copies of one.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE Lanes<kLanes> load_lanes(const double* from) {
  Lanes<kLanes> lanes;
  std::memcpy(&lanes, from, sizeof lanes);
  return lanes;
}
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void store_lanes(double* to, const Lanes<kLanes>& lanes) {
  std::memcpy(to, &lanes, sizeof lanes);
}
// Through memory, which the compiler makes one broadcast; inside a template inlined into an
// AVX-512 function, a vector of N equal values (or a shuffle of lane 0) becomes N masked
// broadcasts instead.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE Lanes<kLanes> broadcast_lanes(double value) {
  double values[kLanes];
  for (int i = 0; i < kLanes; ++i) values[i] = value;
  Lanes<kLanes> lanes;
  std::memcpy(&lanes, values, sizeof lanes);
  return lanes;
}

// a * b + c in every lane, rounded once (a fused multiply-add, as std::fma). Every width
// gives the same bits: one FMA instruction where the file is compiled for it (AVX-512F for
// N = 8, FMA for N = 2 and 4), otherwise std::fma lane by lane, which the C library computes
// exactly rounded with or without an FMA unit (much more slowly without one).
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE Lanes<kLanes> multiply_add_lanes(const Lanes<kLanes>& a,
                                                         const Lanes<kLanes>& b,
                                                         const Lanes<kLanes>& c) {
  if constexpr (kLanes == 1) {
    return std::fma(a, b, c);
#if defined(__AVX512F__)
  } else if constexpr (kLanes == 8) {
    return _mm512_fmadd_pd(a, b, c);
#endif
#if defined(__FMA__)
  } else if constexpr (kLanes == 4) {
    return _mm256_fmadd_pd(a, b, c);
  } else if constexpr (kLanes == 2) {
    return _mm_fmadd_pd(a, b, c);
#endif
  } else {
    Lanes<kLanes> out;
    for (int i = 0; i < kLanes; ++i) out[i] = std::fma(a[i], b[i], c[i]);
    return out;
  }
}

// The square root in every lane, rounded as IEEE prescribes (so every width gives the same
// bits): one instruction where the file is compiled for the width, else std::sqrt per lane.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE Lanes<kLanes> sqrt_lanes(const Lanes<kLanes>& a) {
  if constexpr (kLanes == 1) {
    return std::sqrt(a);
#if defined(__AVX512F__)
  } else if constexpr (kLanes == 8) {
    return _mm512_sqrt_pd(a);
#endif
#if defined(__AVX__)
  } else if constexpr (kLanes == 4) {
    return _mm256_sqrt_pd(a);
#endif
#if defined(__SSE2__)
  } else if constexpr (kLanes == 2) {
    return _mm_sqrt_pd(a);
#endif
  } else {
    Lanes<kLanes> out;
    for (int i = 0; i < kLanes; ++i) out[i] = std::sqrt(a[i]);
    return out;
  }
}

namespace lanes_detail {
// Lanes h = kHalf * N/2 .. of a and b interleaved: a[h], b[h], a[h + 1], b[h + 1], ...
// (written into `into`: a returned vector would draw -Wpsabi at the end of the file).
template <int kLanes, int kHalf, std::size_t... I>
ROPESWEEP_ALWAYS_INLINE void interleave(const Lanes<kLanes>& a, const Lanes<kLanes>& b,
                                        Lanes<kLanes>& into, std::index_sequence<I...>) {
  into = __builtin_shufflevector(a, b, ((I % 2 ? kLanes : 0) + kHalf * kLanes / 2 + I / 2)...);
}
// Lanes kFirst, kFirst + 2, ... of a followed by b.
template <int kLanes, int kFirst, std::size_t... I>
ROPESWEEP_ALWAYS_INLINE void every_other(const Lanes<kLanes>& a, const Lanes<kLanes>& b,
                                         Lanes<kLanes>& into, std::index_sequence<I...>) {
  into = __builtin_shufflevector(a, b, (kFirst + 2 * static_cast<int>(I))...);
}
}  // namespace lanes_detail

// rows[i][l] becomes rows[l][i]. Each stage interleaves row i with row i + N/2, which
// rotates the bits of a value's index (row, lane) by one; log2 N stages swap row and lane.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void transpose_lanes(Lanes<kLanes> (&rows)[kLanes]) {
  if constexpr (kLanes > 1) {
    constexpr auto lanes = std::make_index_sequence<kLanes>{};
    for (int stage = 1; stage < kLanes; stage *= 2) {
      Lanes<kLanes> next[kLanes];
      for (int i = 0; i < kLanes / 2; ++i) {
        lanes_detail::interleave<kLanes, 0>(rows[i], rows[i + kLanes / 2], next[2 * i], lanes);
        lanes_detail::interleave<kLanes, 1>(rows[i], rows[i + kLanes / 2], next[2 * i + 1], lanes);
      }
      for (int i = 0; i < kLanes; ++i) rows[i] = next[i];
    }
  }
}

// The lanes of a and b (in that order) split into their even and odd ones: for values
// stored in pairs (x0, y0, x1, y1, ...), the x and the y of N pairs.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void deinterleave_lanes(const Lanes<kLanes>& a, const Lanes<kLanes>& b,
                                                Lanes<kLanes>& even, Lanes<kLanes>& odd) {
  if constexpr (kLanes == 1) {
    even = a;
    odd = b;
  } else {
    lanes_detail::every_other<kLanes, 0>(a, b, even, std::make_index_sequence<kLanes>{});
    lanes_detail::every_other<kLanes, 1>(a, b, odd, std::make_index_sequence<kLanes>{});
  }
}

// The inverse: x and y of N pairs into (x0, y0, x1, y1, ...), the first N lanes in `low`.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void interleave_lanes(const Lanes<kLanes>& x, const Lanes<kLanes>& y,
                                              Lanes<kLanes>& low, Lanes<kLanes>& high) {
  if constexpr (kLanes == 1) {
    low = x;
    high = y;
  } else {
    constexpr auto lanes = std::make_index_sequence<kLanes>{};
    lanes_detail::interleave<kLanes, 0>(x, y, low, lanes);
    lanes_detail::interleave<kLanes, 1>(x, y, high, lanes);
  }
}

}  // namespace ropesweep::detail

#pragma GCC diagnostic pop
