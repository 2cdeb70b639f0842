// The `pairwise` sweep experiment: the four failure probabilities of pairwise.hpp
// (plus the expected number of aliased pairs) on one grid point.
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/physics/pairwise.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/physics/precision.hpp"

namespace ropesweep {
namespace {

using detail::at_least;
using detail::greater_than;
using detail::number_parameter;
using detail::stochastic_metric;
using detail::text_parameter;
using detail::within;

PairwiseConfig config_of(const Parameters& point) {
  PairwiseConfig config;
  EncodingConfig& encoding = config.encoding;
  encoding.kind = parse_encoding(point.text("encoding"));
  encoding.head_dim = static_cast<int>(point.integer("head_dim"));
  encoding.base = point.number("base");
  encoding.scale = point.number("scale");
  encoding.train_length = point.number("train_length");
  encoding.yarn_alpha = point.number("yarn_alpha");
  encoding.yarn_beta = point.number("yarn_beta");
  encoding.partial_fraction = point.number("partial_fraction");
  encoding.alibi_slope = point.number("alibi_slope");
  encoding.alibi_heads = static_cast<int>(point.integer("alibi_heads"));
  encoding.layout = parse_layout(point.text("layout"));
  config.length = point.integer("length");
  config.rho = point.number("rho");
  config.separation = point.number("separation");
  config.precision = parse_precision(point.text("precision"));
  config.samples = point.integer("samples");
  config.estimator = parse_estimator(point.text("estimator"));
  return config;
}

MetricValue metric(const Estimate& estimate) {
  return MetricValue{estimate.value, estimate.se, static_cast<double>(estimate.n)};
}

class PairwiseExperiment final : public Experiment {
 public:
  PairwiseExperiment() {
    parameters_ = {
        number_parameter("base", ValueKind::kNumber, 10000.0, greater_than(1.0), "RoPE base b"),
        number_parameter("head_dim", ValueKind::kInteger, 128, detail::even_at_least_two(),
                         "head dimension d"),
        number_parameter("length", ValueKind::kInteger, 4096, at_least(2),
                         "context length L; distances are uniform on {0..L-1}"),
        text_parameter("encoding", "rope", encoding_names(), "position encoding"),
        text_parameter("precision", "fp64", precision_names(),
                       "numeric precision of rotated q/k and of the score"),
        number_parameter("rho", ValueKind::kNumber, 1.0, within(0.0, 1.0),
                         "similarity of the relevant key: k_rel = rho q + sqrt(1 - rho^2) xi"),
        number_parameter("separation", ValueKind::kNumber, 0.25, within(0.0, 1.0, true),
                         "position pairs need r2 - r1 >= max(1, ceil(separation * L))"),
        number_parameter("scale", ValueKind::kNumber, 1.0, greater_than(0.0),
                         "context extension factor s of pi, ntk and yarn"),
        number_parameter("train_length", ValueKind::kNumber, 4096, greater_than(0.0),
                         "training length of yarn's ramp"),
        number_parameter("yarn_alpha", ValueKind::kNumber, 1.0, at_least(0.0),
                         "yarn ramp lower bound"),
        number_parameter("yarn_beta", ValueKind::kNumber, 32.0, greater_than(0.0),
                         "yarn ramp upper bound (> yarn_alpha)"),
        number_parameter("partial_fraction", ValueKind::kNumber, 1.0, within(0.0, 1.0),
                         "partial: fraction of the (highest) frequencies that rotate"),
        number_parameter("alibi_slope", ValueKind::kNumber, 0.0, at_least(0.0),
                         "alibi: slope m; 0 takes head 0 of alibi_heads (Press et al.)"),
        number_parameter("alibi_heads", ValueKind::kInteger, 8, at_least(1),
                         "alibi: head count H behind the default slope"),
        text_parameter("layout", "interleaved", {"interleaved", "half_split"},
                       "pair layout of rotary encodings (rope_half is always half_split)"),
        text_parameter("estimator", "conditional", {"conditional", "plain"},
                       "conditional (variance-reduced, fp64 inversions) or plain Monte Carlo"),
        number_parameter("samples", ValueKind::kInteger, 20000, at_least(2),
                         "samples per metric (rounded up to whole clusters)"),
    };
    metrics_ = {
        stochastic_metric("position_inversion", "probability",
                          "P(the nearer of two copies of the relevant key scores lower), ties 1/2"),
        stochastic_metric("position_aliasing", "probability",
                          "P(the relevant key scores the same at two distinct distances)"),
        stochastic_metric("aliased_pairs", "pairs",
                          "expected number of aliased position pairs in a context, P * L(L-1)/2"),
        stochastic_metric(
            "token_inversion", "probability",
            "P(relevant vs irrelevant key order at distance r differs from distance 0)"),
        stochastic_metric("token_aliasing", "probability",
                          "P(relevant and irrelevant key score the same at a distance r)"),
    };
  }

  std::string name() const override { return "pairwise"; }
  std::string description() const override {
    return "failure probabilities of one attention score: position/token inversion and aliasing";
  }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }

  std::string check_point(const Parameters& point) const override {
    return detail::error_message_of([&] { validate(config_of(point)); });
  }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t seed,
                                   std::uint64_t point_index) const override {
    const PairwiseResult r = pairwise_metrics(config_of(point), seed, point_index);
    return {metric(r.position_inversion), metric(r.position_aliasing), metric(r.aliased_pairs),
            metric(r.token_inversion), metric(r.token_aliasing)};
  }

  // Four metrics of `samples` draws each, computed in replicate blocks of queries x
  // distances (pairwise.hpp): per sample about 3d/32 normal draws, d/4 vectorised
  // sin/cos pairs (a distance's table serves four queries), 2d multiply-adds of the
  // block product and, for finite precision, ~5d operations of rotation, bulk
  // rounding and accumulation. Nothing depends on the length L. Unit: one
  // multiply-add; the relative price of the parts is taken as measured (about the
  // same for fp64 and bf16, plain and conditional), so work = 8 d per sample and
  // the engine's calibration sets the scale.
  double work(const Parameters& point) const override {
    return 8.0 * point.number("samples") * point.number("head_dim");
  }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

const ExperimentRegistrar registrar("pairwise", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<PairwiseExperiment>();
});

}  // namespace
}  // namespace ropesweep
