#pragma once
// sincos_bulk over whole vectors of one width, for the translation units that hold one
// vector path each (sincos.cpp, sincos_avx.cpp, sincos_avx512.cpp). Internal linkage: each
// of them compiles it for its own instruction set, and no copy may stand in for another's.
#include <cstddef>

namespace ropesweep {
namespace {

// `call(in, sin, cos)` is one SLEEF vector sincos of N lanes, with unaligned loads and
// stores: whole vectors are computed in place, and only the tail, padded with zeros, passes
// through a buffer. SLEEF computes each lane on its own, so neither the width nor the
// padding changes a bit.
template <typename T, std::size_t N, typename Call>
void sincos_in_vectors(const T* angles, std::size_t count, T* cos_out, T* sin_out, Call call) {
  const std::size_t whole = count - count % N;
  for (std::size_t i = 0; i < whole; i += N) call(angles + i, sin_out + i, cos_out + i);
  if (whole == count) return;
  T in[N], sines[N], cosines[N];
  const std::size_t lanes = count - whole;
  for (std::size_t k = 0; k < N; ++k) in[k] = k < lanes ? angles[whole + k] : T(0);
  call(in, sines, cosines);
  for (std::size_t k = 0; k < lanes; ++k) {
    sin_out[whole + k] = sines[k];
    cos_out[whole + k] = cosines[k];
  }
}

}  // namespace
}  // namespace ropesweep
