#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/physics/decay.hpp"
#include "ropesweep/physics/pairwise.hpp"

namespace ropesweep {
namespace {

Parameters defaults_of(const Experiment& experiment) {
  Parameters point;
  for (const ParameterInfo& info : experiment.parameters()) {
    EXPECT_TRUE(info.default_value.has_value()) << info.name;
    if (info.default_value) point.set(info.name, *info.default_value);
  }
  return point;
}

const ParameterInfo& parameter(const Experiment& experiment, const std::string& name) {
  for (const ParameterInfo& info : experiment.parameters()) {
    if (info.name == name) return info;
  }
  throw Error("no parameter " + name);
}

std::string check(const Experiment& experiment, const std::string& name, Value value) {
  const ParameterInfo& info = parameter(experiment, name);
  if (!info.choices.empty()) {
    const std::string& text = std::get<std::string>(value);
    for (const auto& choice : info.choices) {
      if (choice == text) return "";
    }
    return "not a choice";
  }
  return info.check ? info.check(value) : "";
}

TEST(PhysicsExperiments, Registered) {
  for (const char* name : {"pairwise", "decay", "bmin"}) {
    ASSERT_TRUE(is_experiment(name)) << name;
    EXPECT_EQ(experiment_by_name(name).name(), name);
  }
}

TEST(PhysicsExperiments, PairwiseParametersAndRangeChecks) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  for (const char* name : {"base", "head_dim", "length", "encoding", "precision", "rho",
                           "separation", "scale", "train_length", "yarn_alpha", "yarn_beta",
                           "partial_fraction", "alibi_slope", "layout", "estimator", "samples"}) {
    EXPECT_NO_THROW(parameter(pairwise, name)) << name;
  }
  EXPECT_NE(check(pairwise, "head_dim", Value{63.0}), "");
  EXPECT_EQ(check(pairwise, "head_dim", Value{64.0}), "");
  EXPECT_NE(check(pairwise, "base", Value{1.0}), "");
  EXPECT_EQ(check(pairwise, "base", Value{1.5}), "");
  EXPECT_NE(check(pairwise, "length", Value{1.0}), "");
  EXPECT_NE(check(pairwise, "rho", Value{1.01}), "");
  EXPECT_NE(check(pairwise, "rho", Value{-0.01}), "");
  EXPECT_EQ(check(pairwise, "rho", Value{0.0}), "");
  EXPECT_NE(check(pairwise, "separation", Value{1.0}), "");
  EXPECT_NE(check(pairwise, "encoding", Value{std::string("rotary")}), "");
  EXPECT_EQ(check(pairwise, "encoding", Value{std::string("yarn")}), "");
  EXPECT_NE(check(pairwise, "precision", Value{std::string("fp8")}), "");
  EXPECT_EQ(check(pairwise, "precision", Value{std::string("bf16")}), "");
  EXPECT_NE(check(pairwise, "estimator", Value{std::string("magic")}), "");
  EXPECT_NE(check(pairwise, "samples", Value{1.0}), "");
}

TEST(PhysicsExperiments, PairwiseCrossParameterChecks) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  Parameters point = defaults_of(pairwise);
  EXPECT_EQ(pairwise.check_point(point), "");
  point.set("length", 4.0);
  point.set("separation", 0.9);
  const std::string problem = pairwise.check_point(point);
  EXPECT_NE(problem.find("separation"), std::string::npos) << problem;
  point = defaults_of(pairwise);
  point.set("yarn_alpha", 40.0);
  EXPECT_EQ(pairwise.check_point(point), "");  // only yarn reads the ramp
  point.set("encoding", std::string("yarn"));
  EXPECT_NE(pairwise.check_point(point).find("yarn_beta"), std::string::npos);
}

TEST(PhysicsExperiments, PairwiseComputeMatchesTheLibrary) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  Parameters point = defaults_of(pairwise);
  point.set("samples", 640.0);
  point.set("head_dim", 32.0);
  point.set("length", 2048.0);
  point.set("precision", std::string("bf16"));
  const auto values = pairwise.compute(point, 11, 3);
  ASSERT_EQ(values.size(), pairwise.metrics().size());
  PairwiseConfig config;
  config.encoding.head_dim = 32;
  config.length = 2048;
  config.samples = 640;
  config.precision = Precision::kBf16;
  const PairwiseResult expected = pairwise_metrics(config, 11, 3);
  EXPECT_EQ(values[0].value, expected.position_inversion.value);
  EXPECT_EQ(values[1].value, expected.position_aliasing.value);
  EXPECT_EQ(values[2].value, expected.aliased_pairs.value);
  EXPECT_EQ(values[3].value, expected.token_inversion.value);
  EXPECT_EQ(values[3].se, expected.token_inversion.se);
  EXPECT_EQ(values[4].value, expected.token_aliasing.value);
  for (const MetricValue& v : values) {
    EXPECT_GE(v.n, 640.0);
    EXPECT_GE(v.se, 0.0);
  }
  for (int i : {0, 1, 3, 4}) {
    EXPECT_GE(values[i].value, 0.0);
    EXPECT_LE(values[i].value, 1.0);
  }
}

