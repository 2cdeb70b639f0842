// Time of one transformer-probe forward pass (and of one full sample, six
// sequences with prefix sharing) at a given length and width; run it under
// `/usr/bin/time -v` to see the peak memory.
//
//   probe_forward [--length L] [--heads H] [--head-dim d] [--layers N] [--mlp 0|1]
//                 [--mode pass|sample|attention] [--encoding NAME]
//
// pass:      one sequence from position 0 through all layers (the last layer only
//            computes keys and the query row, as the probe reads nothing else);
// sample:    the six sequences of one probe sample, sharing their causal prefix;
// attention: the blocked causal attention kernel alone on random L x d_model inputs;
// point:     run_probe on one grid point with --samples samples, against probe_work.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "ropesweep/physics/attention.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/probe.hpp"
#include "ropesweep/physics/vector_path.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Processor time of this process: on a shared machine it is steadier than wall time.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  using namespace ropesweep;
  ProbeConfig config;
  config.length = 4096;
  config.heads = 16;
  config.head_dim = 64;
  config.layers = 2;
  std::string mode = "pass";
  std::string encoding_name = "rope";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--length")
      config.length = std::atoi(value);
    else if (flag == "--heads")
      config.heads = std::atoi(value);
    else if (flag == "--head-dim")
      config.head_dim = std::atoi(value);
    else if (flag == "--layers")
      config.layers = std::atoi(value);
    else if (flag == "--mlp")
      config.mlp = std::atoi(value) != 0;
    else if (flag == "--mode")
      mode = value;
    else if (flag == "--encoding")
      encoding_name = value;
    else if (flag == "--samples")
      config.samples = std::atoi(value);
    else if (flag == "--qk-tied")
      config.qk_tied = std::atoi(value) != 0;
    else if (flag == "--base")
      config.encoding.base = std::atof(value);
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  use_vector_path_from_environment();  // ROPESWEEP_SIMD, as for ropesweep itself
  config.encoding.kind = parse_encoding(encoding_name);
  config.encoding.head_dim = config.head_dim;
  config.encoding.alibi_heads = config.heads;
  config.encoding.context_length = static_cast<double>(config.length);  // dynamic, longrope
  if (mode != "point") config.samples = 1;
  validate(config);
  const Encoding encoding(config.encoding);
  const int width = config.width();

  if (mode == "attention") {
    AttentionHeads heads;
    heads.heads = config.heads;
    heads.head_dim = config.head_dim;
    MatrixF q = MatrixF::Random(config.length, width), k = MatrixF::Random(config.length, width),
            v = MatrixF::Random(config.length, width), out;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    causal_attention(heads, 0, q, k, v, out);
    const double t = seconds_since(start);
    const double cpu = cpu_seconds() - cpu_start;
    const double multiply_adds = 2.0 * config.length * (config.length + 1.0) / 2.0 * width;
    std::printf("attention L=%d d_model=%d: %.3f s wall, %.3f s cpu, %.2f GFLOP/s per cpu second\n",
                config.length, width, t, cpu, 2.0 * multiply_adds / cpu / 1e9);
    return 0;
  }

  if (mode == "point") {
    const double cpu_start = cpu_seconds();
    const ProbeResult result = run_probe(config, 1, 0);
    const double cpu = cpu_seconds() - cpu_start;
    std::printf(
        "point L=%d heads=%d head_dim=%d layers=%d samples=%lld: %.3f s cpu, work %.4g, "
        "%.3g ns per work unit, position_inversion %.3f +- %.3f, token_inversion %.3f +- %.3f\n",
        config.length, config.heads, config.head_dim, config.layers,
        static_cast<long long>(config.samples), cpu, probe_work(config),
        1e9 * cpu / probe_work(config), result.position_inversion.value,
        result.position_inversion.se, result.token_inversion.value, result.token_inversion.se);
    return 0;
  }

  auto start = std::chrono::steady_clock::now();
  const ProbeModel model = draw_probe_model(config, 1, 0, 0);
  const ProbeSample sample = draw_probe_sample(config, 1, 0, 0);
  const double draw_seconds = seconds_since(start);
  const ProbeForward forward(model, encoding, config.precision, config.mlp);
  std::vector<ProbeVariant> variants = probe_variants(sample, config.length);
  const bool share = mode == "sample";
  if (mode == "pass") variants.resize(1);
  start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  const std::vector<ProbeReadout> readouts = forward.run(sample.tokens, variants, share);
  const double run_seconds = seconds_since(start);
  const double run_cpu = cpu_seconds() - cpu_start;
  std::printf(
      "%s L=%d heads=%d head_dim=%d d_model=%d layers=%d mlp=%d: draw %.3f s, "
      "forward %.3f s wall %.3f s cpu (%zu sequence%s), needle weight head 0 %.9g, path %s\n",
      mode.c_str(), config.length, config.heads, config.head_dim, width, config.layers,
      config.mlp ? 1 : 0, draw_seconds, run_seconds, run_cpu, variants.size(),
      variants.size() == 1 ? "" : "s", readouts.front().weight.front(),
      vector_path_name(vector_path()));
  std::printf("work model: %.4g multiply-adds per sample\n", probe_work(config));
  return 0;
}
