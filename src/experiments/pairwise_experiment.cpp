// The `pairwise` sweep experiment: the four failure probabilities of pairwise.hpp
// (plus the expected number of aliased pairs) on one grid point.
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/experiments/bound_experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/pairwise.hpp"

namespace ropesweep {
namespace {

class PairwiseExperiment final
    : public BatchedExperiment<PairwiseConfig, PairwiseResult, PairwiseMoments> {
 public:
  PairwiseExperiment() {
    using C = PairwiseConfig;
    parameters_.include(encoding_parameters(), &C::encoding)
        .add(integer_parameter("length", 4096, at_least(2), "tokens",
                               "context length L; distances are uniform on {0..L-1}"),
             &C::length)
        .add(text_parameter("precision", "fp64", precision_names(),
                            "numeric precision of rotated q/k and of the score"),
             &C::precision, parse_precision)
        .add(real_parameter("rho", 1, within(0, 1), "",
                            "similarity of the relevant key: k_rel = rho q + sqrt(1 - rho^2) xi"),
             &C::rho)
        .add(separation_parameter(), &C::separation)
        .add(text_parameter("estimator", "conditional", {"conditional", "plain"},
                            "conditional (variance-reduced, fp64 inversions) or plain Monte Carlo"),
             &C::estimator, parse_estimator)
        .add(integer_parameter("samples", 20000, at_least(2), "samples",
                               "samples per metric (rounded up to whole replicate blocks)"),
             &C::samples)
        .add(batch_samples_parameter(), &C::batch_samples)
        .then([](PairwiseConfig& config) {
          config.encoding.context_length = static_cast<double>(config.length);
        });
    using R = PairwiseResult;
    metrics_
        .add(stochastic_metric(
                 "position_inversion", "probability",
                 "P(the nearer of two copies of the relevant key scores lower), ties 1/2"),
             &R::position_inversion)
        .add(rare_metric("position_aliasing", "probability",
                               "P(the relevant key scores the same at two distinct distances)"),
             &R::position_aliasing)
        .add(rare_metric(
                 "aliased_pairs", "pairs",
                 "expected number of aliased position pairs in a context, P * L(L-1)/2"),
             &R::aliased_pairs)
        .add(stochastic_metric(
                 "token_inversion", "probability",
                 "P(relevant vs irrelevant key order at distance r differs from distance 0)"),
             &R::token_inversion)
        .add(rare_metric("token_aliasing", "probability",
                               "P(relevant and irrelevant key score the same at a distance r)"),
             &R::token_aliasing);
  }

  std::string name() const override { return "pairwise"; }
  std::string description() const override {
    return "failure probabilities of one attention score: position/token inversion and aliasing";
  }

  std::string check_point(const Parameters& point) const override {
    return error_message_of([&] { validate(config_of(point)); });
  }

  std::vector<UnreadParameter> unread_parameters(const Parameters& point) const override {
    return unread_encoding_parameters(point);
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
    const PairwiseConfig config = config_of(point);
    return 8.0 * double(config.samples) * config.encoding.head_dim;
  }
  std::vector<std::string> cost_parameters() const override {
    return {"samples", "batch_samples", "head_dim", "model"};
  }

 private:
  std::int64_t batches(const PairwiseConfig& config) const override {
    return pairwise_batch_count(config);
  }
  PairwiseMoments run_batch(const PairwiseConfig& config, std::uint64_t seed,
                            std::uint64_t point_index, std::int64_t batch) const override {
    return pairwise_batch(config, seed, point_index, batch);
  }
  PairwiseResult reduce(const PairwiseConfig& config,
                        const std::vector<PairwiseMoments>& batches) const override {
    return pairwise_result(config, batches);
  }
};

const ExperimentRegistrar registrar("pairwise", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<PairwiseExperiment>();
});

}  // namespace
}  // namespace ropesweep