TEST(PhysicsExperiments, WorkIsLinearInSamples) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  Parameters point = defaults_of(pairwise);
  point.set("length", 1e6);
  point.set("samples", 1000.0);
  const double small = pairwise.work(point);
  point.set("samples", 4000.0);
  EXPECT_DOUBLE_EQ(pairwise.work(point), 4 * small);
  EXPECT_GT(small, 0.0);
  // The block kernel builds its cos/sin tables per block of distances: the price
  // of a sample does not depend on the context length.
  const double long_context = pairwise.work(point);
  point.set("length", 4096.0);
  EXPECT_DOUBLE_EQ(pairwise.work(point), long_context);
  point.set("samples", 8000.0);
  EXPECT_DOUBLE_EQ(pairwise.work(point), 2 * long_context);
  const Experiment& bmin = experiment_by_name("bmin");
  Parameters bmin_point = defaults_of(bmin);
  const double base_work = bmin.work(bmin_point);
  bmin_point.set("length", 2 * bmin_point.number("length"));
  EXPECT_GT(bmin.work(bmin_point), base_work);
}

TEST(PhysicsExperiments, DecayCompute) {
  const Experiment& decay = experiment_by_name("decay");
  Parameters point = defaults_of(decay);
  point.set("base", 10000.0);
  point.set("head_dim", 128.0);
  point.set("length", 4096.0);
  point.set("train_length", 4096.0);
  const auto values = decay.compute(point, 0, 0);
  ASSERT_EQ(values.size(), decay.metrics().size());
  EncodingConfig rope;
  rope.head_dim = 128;
  rope.base = 10000.0;
  EXPECT_EQ(values[0].value, static_cast<double>(first_negative(Encoding(rope)).distance));
  EXPECT_EQ(values[1].value, 0.0);
  EXPECT_LT(values[2].value, 0.0);  // first negative 1707 < 4096
  EXPECT_EQ(values[3].value, 0.0);
  EXPECT_EQ(values[4].value, 92.0);
  EXPECT_NEAR(values[5].value, 4096.0 * std::pow(10000.0, -126.0 / 128.0) / (2 * M_PI), 1e-9);
  point.set("length", 1000.0);
  EXPECT_EQ(decay.compute(point, 0, 0)[3].value, 1.0);
  EXPECT_NE(check(decay, "head_dim", Value{3.0}), "");
  EXPECT_NE(check(decay, "base", Value{0.5}), "");
}

TEST(PhysicsExperiments, MinimalBaseCompute) {
  const Experiment& bmin = experiment_by_name("bmin");
  Parameters point = defaults_of(bmin);
  point.set("head_dim", 32.0);
  point.set("length", 300.0);
  point.set("tolerance", 1e-4);
  const auto values = bmin.compute(point, 0, 0);
  ASSERT_EQ(values.size(), 6u);
  EncodingConfig rope;
  rope.head_dim = 32;
  const MinimalBase expected = minimal_base(rope, 300, 1e-4);
  EXPECT_EQ(values[0].value, expected.b_min);
  EXPECT_EQ(values[1].value, expected.b_all_above);
  EXPECT_EQ(values[2].value, expected.b_min_lower);
  EXPECT_EQ(values[3].value, expected.b_all_above_lower);
  EXPECT_EQ(values[4].value, static_cast<double>(expected.pockets.size()));
  EXPECT_EQ(values[5].value, static_cast<double>(expected.hidden_gaps));
  EXPECT_EQ(values[0].se, 0.0);
  point.set("extent", std::string("b_min"));
  const auto first = bmin.compute(point, 0, 0);
  EXPECT_EQ(first[0].value, expected.b_min);
  EXPECT_TRUE(std::isnan(first[1].value));
  EXPECT_TRUE(std::isnan(first[4].value));
  // The further the search goes, the more it costs.
  point.set("length", 65536.0);
  const double to_b_min = bmin.work(point);
  point.set("extent", std::string("pockets"));
  const double to_pockets = bmin.work(point);
  point.set("extent", std::string("all_above"));
  EXPECT_LT(to_b_min, to_pockets);
  EXPECT_LT(to_pockets, bmin.work(point));
  EXPECT_NE(check(bmin, "tolerance", Value{0.0}), "");
  EXPECT_NE(check(bmin, "extent", Value{std::string("everything")}), "");
  EXPECT_NE(check(bmin, "length", Value{0.0}), "");
}

}  // namespace
}  // namespace ropesweep
