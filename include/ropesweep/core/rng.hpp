#pragma once
// Counter-based random streams (Random123 Philox4x64-10).
//
// Every stream is a pure function of (sweep seed, grid-point index, stream id,
// substream): the key holds (seed, point) and the counter holds
// (stream, substream, block), so a grid point's samples never depend on which
// rank computed it, in which order, or how many other points ran before it.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

namespace ropesweep {

struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t point = 0;      // grid-point index within its experiment
  std::uint64_t stream = 0;     // what the numbers are for (see StreamId)
  std::uint64_t substream = 0;  // e.g. an independent replicate block
};

// Stream ids used across the project; fixed forever so results stay reproducible.
enum StreamId : std::uint64_t {
  kStreamPositionInversion = 1,
  kStreamPositionAliasing = 2,
  kStreamTokenInversion = 3,
  kStreamTokenAliasing = 4,
  kStreamProbeWeights = 16,
  kStreamProbeSequence = 17,
  kStreamExperimentBase = 1000,  // experiments add their experiment index
};

class RandomStream {
 public:
  explicit RandomStream(const StreamKey& key) {
    key_ = {{key.seed, key.point}};
    counter_ = {{key.stream, key.substream, 0, 0}};
  }

  std::uint64_t next_u64() {
    if (used_ == 4) refill();
    return buffer_.v[used_++];
  }

  // Uniform on (0, 1): never 0 or 1, so log() in the normal sampler is safe.
  double uniform_open() { return open_unit(next_u64()); }

  // Uniform integer in [0, n), n >= 1: Lemire's multiply-shift with rejection (unbiased).
  std::uint64_t uniform_int(std::uint64_t n) {
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (-n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }

  // `count` successive uniform_open() values, whole Philox blocks at a time. Normal draws
  // are made from these by the physics layer (physics/normal_draws.hpp).
  void fill_uniform_open(double* out, std::size_t count) {
    for (; count > 0 && used_ < 4; --count) *out++ = open_unit(buffer_.v[used_++]);
    for (; count >= 4; count -= 4, out += 4) {  // the buffer is used up here: skip it
      const r123::Philox4x64::ctr_type block = generator_(counter_, key_);
      counter_.v[3] += 1;
      for (int k = 0; k < 4; ++k) out[k] = open_unit(block.v[k]);
    }
    for (; count > 0; --count) *out++ = uniform_open();
  }

 private:
  // The top 53 bits, centred in their cell: (k + 1/2) 2^-53, exact in a double.
  static double open_unit(std::uint64_t bits) {
    return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
  }

  void refill() {
    buffer_ = generator_(counter_, key_);
    counter_.v[3] += 1;
    used_ = 0;
  }

  r123::Philox4x64 generator_;
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type buffer_{};
  int used_ = 4;
};

}  // namespace ropesweep
