// The `decay` and `bmin` sweep experiments: long-term decay of decay.hpp on one grid
// point, for every encoding with frequencies. Every metric is exact (no sampling):
// standard error 0, n 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/bound_experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/decay.hpp"

namespace ropesweep {
namespace {

// The encoding at a point: its context length is the point's length (dynamic and
// longrope depend on it).
void set_context(EncodingConfig& encoding, std::int64_t length) {
  encoding.context_length = static_cast<double>(length);
}

struct DecayPoint {
  EncodingConfig encoding;  // its train_length is also the critical dimension's
  std::int64_t length = 0;
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
    parameters_.include(encoding_parameters(), &C::encoding)
        .add(integer_parameter("length", 4096, at_least(2), "tokens",
                               "context length L: B is checked on the integers of [0, L]"),
             &C::length)
        .add(integer_parameter("cap", static_cast<double>(kDefaultFirstNegativeCap), at_least(1),
                               "tokens", "largest distance searched for the first negative B(m)"),
             &C::cap)
        .then([](DecayPoint& p) { set_context(p.encoding, p.length); });
    using R = DecayResult;
    metrics_
        .add(exact_metric("first_negative", "tokens",
                          "smallest m >= 0 with B(m) < 0 (equals cap when first_negative_capped)"),
             &R::first_negative)
        .add(exact_metric("first_negative_capped", "flag",
                          "1 when no B(m) < 0 was found below cap"),
             &R::first_negative_capped)
        .add(exact_metric("min_decay", "B",
                          "minimum of B(m) = sum_t cos(m theta'_t) over m in {0..L}"),
             &R::min_decay)
        .add(exact_metric("admissible", "flag", "1 when B(m) >= 0 for every m in {0..L}"),
             &R::admissible)
        .add(exact_metric("critical_dim", "dimensions",
                          "twice the rotated pairs whose period is shorter than train_length "
                          "(Liu et al. 2023)"),
             &R::critical_dim)
        .add(exact_metric("slowest_turns", "turns",
                          "full turns of the lowest rotated frequency over the length, "
                          "L theta'_min / 2 pi"),
             &R::slowest_turns);
  }

  std::string name() const override { return "decay"; }
  std::string description() const override {
    return "long-term decay B(m) of a rotary encoding: first negative distance, minimum over "
           "the context, critical dimension";
  }

  std::string check_point(const Parameters& point) const override {
    return error_message_of([&] { require_decay(config_of(point).encoding, false); });
  }

