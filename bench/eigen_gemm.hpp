#pragma once
// Eigen's own double GEMM at one shape, timed: C = A B with A M x K and B K x N
// (2 M N K flops per iteration, as the counter "flops"). Included by bench_pairwise
// (built as the project is) and by eigen_gemm_native (built -march=native): the same
// benchmark under two instruction sets.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

inline void time_eigen_gemm(benchmark::State& state) {
  const auto m = state.range(0), k = state.range(1), n = state.range(2);
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(m, k), b = Eigen::MatrixXd::Random(k, n);
  Eigen::MatrixXd c(m, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = benchmark::Counter(2.0 * static_cast<double>(m * n * k),
                                               benchmark::Counter::kIsIterationInvariantRate);
}
