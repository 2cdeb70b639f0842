// The encoding block that pairwise and probe share: which of its parameters each
// encoding reads, and every encoding through both experiments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

Parameters defaults_of(const Experiment& experiment) {
  Parameters point;
  for (const ParameterInfo& info : experiment.parameters())
    point.set(info.name, *info.default_value);
  return point;
}

std::vector<std::string> unread_names(const Experiment& experiment, const Parameters& point) {
  std::vector<std::string> names;
  for (const UnreadParameter& unread : experiment.unread_parameters(point)) {
    names.push_back(unread.name);
  }
  return names;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(EncodingBlock, EveryOwnParameterIsTakenBySomeEncoding) {
  const std::vector<std::string> shared = {"model",    "encoding", "base",
                                           "head_dim", "layout",   "rotary_fraction"};
  for (const ParameterInfo& info : encoding_parameters().infos()) {
    if (contains(shared, info.name)) continue;
    EXPECT_FALSE(encodings_reading(info.name).empty()) << info.name;
    EXPECT_NE(info.description.find("; taken by "), std::string::npos) << info.name;
  }
}

TEST(EncodingBlock, UnreadParametersFollowTheEncoding) {
  for (const char* kind : {"pairwise", "probe"}) {
    const Experiment& experiment = experiment_by_name(kind);
    Parameters point = defaults_of(experiment);
    std::vector<std::string> unread = unread_names(experiment, point);
    EXPECT_TRUE(contains(unread, "scale")) << kind;
    EXPECT_FALSE(contains(unread, "base")) << kind;
    point.set("encoding", std::string("yarn"));
    unread = unread_names(experiment, point);
    EXPECT_FALSE(contains(unread, "scale")) << kind;
    EXPECT_FALSE(contains(unread, "yarn_beta")) << kind;
    EXPECT_TRUE(contains(unread, "partial_fraction")) << kind;
    for (const UnreadParameter& parameter : experiment.unread_parameters(point)) {
      EXPECT_NE(parameter.reason.find("encoding 'yarn' does not take it"), std::string::npos)
          << parameter.reason;
    }
  }
}

// Parameters under which every encoding modifies RoPE: an extension by 4 of a model
// trained at 1024, a context of `length`, longrope's factors for `pairs` pairs.
void set_extension(Parameters& point, double length, int pairs) {
  point.set("scale", 4.0);
  point.set("train_length", 1024.0);
  point.set("length", length);
  std::string short_factor, long_factor;
  for (int t = 0; t < pairs; ++t) {
    short_factor += (t ? "," : "") + std::to_string(1.0 + 0.1 * t);
    long_factor += (t ? ", " : "") + std::to_string(1.0 + t);
  }
  point.set("short_factor", short_factor);
  point.set("long_factor", long_factor);
}

// transformers' rope_scaling keys are other names of scale and train_length, so a
// model's configuration can be copied as it is; the sweep holds the one name.
TEST(EncodingBlock, TransformersKeysAreOtherNamesOfTheSameParameters) {
  const SpecResult copied = parse_sweep(
      "seed: 1\nexperiments:\n  pairwise:\n    samples: 100\n    fixed: {encoding: llama3, "
      "base: 500000, factor: 8, original_max_position_embeddings: 8192}\n"
      "    axes: {length: [1000]}\n",
      "s.yaml");
  ASSERT_TRUE(copied.ok()) << copied.problems.front().what();
  const Parameters point = copied.sweep.experiments[0].point(0);
  EXPECT_EQ(point.number("scale"), 8.0);
  EXPECT_EQ(point.number("train_length"), 8192.0);
  EXPECT_FALSE(point.has("factor"));
  EXPECT_FALSE(point.is_default("scale"));

  const SpecResult twice = parse_sweep(
      "seed: 1\nexperiments:\n  pairwise:\n    samples: 100\n    fixed: {encoding: llama3, "
      "scale: 4, factor: 8}\n    axes: {length: [1000]}\n",
      "s.yaml");
  ASSERT_EQ(twice.problems.size(), 1u);
  EXPECT_STREQ(twice.problems[0].what(),
               "s.yaml:5:41: parameter 'factor' (another name of 'scale') is set twice (also at "
               "s.yaml:5:31)");
}

TEST(EncodingBlock, FactorListsAreCommaSeparatedNumbers) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  const ParameterInfo* list = nullptr;
  for (const ParameterInfo& info : pairwise.parameters()) {
    if (info.name == "short_factor") list = &info;
  }
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->check(Value{std::string("1, 1.5,2.25")}), "");
  EXPECT_EQ(list->check(Value{std::string("")}), "");
  EXPECT_EQ(list->check(Value{std::string("1, x, 2")}),
            "must be numbers > 0 separated by commas: 'x' is not a number > 0");
  EXPECT_NE(list->check(Value{std::string("1,,2")}), "");
  EXPECT_NE(list->check(Value{std::string("1, 0")}), "");
  EXPECT_NE(list->check(Value{std::string("1, inf")}), "");
  // The parsed factors reach the encoding: a list of the wrong length is a point
  // problem naming the list.
  Parameters point = defaults_of(pairwise);
  point.set("encoding", std::string("longrope"));
  point.set("head_dim", 8.0);
  point.set("short_factor", std::string("1, 2, 3, 4"));
  point.set("long_factor", std::string("1, 2, 3"));
  EXPECT_EQ(pairwise.check_point(point),
            "long_factor must list head_dim / 2 = 4 factors, one per pair (got 3)");
  point.set("long_factor", std::string("1, 2, 3, 4.5"));
  EXPECT_EQ(pairwise.check_point(point), "");
}

