// The `probe` sweep experiment: the transformer probe of probe.hpp on one grid point.
#include <cmath>
#include <memory>
#include <string>

#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/physics/precision.hpp"
#include "ropesweep/physics/probe.hpp"

namespace ropesweep {
namespace {

using detail::at_least;
using detail::greater_than;
using detail::number_parameter;
using detail::stochastic_metric;
using detail::text_parameter;
using detail::within;

ProbeConfig config_of(const Parameters& point) {
  ProbeConfig config;
  config.heads = static_cast<int>(point.integer("heads"));
  config.layers = static_cast<int>(point.integer("layers"));
  config.head_dim = static_cast<int>(point.integer("head_dim"));
  config.length = static_cast<int>(point.integer("length"));
  config.vocab = static_cast<int>(point.integer("vocab"));
  config.mlp = point.integer("mlp") != 0;
  config.qk_tied = point.integer("qk_tied") != 0;
  config.separation = point.number("separation");
  config.samples = point.integer("samples");
  config.precision = parse_precision(point.text("precision"));
  EncodingConfig& encoding = config.encoding;
  encoding.kind = parse_encoding(point.text("encoding"));
  encoding.head_dim = config.head_dim;
  encoding.base = point.number("base");
  encoding.scale = point.number("scale");
  encoding.train_length = point.number("train_length");
  encoding.yarn_alpha = point.number("yarn_alpha");
  encoding.yarn_beta = point.number("yarn_beta");
  encoding.partial_fraction = point.number("partial_fraction");
  encoding.layout = parse_layout(point.text("layout"));
  encoding.alibi_heads = config.heads;
  return config;
}

class ProbeExperiment : public Experiment {
 public:
  ProbeExperiment() {
    const ValueKind integer = ValueKind::kInteger;
    const ValueKind real = ValueKind::kNumber;
    parameters_ = {
        number_parameter("heads", integer, 4, at_least(1), "attention heads per layer"),
        number_parameter("layers", integer, 2, at_least(1), "attention layers"),
        number_parameter("head_dim", integer, 64, at_least(2), "head dimension d (even)"),
        number_parameter("base", real, 10000, greater_than(1), "RoPE base b"),
        number_parameter("length", integer, 4096, within(3, 16777215),
                         "context length L (query at position L-1)"),
        text_parameter("encoding", "rope", encoding_names(), "position encoding of q and k"),
        text_parameter("precision", "bf16", precision_names(),
                       "precision of the last-layer KV cache and logits in the aliasing tests"),
        number_parameter("samples", integer, 16, at_least(2),
                         "independent samples (a fresh model and sequence set each); two or more "
                         "for a standard error"),
        number_parameter("vocab", integer, 4096, at_least(3), "vocabulary size V"),
        number_parameter("mlp", integer, 0, within(0, 1),
                         "1: an MLP block after each attention block"),
        number_parameter("qk_tied", integer, 0, within(0, 1),
                         "1: W_k = W_q, so the needle's key matches the query"),
        number_parameter("separation", real, 0.25, within(0, 0.999999),
                         "g: position pairs satisfy r2 - r1 >= max(1, ceil(g L))"),
        number_parameter("scale", real, 1, greater_than(0), "scale factor s of pi, ntk and yarn"),
        number_parameter("train_length", real, 4096, greater_than(0),
                         "training length of yarn's ramp"),
        number_parameter("yarn_alpha", real, 1, at_least(0), "yarn ramp lower bound"),
        number_parameter("yarn_beta", real, 32, greater_than(0), "yarn ramp upper bound"),
        number_parameter("partial_fraction", real, 1, within(0, 1),
                         "fraction of frequencies partial rotates"),
        text_parameter("layout", "interleaved", {"interleaved", "half_split"},
                       "pair layout of rotary encodings"),
    };
    metrics_ = {
        stochastic_metric("position_inversion", "probability",
                          "needle at r1 gets no more attention (summed over heads) than at r2"),
        stochastic_metric("position_inversion_head", "probability",
                          "mean over heads of each head's position inversion"),
        stochastic_metric(
            "token_inversion", "probability",
            "needle-vs-distractor order (summed over heads) differs at distance 1 and r"),
        stochastic_metric("token_inversion_head", "probability",
                          "mean over heads of each head's token inversion"),
        stochastic_metric("position_aliasing", "probability",
                          "every head's last-layer needle logit in precision p equal at r1 and r2"),
        stochastic_metric("position_aliasing_head", "probability",
                          "mean over heads of each head's logit equality at r1 and r2"),
        stochastic_metric(
            "token_aliasing", "probability",
            "every head's last-layer logit in precision p equal for needle and distractor at r"),
        stochastic_metric("token_aliasing_head", "probability",
                          "mean over heads of each head's needle/distractor logit equality at r"),
        stochastic_metric("needle_weight_r1", "probability",
                          "last-layer attention weight on the needle at r1, mean over heads"),
        stochastic_metric("needle_weight_r2", "probability",
                          "last-layer attention weight on the needle at r2, mean over heads"),
    };
  }

  std::string name() const override { return "probe"; }
  std::string description() const override {
    return "random decoder-only attention stack: needle/distractor attention at the last layer";
  }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }

  std::string check_point(const Parameters& point) const override {
    return detail::error_message_of([&] {
      const ProbeConfig config = config_of(point);
      validate(config);
      const Encoding encoding(config.encoding);
      (void)encoding;
    });
  }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t seed,
                                   std::uint64_t point_index) const override {
    const ProbeResult r = run_probe(config_of(point), seed, point_index);
    std::vector<MetricValue> values;
    for (const ProbeEstimate* e :
         {&r.position_inversion, &r.position_inversion_head, &r.token_inversion,
          &r.token_inversion_head, &r.position_aliasing, &r.position_aliasing_head,
          &r.token_aliasing, &r.token_aliasing_head, &r.needle_weight_r1, &r.needle_weight_r2}) {
      values.push_back(MetricValue{e->value, e->se, e->n});
    }
    return values;
  }

  double work(const Parameters& point) const override { return probe_work(config_of(point)); }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

const ExperimentRegistrar kRegistrar("probe", [] {
  return std::unique_ptr<Experiment>(new ProbeExperiment());
});

}  // namespace
}  // namespace ropesweep
