// Google Benchmark program for the Gaussian draws (physics/normal_draws.hpp):
//
//   BM_LibmBoxMuller/<count>: the draws before the bulk sampler, kept here as the baseline:
//     one pair at a time, std::log, std::sin and std::cos of 2 pi v.
//   BM_FillNormal/<count>: fill_normal into doubles on the chosen vector path.
//   BM_FillNormalFloat/<count>: fill_normal into floats (scaled, the probe's weights).
//   BM_Uniforms/<count>: RandomStream::fill_uniform_open alone (twice per pair of draws).
//   BM_SleefSse2/<function>: the SLEEF candidates on the SSE2 entry points, 4096 arguments
//     from the draws' range: 0 log u10, 1 log u35, 2 sincos u10 of 2 pi v, 3 sincospi u05
//     of 2v, 4 sincospi u35 of 2v.
// Counter items_per_second: normal values (or function values) per second.
// ROPESWEEP_SIMD=generic|sse2|avx2|avx512 chooses the vector path, as for ropesweep.
#include <benchmark/benchmark.h>
#include <sleef.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/vector_path.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ropesweep {
namespace {

void set_rate(benchmark::State& state, std::int64_t count) {
  state.SetItemsProcessed(state.iterations() * count);
}

void BM_LibmBoxMuller(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(count);
  RandomStream stream({1, 2, 3, 4});
  for (auto _ : state) {
    for (std::size_t i = 0; i < count; i += 2) {
      const double radius = std::sqrt(-2.0 * std::log(stream.uniform_open()));
      const double angle = 2.0 * M_PI * stream.uniform_open();
      out[i] = radius * std::cos(angle);
      if (i + 1 < count) out[i + 1] = radius * std::sin(angle);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, state.range(0));
}

void BM_FillNormal(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(count);
  RandomStream stream({1, 2, 3, 4});
  for (auto _ : state) {
    fill_normal(stream, out.data(), count);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, state.range(0));
}

void BM_FillNormalFloat(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<float> out(count);
  RandomStream stream({1, 2, 3, 4});
  for (auto _ : state) {
    fill_normal(stream, out.data(), count, 0.125);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, state.range(0));
}

void BM_Uniforms(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(count);
  RandomStream stream({1, 2, 3, 4});
  for (auto _ : state) {
    stream.fill_uniform_open(out.data(), count);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, state.range(0));
}

#if defined(__SSE2__)
void BM_SleefSse2(benchmark::State& state) {
  constexpr std::size_t kCount = 4096;
  const int function = static_cast<int>(state.range(0));
  alignas(16) double in[kCount], a[kCount], b[kCount];
  RandomStream stream({5, 6, 7, 8});
  stream.fill_uniform_open(in, kCount);
  for (double& v : in) v = function == 2 ? 2.0 * M_PI * v : (function >= 3 ? 2.0 * v : v);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCount; i += 2) {
      const __m128d x = _mm_load_pd(in + i);
      Sleef___m128d_2 r{x, x};
      switch (function) {
        case 0:
          r.x = Sleef_logd2_u10sse2(x);
          break;
        case 1:
          r.x = Sleef_logd2_u35sse2(x);
          break;
        case 2:
          r = Sleef_sincosd2_u10sse2(x);
          break;
        case 3:
          r = Sleef_sincospid2_u05sse2(x);
          break;
        default:
          r = Sleef_sincospid2_u35sse2(x);
      }
      _mm_store_pd(a + i, r.x);
      _mm_store_pd(b + i, r.y);
    }
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    benchmark::ClobberMemory();
  }
  set_rate(state, kCount);
}
#endif

BENCHMARK(BM_LibmBoxMuller)->Arg(128)->Arg(8192)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FillNormal)->Arg(128)->Arg(8192)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FillNormalFloat)->Arg(8192)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Uniforms)->Arg(8192)->Unit(benchmark::kMicrosecond);
#if defined(__SSE2__)
BENCHMARK(BM_SleefSse2)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace
}  // namespace ropesweep

int main(int argc, char** argv) {
  using namespace ropesweep;
  use_vector_path_from_environment();
  benchmark::AddCustomContext("vector_path", vector_path_name(vector_path()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
