// Google Benchmark programs for the pairwise experiment (bench/compare.sh runs them):
//
//   BM_Metric/<metric>/<L>/<precision>/<estimator>: one metric of one grid point
//     (d = 128, b = 10^4, rho = 1, --samples, default 20000); counters value, se, n.
//     metric 0..3: position_inversion, position_aliasing, token_inversion,
//     token_aliasing; precision 0..3: fp64, fp32, bf16, fp16; estimator 0 plain,
//     1 conditional. se: the root mean square of the iterations' standard errors.
//   BM_Point/<L>/<precision>/<estimator>: pairwise_metrics, all four at once.
//   BM_ScalarKernel/<precision>: the one-score-at-a-time reference kernel
//     (reference::ScoreKernel) over a block of queries x distances.
//   BM_BlockKernel/<precision>/<Q>/<R>/<tables>: the block kernel on a Q x R block
//     (tables 1: factors built by the kernel; 0: supplied, the product alone).
//   BM_BlockKernelAtLength/.../<L>: the same at context length L.
//   BM_EigenGemm/<M>/<K>/<N>: Eigen's own double GEMM at the shape of the block
//     kernel's product (the practical peak of this core).
// ROPESWEEP_SIMD=generic|sse2|avx2|avx512 chooses the kernels' vector path, as for the
// ropesweep command (the context line vector_path names the one taken).
// Flop counts: a score costs 2d useful flops (one multiply-add per component of
// the query-key feature vector against the distance's cos/sin row), whatever
// the kernel actually executes; GEMM counts 2 M N K.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "ropesweep/physics/pairwise.hpp"
#include "ropesweep/core/rng.hpp"
#include "eigen_gemm.hpp"
#include "reference_kernels.hpp"

// The block kernel exists from this version on; the same program builds against
// older trees (for before/after figures) without it.
#if __has_include("ropesweep/physics/sincos.hpp")
#define ROPESWEEP_HAS_BLOCK_KERNEL 1
#endif
#if __has_include("ropesweep/physics/vector_path.hpp")
#include "ropesweep/physics/vector_path.hpp"
#define ROPESWEEP_HAS_VECTOR_PATH 1
#endif
#if __has_include("ropesweep/physics/normal_draws.hpp")
#include "ropesweep/physics/normal_draws.hpp"
#define ROPESWEEP_HAS_BULK_NORMALS 1
#endif

