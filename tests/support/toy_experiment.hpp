#pragma once
// A small experiment registered only inside the engine's unit-test programs, so
// the spec reader, cost model and scheduler can be tested on their own.
#include <cmath>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/core/rng.hpp"

namespace ropesweep::testing {

class ToyExperiment : public Experiment {
 public:
  ToyExperiment() {
    parameters_ = {
        {"base", ValueKind::kNumber, Value{10000.0}, {}, {}, "RoPE base"},
        {"head_dim", ValueKind::kInteger, Value{128.0}, {}, {}, "head dimension"},
        {"length", ValueKind::kInteger, std::nullopt, {}, {}, "context length"},
        {"encoding",
         ValueKind::kString,
         Value{std::string("rope")},
         {"rope", "nope", "alibi"},
         {},
         "position encoding"},
        {"rho", ValueKind::kNumber, Value{1.0}, {}, {}, "similarity"},
        {"separation", ValueKind::kNumber, Value{0.25}, {}, {}, "separation"},
        {"samples",
         ValueKind::kInteger,
         Value{100.0},
         {},
         [](const Value& v) {
           return std::get<double>(v) > 1e9 ? std::string("must be <= 1e9") : std::string();
         },
         "samples"},
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
  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t seed,
                                   std::uint64_t point_index) const override {
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
  double work(const Parameters& point) const override {
    return double(point.integer("samples")) * double(point.integer("length"));
  }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

inline const ExperimentRegistrar kToyRegistrar("toy", [] {
  return std::unique_ptr<Experiment>(new ToyExperiment);
});

}  // namespace ropesweep::testing
