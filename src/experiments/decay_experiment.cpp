// The `decay` and `bmin` sweep experiments: long-term decay of decay.hpp on one grid
// point. Every metric is exact (no sampling): standard error 0, n 1.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "ropesweep/experiments/bound_experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/decay.hpp"

namespace ropesweep {
namespace {

struct DecayPoint {
  EncodingConfig encoding;  // base and head_dim
  std::int64_t length = 0;
  double train_length = 0;
  std::int64_t cap = 0;
};

struct DecayResult {
  Estimate first_negative, first_negative_capped, min_decay, admissible, critical_dim,
      slowest_turns;
};

class DecayExperiment final : public BoundExperiment<DecayPoint, DecayResult> {
 public:
  DecayExperiment() {
    using C = DecayPoint;
    parameters_.include_only(encoding_parameters(), &C::encoding, {"base", "head_dim"})
        .add(integer_parameter("length", 4096, at_least(2), "tokens",
                               "context length L: B is checked on the integers of [0, L]"),
             &C::length)
        .add(real_parameter("train_length", 4096, at_least(2), "tokens",
                            "training length for the critical dimension"),
             &C::train_length)
        .add(integer_parameter("cap", static_cast<double>(kDefaultFirstNegativeCap), at_least(1),
                               "tokens", "largest distance searched for the first negative B(m)"),
             &C::cap);
    using R = DecayResult;
    metrics_
        .add(exact_metric("first_negative", "tokens",
                          "smallest m >= 0 with B(m) < 0 (equals cap when first_negative_capped)"),
             &R::first_negative)
        .add(exact_metric("first_negative_capped", "flag",
                          "1 when no B(m) < 0 was found below cap"),
             &R::first_negative_capped)
        .add(exact_metric("min_decay", "B",
                          "minimum of B(m) = sum_t cos(m theta_t) over m in {0..L}"),
             &R::min_decay)
        .add(exact_metric("admissible", "flag", "1 when B(m) >= 0 for every m in {0..L}"),
             &R::admissible)
        .add(exact_metric("critical_dim", "dimensions",
                          "2 ceil((d/2) log_b(train_length / 2 pi)) (Liu et al. 2023)"),
             &R::critical_dim)
        .add(exact_metric("slowest_turns", "turns",
                          "full turns of the lowest frequency over the length, L theta_{d/2-1} "
                          "/ 2 pi"),
             &R::slowest_turns);
  }

  std::string name() const override { return "decay"; }
  std::string description() const override {
    return "long-term decay B(m) of RoPE: first negative distance, minimum over the context, "
           "critical dimension";
  }

  // One pass over {0..L} for the minimum plus the first-negative search, each
  // step d/2 phasor rotations. The first negative distance is not known in
  // advance; it is bounded here by the cap and by 4 L (it exceeds L only for
  // admissible bases, and the search then usually ends within a few L).
  double work(const Parameters& point) const override {
    const DecayPoint p = config_of(point);
    const double length = double(p.length);
    const double searched = std::min(double(p.cap), 4.0 * length + 1.0);
    return (length + 1.0 + searched) * 0.5 * p.encoding.head_dim;
  }

 private:
  DecayResult run(const DecayPoint& p, std::uint64_t /*seed*/,
                  std::uint64_t /*point_index*/) const override {
    const double base = p.encoding.base;
    const int d = p.encoding.head_dim;
    const FirstNegative negative = first_negative(base, d, p.cap);
    const double lowest = min_decay(base, d, p.length);
    const auto table = rotation_table(base, d, static_cast<double>(p.length));
    DecayResult r;
    r.first_negative = Estimate::exact(static_cast<double>(negative.distance));
    r.first_negative_capped = Estimate::exact(negative.capped ? 1.0 : 0.0);
    r.min_decay = Estimate::exact(lowest);
    r.admissible = Estimate::exact(lowest >= 0.0 ? 1.0 : 0.0);
    r.critical_dim = Estimate::exact(critical_dim(base, d, p.train_length));
    r.slowest_turns = Estimate::exact(table.back().turns);
    return r;
  }
};

struct MinimalBasePoint {
  EncodingConfig encoding;  // head_dim
  std::int64_t length = 0;
  double resolution = 0;
};

struct MinimalBaseResult {
  Estimate b_min, b_all_above;
};

class MinimalBaseExperiment final : public BoundExperiment<MinimalBasePoint, MinimalBaseResult> {
 public:
  MinimalBaseExperiment() {
    using C = MinimalBasePoint;
    parameters_.include_only(encoding_parameters(), &C::encoding, {"head_dim"})
        .add(integer_parameter("length", 4096, at_least(2), "tokens",
                               "context length L: B(m) >= 0 required on the integers of [0, L]"),
             &C::length)
        .add(real_parameter("resolution", 0.01, within(1e-6, 0.5), "",
                            "relative step of the base scan (results refined to resolution/64)"),
             &C::resolution);
    using R = MinimalBaseResult;
    metrics_
        .add(exact_metric("b_min", "base",
                          "smallest base with B(m) >= 0 on [0, L] (scan + refinement)"),
             &R::b_min)
        .add(exact_metric("b_all_above", "base",
                          "smallest base above which every scanned base is admissible"),
             &R::b_all_above);
  }

  std::string name() const override { return "bmin"; }
  std::string description() const override {
    return "minimal RoPE base for a context length (Men et al. 2024), by fine scan and "
           "refinement";
  }

  // The scan's cost is dominated by the bases within a factor ~2 either side of
  // b_min, which walk most of {0..L}: about 2 ln 2 / resolution such bases (plus
  // a constant for the refinements), each L * d/2 phasor rotations.
  double work(const Parameters& point) const override {
    const MinimalBasePoint p = config_of(point);
    const double bases = 1.4 / p.resolution + 30.0;
    return bases * double(p.length) * 0.5 * p.encoding.head_dim;
  }

 private:
  MinimalBaseResult run(const MinimalBasePoint& p, std::uint64_t /*seed*/,
                        std::uint64_t /*point_index*/) const override {
    const MinimalBase result = minimal_base(p.length, p.encoding.head_dim, p.resolution);
    return {Estimate::exact(result.b_min), Estimate::exact(result.b_all_above)};
  }
};

const ExperimentRegistrar decay_registrar("decay", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<DecayExperiment>();
});
const ExperimentRegistrar bmin_registrar("bmin", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<MinimalBaseExperiment>();
});

}  // namespace
}  // namespace ropesweep
