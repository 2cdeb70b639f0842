// The `probe` sweep experiment: the transformer probe of probe.hpp on one grid point.
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/experiments/bound_experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/probe.hpp"

namespace ropesweep {
namespace {

// Bounds far beyond any model keep validation itself small (see shared_parameters).
constexpr double kMaxCount = 65536;

class ProbeExperiment final : public BatchedExperiment<ProbeConfig, ProbeResult, ProbeMoments> {
 public:
  ProbeExperiment() {
    using C = ProbeConfig;
    // ALiBi's slopes come from the probe's own heads (one slope per head), so the
    // pairwise experiment's single-slope parameters do not apply.
    parameters_.include(encoding_parameters(), &C::encoding, {"alibi_slope", "alibi_heads"})
        .set_default("head_dim", Value{64.0})
        .add(integer_parameter("heads", 4, both(at_least(1), at_most(kMaxCount)), "heads",
                               "attention heads per layer"),
             &C::heads)
        .add(integer_parameter("layers", 2, both(at_least(1), at_most(kMaxCount)), "layers",
                               "attention layers"),
             &C::layers)
        .add(integer_parameter("length", 4096, within(3, 16777215), "tokens",
                               "context length L (query at position L-1)"),
             &C::length)
        .add(text_parameter("precision", "bf16", precision_names(),
                            "precision of the last-layer KV cache and logits in the aliasing tests"),
             &C::precision, parse_precision)
        .add(integer_parameter("samples", 16, at_least(2), "samples",
                               "independent samples (a fresh model and sequence set each); two or "
                               "more for a standard error"),
             &C::samples)
        .add(batch_samples_parameter(), &C::batch_samples)
        .add(integer_parameter("vocab", 4096, at_least(3), "tokens", "vocabulary size V"),
             &C::vocab)
        .add(flag_parameter("mlp", false, "1: an MLP block after each attention block"), &C::mlp)
        .add(flag_parameter("qk_tied", false, "1: W_k = W_q, so the needle's key matches the query"),
             &C::qk_tied)
        .add(separation_parameter(), &C::separation)
        .then([](ProbeConfig& config) {
          config.head_dim = config.encoding.head_dim;
          config.encoding.context_length = static_cast<double>(config.length);
          config.encoding.alibi_heads = config.heads;
        });
    using R = ProbeResult;
    metrics_
        .add(stochastic_metric("position_inversion", "probability",
                               "needle at r1 gets no more attention (summed over heads) than at r2"),
             &R::position_inversion)
        .add(stochastic_metric("position_inversion_head", "probability",
                               "mean over heads of each head's position inversion"),
             &R::position_inversion_head)
        .add(stochastic_metric(
                 "token_inversion", "probability",
                 "needle-vs-distractor order (summed over heads) differs at distance 1 and r"),
             &R::token_inversion)
        .add(stochastic_metric("token_inversion_head", "probability",
                               "mean over heads of each head's token inversion"),
             &R::token_inversion_head)
        .add(rare_metric(
                 "position_aliasing", "probability",
                 "every head's last-layer needle logit in precision p equal at r1 and r2"),
             &R::position_aliasing)
        .add(rare_metric("position_aliasing_head", "probability",
                               "mean over heads of each head's logit equality at r1 and r2"),
             &R::position_aliasing_head)
        .add(rare_metric(
                 "token_aliasing", "probability",
                 "every head's last-layer logit in precision p equal for needle and distractor at r"),
             &R::token_aliasing)
        .add(rare_metric(
                 "token_aliasing_head", "probability",
                 "mean over heads of each head's needle/distractor logit equality at r"),
             &R::token_aliasing_head)
        .add(stochastic_metric("needle_weight_r1", "probability",
                               "last-layer attention weight on the needle at r1, mean over heads"),
             &R::needle_weight_r1)
        .add(stochastic_metric("needle_weight_r2", "probability",
                               "last-layer attention weight on the needle at r2, mean over heads"),
             &R::needle_weight_r2);
  }

  std::string name() const override { return "probe"; }
  std::string description() const override {
    return "random decoder-only attention stack: needle/distractor attention at the last layer";
  }

  std::string check_point(const Parameters& point) const override {
    return error_message_of([&] {
      const ProbeConfig config = config_of(point);
      validate(config);
      const Encoding encoding(config.encoding);
    });
  }

  std::vector<UnreadParameter> unread_parameters(const Parameters& point) const override {
    return unread_encoding_parameters(point);
  }

  double work(const Parameters& point) const override { return probe_work(config_of(point)); }
  std::vector<std::string> cost_parameters() const override {
    return {"heads", "layers", "head_dim", "length", "vocab", "mlp", "samples", "batch_samples",
            "model"};
  }

 private:
  std::int64_t batches(const ProbeConfig& config) const override {
    return probe_batch_count(config);
  }
  ProbeMoments run_batch(const ProbeConfig& config, std::uint64_t seed, std::uint64_t point_index,
                         std::int64_t batch) const override {
    return run_probe_batch(config, seed, point_index, batch);
  }
  ProbeResult reduce(const ProbeConfig& /*config*/,
                     const std::vector<ProbeMoments>& batches) const override {
    return probe_result(batches);
  }
};

const ExperimentRegistrar registrar("probe", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<ProbeExperiment>();
});

}  // namespace
}  // namespace ropesweep
