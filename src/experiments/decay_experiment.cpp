// The `decay` and `bmin` sweep experiments: long-term decay of decay.hpp on one grid
// point. Every metric is exact (no sampling): standard error 0, n 1.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/physics/decay.hpp"

namespace ropesweep {
namespace {

using detail::at_least;
using detail::even_at_least_two;
using detail::greater_than;
using detail::number_parameter;
using detail::text_parameter;
using detail::within;

MetricInfo exact(const std::string& name, const std::string& units,
                 const std::string& description) {
  return MetricInfo{name, false, units, description};
}

MetricValue exact_value(double value) { return MetricValue{value, 0.0, 1.0}; }

MarchExtent parse_extent(const std::string& text) {
  if (text == "b_min") return MarchExtent::kMinimalBase;
  if (text == "pockets") return MarchExtent::kPockets;
  return MarchExtent::kAllAbove;
}

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
    EncodingConfig config;
    config.head_dim = static_cast<int>(point.integer("head_dim"));
    config.base = point.number("base");
    const Encoding encoding(config);
    const std::int64_t length = point.integer("length");
    const FirstNegative negative = first_negative(encoding, point.integer("cap"));
    const double lowest = min_decay(encoding, length);
    const auto table = rotation_table(encoding, static_cast<double>(length));
    return {exact_value(static_cast<double>(negative.distance)),
            exact_value(negative.capped ? 1.0 : 0.0),
            exact_value(lowest),
            exact_value(lowest >= 0.0 ? 1.0 : 0.0),
            exact_value(critical_dim(encoding, point.number("train_length"))),
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
        number_parameter("tolerance", ValueKind::kNumber, kDefaultTolerance, within(1e-12, 0.5),
                         "relative tolerance R: bases are unresolved only in stretches narrower "
                         "than ln(1 + R) / 64 in ln b"),
        text_parameter("extent", "all_above", {"b_min", "pockets", "all_above"},
                       "how far the search goes: b_min; pockets (to the first wide admissible "
                       "stretch); all_above (to b_all_above, the costliest)"),
    };
    metrics_ = {
        exact("b_min", "base", "first certified admissible base (B(m) >= 0 on [0, L])"),
        exact("b_all_above", "base",
              "every base above it certified admissible (extent all_above; NaN otherwise)"),
        exact("b_min_lower", "base", "every base below it certified inadmissible"),
        exact("b_all_above_lower", "base",
              "largest certified inadmissible base (extent all_above; NaN otherwise)"),
        exact("pockets", "count",
              "admissible stretches below the first wide one (NaN for extent b_min)"),
        exact("hidden_gaps", "count", "unresolved stretches touching no admissible base"),
    };
  }

  std::string name() const override { return "bmin"; }
  std::string description() const override {
    return "certified minimal RoPE base for a context length (Men et al. 2024), its pockets "
           "and the base above which every base is admissible";
  }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t /*seed*/,
                                   std::uint64_t /*point_index*/) const override {
    EncodingConfig config;
    config.head_dim = static_cast<int>(point.integer("head_dim"));
    const MarchExtent extent = parse_extent(point.text("extent"));
    const MinimalBase result =
        minimal_base(config, point.integer("length"), point.number("tolerance"), extent);
    const double pockets = extent == MarchExtent::kMinimalBase
                               ? std::numeric_limits<double>::quiet_NaN()
                               : static_cast<double>(result.pockets.size());
    return {exact_value(result.b_min),
            exact_value(result.b_all_above),
            exact_value(result.b_min_lower),
            exact_value(result.b_all_above_lower),
            exact_value(pockets),
            exact_value(static_cast<double>(result.hidden_gaps))};
  }

  // The search's cost is its walks over blocks of 1024 distances, each 1024 * d/2 phasor
  // rotations. How many grows with L about as a power, fitted to the walks counted at
  // d = 64, 128, 256 (docs/science-notes.md): 35 (L/1024) to b_min, 30 (L/1024)^1.9 to the
  // pockets, 150 (L/1024)^1.8 to b_all_above.
  double work(const Parameters& point) const override {
    const double blocks = point.number("length") / 1024.0;
    double walks = 35.0 * blocks;
    const MarchExtent extent = parse_extent(point.text("extent"));
    if (extent == MarchExtent::kPockets) walks = 30.0 * std::pow(blocks, 1.9);
    if (extent == MarchExtent::kAllAbove) walks = 150.0 * std::pow(blocks, 1.8);
    return (walks + 10.0) * 1024.0 * 0.5 * point.number("head_dim");
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