namespace ropesweep {
namespace {

constexpr int kHeadDim = 128;
constexpr int kBlockQueries = 32;    // queries of the kernel benchmarks
constexpr int kBlockDistances = 64;  // distances of the kernel benchmarks

std::int64_t samples_from_environment() {
  const char* text = std::getenv("ROPESWEEP_BENCH_SAMPLES");
  return text != nullptr ? std::atoll(text) : 20000;
}

PairwiseConfig point_config(std::int64_t length, int precision, int estimator) {
  PairwiseConfig config;
  config.encoding.head_dim = kHeadDim;
  config.encoding.base = 10000.0;
  config.length = length;
  config.rho = 1.0;
  config.precision = static_cast<Precision>(precision);
  config.estimator = estimator == 0 ? EstimatorKind::kPlain : EstimatorKind::kConditional;
  config.samples = samples_from_environment();
  return config;
}

void BM_Metric(benchmark::State& state) {
  const int metric = static_cast<int>(state.range(0));
  const PairwiseConfig config = point_config(state.range(1), static_cast<int>(state.range(2)),
                                             static_cast<int>(state.range(3)));
  Estimate estimate;
  std::uint64_t point = 0;
  double squared_se_sum = 0.0;
  for (auto _ : state) {
    switch (metric) {
      case 0:
        estimate = position_inversion(config, 1, point);
        break;
      case 1:
        estimate = position_aliasing(config, 1, point);
        break;
      case 2:
        estimate = token_inversion(config, 1, point);
        break;
      default:
        estimate = token_aliasing(config, 1, point);
        break;
    }
    benchmark::DoNotOptimize(estimate);
    squared_se_sum += estimate.se * estimate.se;
    ++point;
  }
  state.counters["value"] = estimate.value;
  // Every iteration is another point (independent samples), so the root mean square of their
  // standard errors is the estimator's standard error at this sample count, known far more
  // precisely than from one point's replicate blocks (about +-6 % at 20000 samples).
  state.counters["se"] = std::sqrt(squared_se_sum / static_cast<double>(state.iterations()));
  state.counters["n"] = static_cast<double>(estimate.n);
  state.SetItemsProcessed(state.iterations() * estimate.n);
}

void BM_Point(benchmark::State& state) {
  const PairwiseConfig config = point_config(state.range(0), static_cast<int>(state.range(1)),
                                             static_cast<int>(state.range(2)));
  std::uint64_t point = 0;
  std::int64_t n = 0;
  for (auto _ : state) {
    const PairwiseResult result = pairwise_metrics(config, 1, point++);
    benchmark::DoNotOptimize(result);
    n = result.position_inversion.n + result.position_aliasing.n + result.token_inversion.n +
        result.token_aliasing.n;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

struct KernelInputs {
  std::vector<double> queries, keys;  // kBlockQueries x d each
  std::vector<std::int64_t> distances;
};

KernelInputs kernel_inputs(std::int64_t length) {
  KernelInputs in;
  RandomStream stream({7, 7, 7, 7});
  in.queries.resize(kBlockQueries * kHeadDim);
  in.keys.resize(kBlockQueries * kHeadDim);
#ifdef ROPESWEEP_HAS_BULK_NORMALS
  fill_normal(stream, in.queries.data(), in.queries.size());
  fill_normal(stream, in.keys.data(), in.keys.size());
#else
  stream.fill_normal(in.queries.data(), in.queries.size());
  stream.fill_normal(in.keys.data(), in.keys.size());
#endif
  for (int j = 0; j < kBlockDistances; ++j) {
    in.distances.push_back(static_cast<std::int64_t>(stream.uniform_int(length)));
  }
  return in;
}

constexpr std::int64_t kKernelLength = 1 << 20;  // no rotation table: factors per distance

void set_flop_rate(benchmark::State& state, double flops_per_iteration) {
  state.counters["flops"] =
      benchmark::Counter(flops_per_iteration * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_ScalarKernel(benchmark::State& state) {
  EncodingConfig ec;
  ec.head_dim = kHeadDim;
  const Encoding encoding(ec);
  const auto precision = static_cast<Precision>(state.range(0));
  const KernelInputs in = kernel_inputs(kKernelLength);
  reference::ScoreKernel kernel(encoding, precision, kKernelLength);
  for (auto _ : state) {
    double total = 0.0;
    for (int c = 0; c < kBlockQueries; ++c) {
      kernel.set_query(in.queries.data() + c * kHeadDim);
      for (std::int64_t r : in.distances) total += kernel.score(in.keys.data() + c * kHeadDim, r);
    }
    benchmark::DoNotOptimize(total);
  }
  set_flop_rate(state, 2.0 * kHeadDim * kBlockQueries * kBlockDistances);
}

// Arguments: precision, queries, distances, and where the cos/sin factors come
// from (1: built by the kernel, its whole per-block cost; 0: supplied once with
// set_factors, so the timing is the product alone reading a stored table).
void run_block_kernel(benchmark::State& state, std::int64_t length) {
  EncodingConfig ec;
  ec.head_dim = kHeadDim;
  const Encoding encoding(ec);
  const auto precision = static_cast<Precision>(state.range(0));
  const auto queries = static_cast<int>(state.range(1));
  const auto distances = static_cast<int>(state.range(2));
  const bool with_tables = state.range(3) != 0;
  const KernelInputs in = kernel_inputs(length);
  std::vector<std::int64_t> block_distances(distances);
  for (int j = 0; j < distances; ++j) block_distances[j] = in.distances[j % kBlockDistances];
  detail::BlockKernel kernel(encoding, precision, length);
  if (!with_tables) {
    // Factors [t][j] of the relative angles r w_t (exact path) or of the fp32
    // absolute positions (finite path), as the kernel would build them.
    const int pairs = encoding.pairs();
    std::vector<double> cos_f(pairs * distances), sin_f(pairs * distances), c(pairs), s(pairs);
    for (int j = 0; j < distances; ++j) {
      const std::int64_t r = block_distances[j];
      encoding.rotation_factors(static_cast<double>(kernel.exact() ? r : length - 1 - r),
                                c.data(), s.data());
      for (int t = 0; t < pairs; ++t) {
        cos_f[t * distances + j] = c[t];
        sin_f[t * distances + j] = s[t];
      }
    }
    if (kernel.exact()) {
      kernel.set_factors(block_distances.data(), distances, cos_f.data(), sin_f.data());
    } else {
      const std::vector<float> cos32(cos_f.begin(), cos_f.end()), sin32(sin_f.begin(), sin_f.end());
      kernel.set_factors(block_distances.data(), distances, cos32.data(), sin32.data());
    }
  }
  // Built factors: every iteration takes fresh distances (one of 64 sets drawn in
  // advance), as an estimator's blocks do, so the coarse and fine rows it reads
  // are not all cache-hot.
  constexpr int kDistanceSets = 64;
  std::vector<std::int64_t> distance_sets(static_cast<std::size_t>(kDistanceSets) * distances);
  RandomStream stream({8, 8, 8, static_cast<std::uint64_t>(length)});
  for (auto& r : distance_sets) r = static_cast<std::int64_t>(stream.uniform_int(length));
  std::vector<double> scores(static_cast<std::size_t>(queries) * distances);
  int set = 0;
  for (auto _ : state) {
    if (with_tables) {
      kernel.set_distances(distance_sets.data() + set * distances, distances);
      set = (set + 1) % kDistanceSets;
    }
    if (kernel.exact()) {
      kernel.exact_scores(in.queries.data(), in.keys.data(), queries, scores.data());
    } else {
      for (int c = 0; c < queries; ++c) {
        kernel.set_query(in.queries.data() + c * kHeadDim);
        kernel.finite_scores(in.keys.data() + c * kHeadDim, scores.data() + c * distances);
      }
    }
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  set_flop_rate(state, 2.0 * kHeadDim * queries * distances);
}

void BM_BlockKernel(benchmark::State& state) { run_block_kernel(state, kKernelLength); }

// The same with the context length L as a fifth argument: how the table
// building cost depends on the size of its coarse and fine tables.
void BM_BlockKernelAtLength(benchmark::State& state) { run_block_kernel(state, state.range(4)); }

void BM_EigenGemm(benchmark::State& state) { time_eigen_gemm(state); }

void metric_arguments(benchmark::internal::Benchmark* b) {
  for (int metric = 0; metric < 4; ++metric) {
    for (std::int64_t length : {4096, 65536, 1 << 20}) {
      for (int precision : {0, 2}) {
        for (int estimator : {0, 1}) b->Args({metric, length, precision, estimator});
      }
    }
  }
}

BENCHMARK(BM_Metric)->Apply(metric_arguments)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Point)
    ->ArgsProduct({{4096, 65536, 1 << 20}, {0, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScalarKernel)->Arg(0)->Arg(2)->Unit(benchmark::kMicrosecond);
#ifdef ROPESWEEP_HAS_BLOCK_KERNEL
BENCHMARK(BM_BlockKernel)
    ->Args({0, 4, 64, 0})
    ->Args({0, 4, 64, 1})
    ->Args({0, kBlockQueries, kBlockDistances, 0})
    ->Args({0, kBlockQueries, kBlockDistances, 1})
    ->Args({2, 4, 64, 1})
    ->Args({2, kBlockQueries, kBlockDistances, 1})
    ->Args({0, 4, 32, 0})
    ->Args({0, 4, 32, 1})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BlockKernelAtLength)
    ->ArgsProduct({{0}, {4}, {32}, {1}, {4096, 65536, 1 << 20, 1 << 24}})
    ->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(BM_EigenGemm)
    ->Args({4, kHeadDim, 64})
    ->Args({4, kHeadDim, 32})
    ->Args({kBlockQueries, kHeadDim, kBlockDistances})
    ->Args({256, 256, 256})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ropesweep

#ifdef ROPESWEEP_HAS_VECTOR_PATH
int main(int argc, char** argv) {
  using namespace ropesweep;
  if (const char* key = std::getenv("ROPESWEEP_SIMD"); key != nullptr && *key != '\0') {
    use_vector_path(vector_path_keyed(key));
  }
  benchmark::AddCustomContext("vector_path", vector_path_name(vector_path()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
#else
BENCHMARK_MAIN();
#endif