  // The encoding block's parameters the point's encoding does not read, but for
  // train_length: the critical dimension reads it for every encoding.
  std::vector<UnreadParameter> unread_parameters(const Parameters& point) const override {
    std::vector<UnreadParameter> unread = unread_encoding_parameters(point);
    unread.erase(std::remove_if(unread.begin(), unread.end(),
                                [](const UnreadParameter& u) { return u.name == "train_length"; }),
                 unread.end());
    return unread;
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
  std::vector<std::string> cost_parameters() const override {
    return {"length", "cap", "head_dim", "model"};
  }

 private:
  DecayResult run(const DecayPoint& p, std::uint64_t /*seed*/,
                  std::uint64_t /*point_index*/) const override {
    const Encoding encoding(p.encoding);
    const FirstNegative negative = first_negative(encoding, p.cap);
    const double lowest = min_decay(encoding, p.length);
    const auto table = rotation_table(encoding, static_cast<double>(p.length));
    double slowest = std::numeric_limits<double>::infinity();
    for (const RotationRow& row : table) {
      if (row.theta > 0.0) slowest = std::min(slowest, row.turns);
    }
    DecayResult r;
    r.first_negative = Estimate::exact(static_cast<double>(negative.distance));
    r.first_negative_capped = Estimate::exact(negative.capped ? 1.0 : 0.0);
    r.min_decay = Estimate::exact(lowest);
    r.admissible = Estimate::exact(lowest >= 0.0 ? 1.0 : 0.0);
    r.critical_dim = Estimate::exact(critical_dim(encoding, p.encoding.train_length));
    r.slowest_turns = Estimate::exact(slowest);
    return r;
  }
};

struct MinimalBasePoint {
  EncodingConfig encoding;  // everything but the base, which the search varies
  std::int64_t length = 0;
  double tolerance = 0;
  MarchExtent extent = MarchExtent::kAllAbove;
};

struct MinimalBaseResult {
  Estimate b_min, b_all_above, b_min_lower, b_all_above_lower, pockets, hidden_gaps;
};

class MinimalBaseExperiment final : public BoundExperiment<MinimalBasePoint, MinimalBaseResult> {
 public:
  MinimalBaseExperiment() {
    using C = MinimalBasePoint;
    parameters_.include(encoding_parameters(), &C::encoding, {"base"})
        .add(integer_parameter("length", 4096, at_least(2), "tokens",
                               "context length L: B(m) >= 0 required on the integers of [0, L]"),
             &C::length)
        .add(real_parameter("tolerance", kDefaultTolerance, within(1e-12, 0.5), "",
                            "relative tolerance R: bases are unresolved only in stretches "
                            "narrower than ln(1 + R) / 64 in ln b"),
             &C::tolerance)
        .add(text_parameter("extent", "all_above", extent_names(),
                            "how far the search goes: b_min; pockets (to the first wide "
                            "admissible stretch); all_above (to b_all_above, the costliest)"),
             &C::extent, parse_extent)
        .then([](MinimalBasePoint& p) { set_context(p.encoding, p.length); });
    using R = MinimalBaseResult;
    metrics_
        .add(exact_metric("b_min", "base",
                          "first certified admissible base (B(m) >= 0 on [0, L])"),
             &R::b_min)
        .add(exact_metric("b_all_above", "base",
                          "every base above it certified admissible (extent all_above; NaN "
                          "otherwise)"),
             &R::b_all_above)
        .add(exact_metric("b_min_lower", "base", "every base below it certified inadmissible"),
             &R::b_min_lower)
        .add(exact_metric("b_all_above_lower", "base",
                          "largest certified inadmissible base (extent all_above; NaN otherwise)"),
             &R::b_all_above_lower)
        .add(exact_metric("pockets", "count",
                          "admissible stretches below the first wide one (NaN for extent b_min)"),
             &R::pockets)
        .add(exact_metric("hidden_gaps", "count",
                          "unresolved stretches touching no admissible base"),
             &R::hidden_gaps);
  }

  std::string name() const override { return "bmin"; }
  std::string description() const override {
    return "certified minimal base of a rotary encoding for a context length (Men et al. "
           "2024), its pockets and the base above which every base is admissible";
  }

  std::string check_point(const Parameters& point) const override {
    return error_message_of([&] { require_decay(config_of(point).encoding, true); });
  }

  std::vector<UnreadParameter> unread_parameters(const Parameters& point) const override {
    return unread_encoding_parameters(point);
  }

  // The search's cost is its walks over blocks of 1024 distances, each 1024 * d/2 phasor
  // rotations. How many grows with L about as a power, fitted to the walks counted at
  // d = 64, 128, 256 (docs/science-notes.md): 35 (L/1024) to b_min, 30 (L/1024)^1.9 to the
  // pockets, 150 (L/1024)^1.8 to b_all_above.
  double work(const Parameters& point) const override {
    const MinimalBasePoint p = config_of(point);
    const double blocks = double(p.length) / 1024.0;
    double walks = 35.0 * blocks;
    if (p.extent == MarchExtent::kPockets) walks = 30.0 * std::pow(blocks, 1.9);
    if (p.extent == MarchExtent::kAllAbove) walks = 150.0 * std::pow(blocks, 1.8);
    return (walks + 10.0) * 1024.0 * 0.5 * p.encoding.head_dim;
  }
  std::vector<std::string> cost_parameters() const override {
    return {"length", "extent", "head_dim", "model"};
  }

 private:
  MinimalBaseResult run(const MinimalBasePoint& p, std::uint64_t /*seed*/,
                        std::uint64_t /*point_index*/) const override {
    const MinimalBase result = minimal_base(p.encoding, p.length, p.tolerance, p.extent);
    const double pockets = p.extent == MarchExtent::kMinimalBase
                               ? std::numeric_limits<double>::quiet_NaN()
                               : static_cast<double>(result.pockets.size());
    return {Estimate::exact(result.b_min),       Estimate::exact(result.b_all_above),
            Estimate::exact(result.b_min_lower), Estimate::exact(result.b_all_above_lower),
            Estimate::exact(pockets),            Estimate::exact(double(result.hidden_gaps))};
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
