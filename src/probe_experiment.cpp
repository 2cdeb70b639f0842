// The `probe` sweep experiment: the transformer probe of probe.hpp on one grid point.
#include <cmath>
#include <memory>
#include <string>

#include "ropesweep/encoding.hpp"
#include "ropesweep/error.hpp"
#include "ropesweep/experiment.hpp"
#include "ropesweep/precision.hpp"
#include "ropesweep/probe.hpp"

namespace ropesweep {
namespace {

std::function<std::string(const Value&)> at_least(double minimum) {
  return [minimum](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return x >= minimum ? "" : "must be >= " + to_string(minimum);
  };
}

std::function<std::string(const Value&)> greater_than(double minimum) {
  return [minimum](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return x > minimum ? "" : "must be > " + to_string(minimum);
  };
}

std::function<std::string(const Value&)> within(double low, double high) {
  return [low, high](const Value& value) -> std::string {
    const double x = std::get<double>(value);
    return (x >= low && x <= high) ? ""
                                   : "must be in [" + to_string(low) + ", " + to_string(high) + "]";
  };
}

ParameterInfo number(const std::string& name, ValueKind kind, double default_value,
                     std::function<std::string(const Value&)> check,
                     const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = kind;
  info.default_value = Value{default_value};
  info.check = std::move(check);
  info.description = description;
  return info;
}

ParameterInfo text(const std::string& name, const std::string& default_value,
                   std::vector<std::string> choices, const std::string& description) {
  ParameterInfo info;
  info.name = name;
  info.kind = ValueKind::kString;
  info.default_value = Value{default_value};
  info.choices = std::move(choices);
  info.description = description;
  return info;
}

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
        number("heads", integer, 4, at_least(1), "attention heads per layer"),
        number("layers", integer, 2, at_least(1), "attention layers"),
        number("head_dim", integer, 64, at_least(2), "head dimension d (even)"),
        number("base", real, 10000, greater_than(1), "RoPE base b"),
        number("length", integer, 4096, within(3, 16777215),
               "context length L (query at position L-1)"),
        text("encoding", "rope", encoding_names(), "position encoding of q and k"),
        text("precision", "bf16", precision_names(),
             "precision of the last-layer KV cache and logits in the aliasing tests"),
        number("samples", integer, 16, at_least(2),
               "independent samples (a fresh model and sequence set each); two or more "
               "for a standard error"),
        number("vocab", integer, 4096, at_least(3), "vocabulary size V"),
        number("mlp", integer, 0, within(0, 1), "1: an MLP block after each attention block"),
        number("qk_tied", integer, 0, within(0, 1),
               "1: W_k = W_q, so the needle's key matches the query"),
        number("separation", real, 0.25, within(0, 0.999999),
               "g: position pairs satisfy r2 - r1 >= max(1, ceil(g L))"),
        number("scale", real, 1, greater_than(0), "scale factor s of pi, ntk and yarn"),
        number("train_length", real, 4096, greater_than(0), "training length of yarn's ramp"),
        number("yarn_alpha", real, 1, at_least(0), "yarn ramp lower bound"),
        number("yarn_beta", real, 32, greater_than(0), "yarn ramp upper bound"),
        number("partial_fraction", real, 1, within(0, 1),
               "fraction of frequencies partial rotates"),
        text("layout", "interleaved", {"interleaved", "half_split"},
             "pair layout of rotary encodings"),
    };
    auto metric = [](const std::string& name, const std::string& units,
                     const std::string& description) {
      return MetricInfo{name, true, units, description};
    };
    metrics_ = {
        metric("position_inversion", "probability",
               "needle at r1 gets no more attention (summed over heads) than at r2"),
        metric("position_inversion_head", "probability",
               "mean over heads of each head's position inversion"),
        metric("token_inversion", "probability",
               "needle-vs-distractor order (summed over heads) differs at distance 1 and r"),
        metric("token_inversion_head", "probability",
               "mean over heads of each head's token inversion"),
        metric("position_aliasing", "probability",
               "every head's last-layer needle logit in precision p equal at r1 and r2"),
        metric("position_aliasing_head", "probability",
               "mean over heads of each head's logit equality at r1 and r2"),
        metric("token_aliasing", "probability",
               "every head's last-layer logit in precision p equal for needle and distractor at r"),
        metric("token_aliasing_head", "probability",
               "mean over heads of each head's needle/distractor logit equality at r"),
        metric("needle_weight_r1", "probability",
               "last-layer attention weight on the needle at r1, mean over heads"),
        metric("needle_weight_r2", "probability",
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
    try {
      const ProbeConfig config = config_of(point);
      validate(config);
      const Encoding encoding(config.encoding);
      (void)encoding;
    } catch (const Error& error) {
      return error.what();
    }
    return {};
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