TEST(EncodingBlock, EveryEncodingComputesFiniteMetricsInPairwise) {
  const Experiment& pairwise = experiment_by_name("pairwise");
  for (const std::string& encoding : encoding_names()) {
    for (double length : {512.0, 4096.0}) {
      Parameters point = defaults_of(pairwise);
      set_extension(point, length, 16);
      point.set("encoding", encoding);
      point.set("head_dim", 32.0);
      point.set("samples", 256.0);
      point.set("precision", std::string("bf16"));
      ASSERT_EQ(pairwise.check_point(point), "") << encoding;
      const std::vector<MetricValue> values = pairwise.compute(point, 5, 1);
      ASSERT_EQ(values.size(), pairwise.metrics().size());
      for (std::size_t m = 0; m < values.size(); ++m) {
        EXPECT_TRUE(std::isfinite(values[m].value) && std::isfinite(values[m].se))
            << encoding << " " << pairwise.metrics()[m].name;
        EXPECT_GE(values[m].value, 0.0) << encoding << " " << pairwise.metrics()[m].name;
      }
    }
  }
}

TEST(EncodingBlock, EveryEncodingComputesFiniteMetricsInTheProbe) {
  const Experiment& probe = experiment_by_name("probe");
  for (const std::string& encoding : encoding_names()) {
    for (double length : {300.0, 2000.0}) {
      Parameters point = defaults_of(probe);
      set_extension(point, length, 4);
      point.set("encoding", encoding);
      point.set("head_dim", 8.0);
      point.set("heads", 2.0);
      point.set("layers", 1.0);
      point.set("samples", 2.0);
      point.set("vocab", 50.0);
      ASSERT_EQ(probe.check_point(point), "") << encoding;
      const std::vector<MetricValue> values = probe.compute(point, 5, 1);
      ASSERT_EQ(values.size(), probe.metrics().size());
      for (std::size_t m = 0; m < values.size(); ++m) {
        EXPECT_TRUE(std::isfinite(values[m].value)) << encoding << " " << probe.metrics()[m].name;
        EXPECT_GE(values[m].value, 0.0) << encoding << " " << probe.metrics()[m].name;
        EXPECT_LE(values[m].value, 1.0) << encoding << " " << probe.metrics()[m].name;
      }
    }
  }
}

}  // namespace
}  // namespace ropesweep
