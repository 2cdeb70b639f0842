// The pairwise block kernel's product written three ways, timed per vector target and
// checked bit for bit (docs/simd-library.md):
//
//   lanes/<path>: the project's kernel (lanes.hpp templates, one function per path under
//     __attribute__((target))), through BlockKernel::exact_scores with supplied factors,
//     as BM_BlockKernel/0/Q/R/0 of bench_pairwise; path generic, SSE2, AVX2, AVX-512F.
//   highway/<target>: Google Highway, HWY_DYNAMIC_DISPATCH over SCALAR (portable), SSE4,
//     AVX2, AVX3 (simd_libraries/highway_product.cpp).
//   highway-muladd/<target>: the same with MulAdd, Highway's idiom (fused on AVX2, AVX3).
//   xsimd/<arch>: xsimd batches, one file per architecture compiled for it, called
//     directly (sse4_2, avx2, avx512f) or through xsimd::dispatch ("dispatch").
//
// Every call does the same work: the rows' features (scalar, as exact_scores) and the
// product features (Q x d) * [cos; sin] (d x R), d = 128. Before timing, the program prints
// whether every variant's scores equal the generic path's bit for bit, over the timed
// shapes and some with partial register blocks; and how the libraries' own cos and sin
// compare with the project's (SLEEF, sincos_bulk) and across their targets.
//
// Run pinned to one core, repetitions interleaved, e.g. taskset -c 1
// build/bench/simd_libraries --benchmark_repetitions=3
// --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/pairwise.hpp"
#include "ropesweep/physics/sincos.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "simd_libraries/product_job.hpp"

namespace ropesweep::bench {
namespace {

constexpr int kHeadDim = 128;
constexpr std::int64_t kLength = 1 << 20;  // distances drawn in [0, L)

const Encoding& encoding() {
  static const Encoding instance([] {
    EncodingConfig config;
    config.head_dim = kHeadDim;
    return config;
  }());
  return instance;
}

// One block of Q query-key rows and R distances with its factors, supplied to the project's
// kernel and padded into the [cos; sin] table (d x stride) the library versions read.
struct Block {
  std::int64_t rows, count, stride;
  std::vector<double> queries, keys;
  std::vector<std::int64_t> distances;
  std::vector<double> table, features;
  std::vector<int> real, imag;  // components of pair t, as BlockKernel keeps them
  std::unique_ptr<detail::BlockKernel> kernel;

  Block(std::int64_t q, std::int64_t r) : rows(q), count(r) {
    const Encoding& enc = encoding();
    const int pairs = enc.pairs();
    stride =
        std::max<std::int64_t>(kColumnBlock, (r + kColumnBlock - 1) / kColumnBlock * kColumnBlock);
    RandomStream stream({7, 7, 7, static_cast<std::uint64_t>(q * 1000 + r)});
    queries.resize(q * kHeadDim);
    keys.resize(q * kHeadDim);
    fill_normal(stream, queries.data(), queries.size());
    fill_normal(stream, keys.data(), keys.size());
    for (std::int64_t j = 0; j < r; ++j) {
      distances.push_back(static_cast<std::int64_t>(stream.uniform_int(kLength)));
    }
    std::vector<double> cos_f(pairs * r), sin_f(pairs * r), c(pairs), s(pairs);
    table.assign(2 * pairs * stride, 0.0);
    for (std::int64_t j = 0; j < stride; ++j) {
      enc.rotation_factors(static_cast<double>(distances[std::min(j, r - 1)]), c.data(), s.data());
      for (int t = 0; t < pairs; ++t) {
        if (j < r) {
          cos_f[t * r + j] = c[t];
          sin_f[t * r + j] = s[t];
        }
        table[t * stride + j] = c[t];
        table[(pairs + t) * stride + j] = s[t];
      }
    }
    kernel = std::make_unique<detail::BlockKernel>(enc, Precision::kFp64, kLength);
    kernel->set_factors(distances.data(), r, cos_f.data(), sin_f.data());
    features.resize(q * kHeadDim);
    for (int t = 0; t < pairs; ++t) {
      real.push_back(enc.real_index(t));
      imag.push_back(enc.imag_index(t));
    }
    if (enc.distance_slope() != 0.0) std::abort();  // RoPE: exact_scores adds no penalty
  }

  // The features of exact_scores, in its order.
  void compute_features() {
    const Encoding& enc = encoding();
    const int pairs = enc.pairs();
    const double scale_squared = enc.qk_scale() * enc.qk_scale();
    for (std::int64_t c = 0; c < rows; ++c) {
      const double* q = queries.data() + c * kHeadDim;
      const double* k = keys.data() + c * kHeadDim;
      double* f = features.data() + c * kHeadDim;
      for (int t = 0; t < pairs; ++t) {
        const double a = q[real[t]], b = q[imag[t]];
        const double x = k[real[t]], y = k[imag[t]];
        f[t] = scale_squared * (a * x + b * y);
        f[pairs + t] = -scale_squared * (b * x - a * y);
      }
    }
  }

