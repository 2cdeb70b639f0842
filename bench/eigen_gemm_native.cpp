// Eigen's own double GEMM at the shapes of the pairwise block kernel's product,
// compiled for the best instruction set of the building processor (-march=native;
// bench/CMakeLists.txt gives every bench/*_native.cpp program these flags and links
// it to nothing of the project, so no inline function compiled for this processor
// can stand in for the project's -march=x86-64-v2 code). bench/compare.sh divides
// the block kernel's flop rate (bench_pairwise, built as the project is) by this
// one: the ceiling a GEMM-shaped kernel could reach on this core.
//
//   BM_EigenGemmNative/<M>/<K>/<N>: C = A B with A M x K, B K x N; 2 M N K flops.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include "eigen_gemm.hpp"

namespace {

void BM_EigenGemmNative(benchmark::State& state) {
  time_eigen_gemm(state);
  state.SetLabel(Eigen::SimdInstructionSetsInUse());
}

// The shapes of bench_pairwise's BM_EigenGemm (d = 128 components per score).
BENCHMARK(BM_EigenGemmNative)
    ->Args({4, 128, 64})
    ->Args({4, 128, 32})
    ->Args({32, 128, 64})
    ->Args({256, 256, 256})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
