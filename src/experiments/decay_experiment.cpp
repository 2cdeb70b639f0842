// The `decay` and `bmin` sweep experiments: long-term decay of decay.hpp on one grid
// point. Every metric is exact (no sampling): standard error 0, n 1.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/physics/decay.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"

namespace ropesweep {
namespace {

using detail::at_least;
using detail::even_at_least_two;
using detail::greater_than;
using detail::number_parameter;
using detail::within;

MetricInfo exact(const std::string& name, const std::string& units,
                 const std::string& description) {
  return MetricInfo{name, false, units, description};
}

MetricValue exact_value(double value) { return MetricValue{value, 0.0, 1.0}; }

class DecayExperiment final : public Experiment {
 public:
  DecayExperiment() {
    parameters_ = {
        number_parameter("base", ValueKind::kNumber, 10000.0, greater_than(1.0), "RoPE base b"),
        number_parameter("head_dim", ValueKind::kInteger, 128, even_at_least_two(),
                         "head dimension d"),
        number_parameter("length", ValueKind::kInteger, 4096, at_least(1),
                         "context length L: B is checked on the integers of [0, L]"),
        number_parameter("train_length", ValueKind::kNumber, 4096, greater_than(0.0),
                         "training length for the critical dimension"),
        number_parameter("cap", ValueKind::kInteger, static_cast<double>(kDefaultFirstNegativeCap),
                         at_least(1), "largest distance searched for the first negative B(m)"),
    };
    metrics_ = {
        exact("first_negative", "tokens",
              "smallest m >= 0 with B(m) < 0 (equals cap when first_negative_capped)"),
        exact("first_negative_capped", "flag", "1 when no B(m) < 0 was found below cap"),
        exact("min_decay", "B", "minimum of B(m) = sum_t cos(m theta_t) over m in {0..L}"),
        exact("admissible", "flag", "1 when B(m) >= 0 for every m in {0..L}"),
        exact("critical_dim", "dimensions",
              "2 ceil((d/2) log_b(train_length / 2 pi)) (Liu et al. 2023)"),
        exact("slowest_turns", "turns",
              "full turns of the lowest frequency over the length, L theta_{d/2-1} / 2 pi"),
    };
  }

  std::string name() const override { return "decay"; }
  std::string description() const override {
    return "long-term decay B(m) of RoPE: first negative distance, minimum over the context, "
           "critical dimension";
  }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t /*seed*/,
                                   std::uint64_t /*point_index*/) const override {
    const double base = point.number("base");
    const int d = static_cast<int>(point.integer("head_dim"));
    const std::int64_t length = point.integer("length");
    const FirstNegative negative = first_negative(base, d, point.integer("cap"));
    const double lowest = min_decay(base, d, length);
    const auto table = rotation_table(base, d, static_cast<double>(length));
    return {exact_value(static_cast<double>(negative.distance)),
            exact_value(negative.capped ? 1.0 : 0.0),
            exact_value(lowest),
            exact_value(lowest >= 0.0 ? 1.0 : 0.0),
            exact_value(critical_dim(base, d, point.number("train_length"))),
            exact_value(table.back().turns)};
  }

  // One pass over {0..L} for the minimum plus the first-negative search, each
  // step d/2 phasor rotations. The first negative distance is not known in
  // advance; it is bounded here by the cap and by 4 L (it exceeds L only for
  // admissible bases, and the search then usually ends within a few L).
  double work(const Parameters& point) const override {
    const double length = point.number("length");
    const double searched = std::min(point.number("cap"), 4.0 * length + 1.0);
    return (length + 1.0 + searched) * 0.5 * point.number("head_dim");
  }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

class MinimalBaseExperiment final : public Experiment {
 public:
  MinimalBaseExperiment() {
    parameters_ = {
        number_parameter("head_dim", ValueKind::kInteger, 128, even_at_least_two(),
                         "head dimension d"),
        number_parameter("length", ValueKind::kInteger, 4096, at_least(1),
                         "context length L: B(m) >= 0 required on the integers of [0, L]"),
        number_parameter("resolution", ValueKind::kNumber, 0.01, within(1e-6, 0.5),
                         "relative step of the base scan (results refined to resolution/64)"),
    };
    metrics_ = {
        exact("b_min", "base", "smallest base with B(m) >= 0 on [0, L] (scan + refinement)"),
        exact("b_all_above", "base", "smallest base above which every scanned base is admissible"),
    };
  }

  std::string name() const override { return "bmin"; }
  std::string description() const override {
    return "minimal RoPE base for a context length (Men et al. 2024), by fine scan and "
           "refinement";
  }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t /*seed*/,
                                   std::uint64_t /*point_index*/) const override {
    const MinimalBase result =
        minimal_base(point.integer("length"), static_cast<int>(point.integer("head_dim")),
                     point.number("resolution"));
    return {exact_value(result.b_min), exact_value(result.b_all_above)};
  }

  // The scan's cost is dominated by the bases within a factor ~2 either side of
  // b_min, which walk most of {0..L}: about 2 ln 2 / resolution such bases (plus
  // a constant for the refinements), each L * d/2 phasor rotations.
  double work(const Parameters& point) const override {
    const double bases = 1.4 / point.number("resolution") + 30.0;
    return bases * point.number("length") * 0.5 * point.number("head_dim");
  }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

const ExperimentRegistrar decay_registrar("decay", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<DecayExperiment>();
});
const ExperimentRegistrar bmin_registrar("bmin", []() -> std::unique_ptr<Experiment> {
  return std::make_unique<MinimalBaseExperiment>();
});

}  // namespace
}  // namespace ropesweep
