// The registered `probe` experiment: its metrics, point checks and work estimate.
#include <gtest/gtest.h>

#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep {
namespace {

Parameters probe_point(double length, double layers) {
  const Experiment& probe = experiment_by_name("probe");
  Parameters point;
  for (const ParameterInfo& info : probe.parameters()) point.set(info.name, *info.default_value);
  point.set("length", length);
  point.set("layers", layers);
  return point;
}

TEST(ProbeExperiment, RegisteredWithItsMetricsAndPointChecks) {
  const Experiment& probe = experiment_by_name("probe");
  EXPECT_EQ(probe.metrics().size(), 10u);
  Parameters point = probe_point(200, 2);
  point.set("heads", 2.0);
  point.set("head_dim", 8.0);
  point.set("samples", 4.0);
  point.set("vocab", 50.0);
  EXPECT_EQ(probe.check_point(point), "");
  const std::vector<MetricValue> values = probe.compute(point, 1, 0);
  ASSERT_EQ(values.size(), probe.metrics().size());
  for (const MetricValue& value : values) {
    EXPECT_GE(value.value, 0.0);
    EXPECT_LE(value.value, 1.0);
    EXPECT_EQ(value.n, 4.0);
  }
  Parameters bad = point;
  bad.set("separation", 0.999);
  EXPECT_NE(probe.check_point(bad).find("separation"), std::string::npos);
  bad = point;
  bad.set("head_dim", 7.0);
  EXPECT_NE(probe.check_point(bad), "");
  const ParameterInfo* samples = nullptr;
  for (const ParameterInfo& info : probe.parameters()) {
    if (info.name == "samples") samples = &info;
  }
  ASSERT_NE(samples, nullptr);
  EXPECT_NE(samples->check(Value{1.0}), "");  // no standard error from one sample
  EXPECT_EQ(samples->check(Value{2.0}), "");
}

TEST(ProbeExperiment, WorkGrowsAsLayersTimesLengthSquaredForLongContexts) {
  const Experiment& probe = experiment_by_name("probe");
  const double ratio_length = probe.work(probe_point(32768, 4)) / probe.work(probe_point(16384, 4));
  EXPECT_GT(ratio_length, 3.6);
  EXPECT_LT(ratio_length, 4.0);
  const double ratio_layers = probe.work(probe_point(32768, 8)) / probe.work(probe_point(32768, 2));
  EXPECT_GT(ratio_layers, 6.5);  // (8 - 1) / (2 - 1) attention layers, plus the read-out layer
  EXPECT_LT(ratio_layers, 7.0);
  // (32768/512)^2 = 4096 for attention alone; drawing the weights and the vocabulary
  // is a fixed cost per sample that weighs more at L = 512.
  const double ratio_mixed = probe.work(probe_point(32768, 2)) / probe.work(probe_point(512, 2));
  EXPECT_GT(ratio_mixed, 500.0);
  EXPECT_LT(ratio_mixed, 4096.0);
}

}  // namespace
}  // namespace ropesweep