  ProductJob job(double* out) const {
    return {features.data(), rows, kHeadDim, table.data(), stride, out, count};
  }
};

// One way of computing a block's scores on one target: `choose` makes it the one taken
// (outside the timing), `scores` computes.
struct Variant {
  std::string library, target;
  std::function<void()> choose;
  std::function<void(Block&, double*)> scores;
};

std::vector<Variant> variants() {
  std::vector<Variant> all;
  for (VectorPath path : available_vector_paths()) {
    all.push_back({"lanes", vector_path_key(path), [path] { use_vector_path(path); },
                   [](Block& block, double* out) {
                     block.kernel->exact_scores(block.queries.data(), block.keys.data(), block.rows,
                                                out);
                   }});
  }
  highway_choose(0);
  for (std::int64_t target : highway_targets()) {
    for (bool fused : {false, true}) {
      all.push_back({fused ? "highway-muladd" : "highway", highway_target_name(target),
                     [target] { highway_choose(target); },
                     [fused](Block& block, double* out) {
                       block.compute_features();
                       highway_product(block.job(out), fused);
                     }});
    }
  }
  const std::pair<XsimdArch, const char*> archs[] = {
      {XsimdArch::kSse4_2, "sse4_2"}, {XsimdArch::kAvx2, "avx2"}, {XsimdArch::kAvx512f, "avx512f"}};
  for (const auto& [arch, name] : archs) {
    if (!xsimd_available(arch)) continue;
    all.push_back({"xsimd", name, [] {},
                   [arch = arch](Block& block, double* out) {
                     block.compute_features();
                     xsimd_product(arch, block.job(out));
                   }});
  }
  all.push_back({"xsimd", std::string("dispatch:") + xsimd_dispatched_name(), [] {},
                 [](Block& block, double* out) {
                   block.compute_features();
                   xsimd_dispatched_product(block.job(out));
                 }});
  return all;
}

const std::pair<int, int> kTimedShapes[] = {{4, 32}, {4, 64}, {32, 32}, {32, 64}};
// Partial register blocks: rows not a multiple of 4 or 2, columns not of 8.
const std::pair<int, int> kCheckedShapes[] = {{4, 32}, {4, 64}, {32, 32}, {32, 64},
                                              {1, 1},  {3, 5},  {5, 13},  {7, 21}};

// Every variant's scores against the generic path's, bit for bit; prints one line each.
void check_bits(const std::vector<Variant>& all) {
  std::printf("bits against lanes/generic over %zu shapes (Q x R):\n", std::size(kCheckedShapes));
  std::map<std::pair<int, int>, std::vector<double>> reference;
  for (const auto& [q, r] : kCheckedShapes) {
    use_vector_path(VectorPath::kGeneric);
    Block block(q, r);
    std::vector<double>& out = reference[{q, r}];
    out.resize(q * r);
    block.kernel->exact_scores(block.queries.data(), block.keys.data(), q, out.data());
  }
  for (const Variant& variant : all) {
    variant.choose();
    std::int64_t differ = 0, total = 0;
    double largest = 0.0;
    for (const auto& [q, r] : kCheckedShapes) {
      Block block(q, r);
      std::vector<double> out(q * r);
      variant.scores(block, out.data());
      const std::vector<double>& expected = reference[{q, r}];
      for (std::size_t i = 0; i < out.size(); ++i) {
        ++total;
        if (std::memcmp(&out[i], &expected[i], sizeof(double)) != 0) {
          ++differ;
          largest = std::max(largest, std::fabs(out[i] - expected[i]) / std::fabs(expected[i]));
        }
      }
    }
    std::string ran = variant.library == "lanes"                 ? vector_path_key(vector_path())
                      : variant.library.rfind("highway", 0) == 0 ? highway_dispatched_name()
                                                                 : variant.target.c_str();
    if (differ == 0) {
      std::printf("  %-15s %-16s (ran %s): identical (%lld scores)\n", variant.library.c_str(),
                  variant.target.c_str(), ran.c_str(), static_cast<long long>(total));
    } else {
      std::printf(
          "  %-15s %-16s (ran %s): %lld of %lld scores differ, largest relative "
          "difference %.3g\n",
          variant.library.c_str(), variant.target.c_str(), ran.c_str(),
          static_cast<long long>(differ), static_cast<long long>(total), largest);
    }
  }
  use_vector_path(available_vector_paths().back());
  highway_choose(0);
}

// Error of `value` in units in the last place of the double nearest `exact`.
double ulp_error(double value, long double exact) {
  if (!std::isfinite(value)) return std::numeric_limits<double>::infinity();
  const double nearest = static_cast<double>(exact);
  const double ulp = nearest == 0.0 ? std::numeric_limits<double>::denorm_min()
                                    : std::ldexp(1.0, std::ilogb(nearest) - 52);
  return static_cast<double>(std::fabs(static_cast<long double>(value) - exact) / ulp);
}

struct AngleSet {
  std::string name;
  std::vector<double> angles;
};

// The angles the exact path's tables hold at L = 2^20 and 2^24 (i step w_t over the fine
// and coarse rows, up to about 10^6 and 1.7 10^7 rad), and uniform ones in Highway's valid
// range [0, 39000).
std::vector<AngleSet> angle_sets() {
  const std::vector<double>& w = encoding().frequencies();
  std::vector<AngleSet> sets;
  for (int log_length : {20, 24}) {
    const std::int64_t split = std::int64_t{1} << (log_length / 2);  // sqrt(L)
    AngleSet tables{"tables at L = 2^" + std::to_string(log_length), {}};
    for (std::int64_t step : {std::int64_t{1}, split}) {
      for (std::int64_t i = 0; i < split; ++i) {
        for (double frequency : w) {
          tables.angles.push_back(static_cast<double>(i * step) * frequency);
        }
      }
    }
    sets.push_back(std::move(tables));
  }
  AngleSet uniform{"uniform [0, 39000)", std::vector<double>(65536)};
  RandomStream stream({9, 9, 9, 9});
  for (double& angle : uniform.angles) angle = 39000.0 * stream.uniform_open();
  sets.push_back(std::move(uniform));
  return sets;
}

void check_sincos() {
  std::printf(
      "cos and sin: error against cosl and sinl (x87 long double), values unlike "
      "SLEEF's (sincos_bulk), values unlike the library's first target:\n");
  for (const AngleSet& set : angle_sets()) {
    const std::size_t n = set.angles.size();
    std::vector<double> sleef_cos(n), sleef_sin(n);
    sincos_bulk(set.angles.data(), n, sleef_cos.data(), sleef_sin.data());
    std::vector<long double> exact_cos(n), exact_sin(n);
    for (std::size_t i = 0; i < n; ++i) {
      exact_cos[i] = cosl(static_cast<long double>(set.angles[i]));
      exact_sin[i] = sinl(static_cast<long double>(set.angles[i]));
    }
    std::vector<std::pair<std::string, std::function<void(double*, double*)>>> runs;
    runs.push_back({"sleef sincos_bulk",
                    [&set, n](double* c, double* s) { sincos_bulk(set.angles.data(), n, c, s); }});
    highway_choose(0);
    for (std::int64_t target : highway_targets()) {
      runs.push_back({std::string("highway ") + highway_target_name(target),
                      [&set, n, target](double* c, double* s) {
                        highway_choose(target);
                        highway_sincos(set.angles.data(), static_cast<std::int64_t>(n), c, s);
                      }});
    }
    const std::pair<XsimdArch, const char*> archs[] = {{XsimdArch::kSse4_2, "xsimd sse4_2"},
                                                       {XsimdArch::kAvx2, "xsimd avx2"},
                                                       {XsimdArch::kAvx512f, "xsimd avx512f"}};
    for (const auto& [arch, name] : archs) {
      if (!xsimd_available(arch)) continue;
      runs.push_back({name, [&set, n, arch = arch](double* c, double* s) {
                        xsimd_sincos(arch, set.angles.data(), static_cast<std::int64_t>(n), c, s);
                      }});
    }
    std::map<std::string, std::vector<double>> first;  // per library: its first target's values
    for (const auto& [name, run] : runs) {
      std::vector<double> c(n), s(n);
      run(c.data(), s.data());
      std::int64_t differ = 0;
      double largest = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        differ += (c[i] != sleef_cos[i]) + (s[i] != sleef_sin[i]);
        largest = std::max({largest, ulp_error(c[i], exact_cos[i]), ulp_error(s[i], exact_sin[i])});
      }
      std::vector<double> both(c);
      both.insert(both.end(), s.begin(), s.end());
      const std::string library = name.substr(0, name.find(' '));
      std::int64_t across = 0;
      if (first.count(library) == 0) first[library] = both;
      for (std::size_t i = 0; i < both.size(); ++i) {
        across += std::memcmp(&both[i], &first[library][i], sizeof(double)) != 0;
      }
      std::printf(
          "  %-20s %-18s: largest error %.3g ulp; %lld of %zu unlike SLEEF's; "
          "%lld unlike its first target\n",
          set.name.c_str(), name.c_str(), largest, static_cast<long long>(differ), 2 * n,
          static_cast<long long>(across));
    }
  }
  highway_choose(0);
}

void register_benchmarks(const std::vector<Variant>& all) {
  for (const Variant& variant : all) {
    for (const auto& [q, r] : kTimedShapes) {
      const std::string name = variant.library + "/" + variant.target + "/" + std::to_string(q) +
                               "/" + std::to_string(r);
      benchmark::RegisterBenchmark(name.c_str(), [variant, q = q, r = r](benchmark::State& state) {
        variant.choose();
        Block block(q, r);
        std::vector<double> out(q * r);
        for (auto _ : state) {
          variant.scores(block, out.data());
          benchmark::DoNotOptimize(out.data());
          benchmark::ClobberMemory();
        }
        state.counters["flops"] = benchmark::Counter(2.0 * kHeadDim * q * r * state.iterations(),
                                                     benchmark::Counter::kIsRate);
      })->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace
}  // namespace ropesweep::bench

int main(int argc, char** argv) {
  using namespace ropesweep::bench;
  const std::vector<Variant> all = variants();
  check_bits(all);
  check_sincos();
  register_benchmarks(all);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
