#pragma once
// A test experiment computed in batches: a point of `batches` batches; batch b
// contributes the single number b + 1, and the reduction reads the batches as the
// digits of one number (base 100) in the order given, so a result shows in which order
// its batches were reduced: batches 0, 1, 2 give 10203. work = batches * weight; the
// declared cost parameters leave `weight` out on purpose, so a grid along it shows that
// the work list checks the declaration.
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep::testing {

class TallyExperiment : public Experiment {
 public:
  std::string name() const override { return "tally"; }
  std::string description() const override { return "batches as digits"; }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }
  std::int64_t batch_count(const Parameters& point) const override {
    return point.integer("batches");
  }
  BatchMoments compute_batch(const Parameters&, std::uint64_t, std::uint64_t,
                             std::int64_t batch) const override {
    return {double(batch + 1)};
  }
  std::vector<MetricValue> reduce_batches(const Parameters& point,
                                          const std::vector<BatchMoments>& batches) const override {
    if (std::int64_t(batches.size()) != batch_count(point)) throw Error("wrong batch count");
    double digits = 0;
    for (const BatchMoments& batch : batches) digits = digits * 100 + batch.at(0);
    return {{digits, 0.0, double(batches.size())}};
  }
  double work(const Parameters& point) const override {
    return double(point.integer("batches")) * point.number("weight");
  }
  std::vector<std::string> cost_parameters() const override { return {"batches"}; }

 private:
  std::vector<ParameterInfo> parameters_ = {
      {"x", ValueKind::kNumber, Value{0.0}, {}, {}, "any", "", {}},
      {"y", ValueKind::kNumber, Value{0.0}, {}, {}, "any", "", {}},
      {"batches", ValueKind::kInteger, Value{1.0}, {}, {}, "batches per point", "", {}},
      {"weight", ValueKind::kNumber, Value{1.0}, {}, {}, "scales the work (undeclared)", "", {}}};
  std::vector<MetricInfo> metrics_ = {{"digits", true, "1", "the batches in reduction order"}};
};

inline const ExperimentRegistrar kTallyRegistrar("tally", [] {
  return std::unique_ptr<Experiment>(new TallyExperiment);
});

}  // namespace ropesweep::testing
