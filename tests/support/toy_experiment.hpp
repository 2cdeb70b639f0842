#pragma once
// A small experiment registered only inside the engine's unit-test programs, so
// the spec reader, cost model and scheduler can be tested on their own.
#include <cmath>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/core/rng.hpp"

namespace ropesweep::testing {

class ToyExperiment : public Experiment {
 public:
  ToyExperiment() {
    ParameterInfo length = integer_parameter("length", 0, at_least(2), "tokens", "context length");
    length.default_value.reset();  // a toy sweep must set its length
    parameters_ = {
        real_parameter("base", 10000, greater_than(1), "", "RoPE base"),
        integer_parameter("head_dim", 128, even_at_least_two(), "", "head dimension"),
        length,
        text_parameter("encoding", "rope", {"rope", "nope", "alibi"}, "position encoding"),
        real_parameter("rho", 1, within(0, 1), "", "similarity"),
        real_parameter("separation", 0.25, within(0, 1, true), "", "separation"),
        integer_parameter("samples", 100, both(at_least(1), at_most(1e9)), "", "samples"),
    };
    metrics_ = {{"mean", true, "1", "mean of uniform draws"},
                {"cosine", false, "1", "cos(length / base)"}};
  }
  std::string name() const override { return "toy"; }
  std::string description() const override { return "test experiment"; }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }
  std::string check_point(const Parameters& point) const override {
    if (point.number("separation") * point.number("length") < 1 && point.number("separation") > 0)
      return "separation * length must be >= 1";
    return {};
  }
  // rho stands for an encoding's own parameter: encoding nope does not read it.
  std::vector<UnreadParameter> unread_parameters(const Parameters& point) const override {
    if (point.text("encoding") != "nope") return {};
    return {{"rho", "encoding 'nope' does not take it"}};
  }
  // A point in one piece.
  BatchMoments compute_batch(const Parameters& point, std::uint64_t seed,
                             std::uint64_t point_index, std::int64_t /*batch*/) const override {
    return values_as_numbers(values(point, seed, point_index));
  }
  std::vector<MetricValue> reduce_batches(const Parameters& /*point*/,
                                          const std::vector<BatchMoments>& batches) const override {
    return values_of_numbers(batches.at(0), metrics_.size());
  }
  double work(const Parameters& point) const override {
    return double(point.integer("samples")) * double(point.integer("length"));
  }

 private:
  std::vector<MetricValue> values(const Parameters& point, std::uint64_t seed,
                                  std::uint64_t point_index) const {
    RandomStream stream({seed, point_index, kStreamExperimentBase, 0});
    const auto samples = point.integer("samples");
    double sum = 0, sum2 = 0;
    for (std::int64_t i = 0; i < samples; ++i) {
      const double u = stream.uniform_open();
      sum += u;
      sum2 += u * u;
    }
    const double mean = sum / samples;
    const double var = sum2 / samples - mean * mean;
    return {{mean, std::sqrt(var / samples), double(samples)},
            {std::cos(point.number("length") / point.number("base")), 0.0, 1.0}};
  }

  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

inline const ExperimentRegistrar kToyRegistrar("toy", [] {
  return std::unique_ptr<Experiment>(new ToyExperiment);
});

}  // namespace ropesweep::testing
