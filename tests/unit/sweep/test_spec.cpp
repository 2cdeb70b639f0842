#include <gtest/gtest.h>

#include "ropesweep/sweep/spec.hpp"
#include "toy_experiment.hpp"

namespace ropesweep {
namespace {

std::vector<std::string> problems_of(const std::string& text) {
  std::vector<std::string> lines;
  for (const SpecError& e : parse_sweep(text, "s.yaml").problems) lines.push_back(e.what());
  return lines;
}

TEST(AxisForms, LinspaceHasExactEnds) {
  EXPECT_EQ(detail::linspace(0, 1, 5), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(detail::linspace(3, 7, 1), (std::vector<double>{3}));
  EXPECT_THROW(detail::linspace(0, 1, 0), std::invalid_argument);
}

TEST(AxisForms, LogspaceIsPowersOfTen) {
  const auto values = detail::logspace(2, 5, 4);
  ASSERT_EQ(values.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(values[i], std::pow(10.0, 2 + i));
}

TEST(AxisForms, GeomspaceGivesWholePowersOfTwo) {
  const auto values = detail::geomspace(64, 65536, 11);
  ASSERT_EQ(values.size(), 11u);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(values[i], 64.0 * std::pow(2.0, i));
  EXPECT_THROW(detail::geomspace(0, 10, 3), std::invalid_argument);
  EXPECT_THROW(detail::geomspace(-1, 10, 3), std::invalid_argument);
  const auto negative = detail::geomspace(-1, -100, 3);
  EXPECT_EQ(negative, (std::vector<double>{-1, -10, -100}));
}

TEST(AxisForms, RangeExcludesStopDespiteRoundOff) {
  EXPECT_EQ(detail::range(0, 10, 3), (std::vector<double>{0, 3, 6, 9}));
  const auto tenths = detail::range(0.1, 0.5, 0.1);
  ASSERT_EQ(tenths.size(), 4u);
  EXPECT_DOUBLE_EQ(tenths.back(), 0.4);
  EXPECT_EQ(detail::range(5, 1, -2), (std::vector<double>{5, 3}));
  EXPECT_TRUE(detail::range(5, 1, 2).empty());
  EXPECT_THROW(detail::range(0, 1, 0), std::invalid_argument);
}

const char* const kGood = R"(# a comment
name: demo
seed: 42
experiments:
  toy:
    samples: 50
    fixed:
      rho: 0.5
    axes:
      base: [500, 1e4]
      zip:
        length: {geomspace: [64, 1024, 3]}
        separation: [0.5, 0.25, 0.125]
      encoding: [rope, nope]
  second:
    kind: toy
    axes:
      length: {range: [4, 13, 4]}
)";

TEST(Spec, GoodSpecExpandsToGrids) {
  const SpecResult result = parse_sweep(kGood, "s.yaml");
  ASSERT_TRUE(result.ok()) << result.problems.front().what();
  const Sweep& sweep = result.sweep;
  EXPECT_EQ(sweep.name, "demo");
  EXPECT_EQ(sweep.seed, 42u);
  ASSERT_EQ(sweep.experiments.size(), 2u);
  const ExperimentGrid& toy = sweep.experiments[0];
  EXPECT_EQ(toy.name, "toy");
  EXPECT_EQ(toy.kind, "toy");
  EXPECT_EQ(toy.shape(), (std::vector<std::uint64_t>{2, 3, 2}));
  EXPECT_EQ(toy.axis_names(),
            (std::vector<std::string>{"base", "length", "separation", "encoding"}));
  const Parameters p = toy.point(toy.point_index({1, 2, 1}));
  EXPECT_EQ(p.number("base"), 1e4);
  EXPECT_EQ(p.integer("length"), 1024);
  EXPECT_EQ(p.number("separation"), 0.125);
  EXPECT_EQ(p.text("encoding"), "nope");
  EXPECT_EQ(p.integer("samples"), 50);
  EXPECT_EQ(p.number("rho"), 0.5);
  EXPECT_EQ(p.integer("head_dim"), 128);  // the experiment's default
  // Defaults are marked as such (a preset may replace them); set values are not.
  EXPECT_TRUE(p.is_default("head_dim"));
  EXPECT_FALSE(p.is_default("rho"));
  EXPECT_FALSE(p.is_default("base"));
  EXPECT_FALSE(p.is_default("samples"));
  const ExperimentGrid& second = sweep.experiments[1];
  EXPECT_EQ(second.kind, "toy");
  EXPECT_EQ(second.shape(), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(second.point(2).integer("length"), 12);
  EXPECT_EQ(sweep.point_count(), 15u);
  EXPECT_EQ(sweep.text, kGood);
}

TEST(Spec, NameDefaultsToFileStem) {
  const SpecResult result =
      parse_sweep("seed: 1\nexperiments:\n  toy: {fixed: {length: 8}}\n", "dir/my.sweep.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.sweep.name, "my.sweep");
  EXPECT_EQ(result.sweep.experiments[0].point_count(), 1u);
}

TEST(Spec, CanonicalFormIgnoresFormattingButNotValues) {
  const std::string reformatted = std::string(kGood) + "\n# trailing comment\n";
  const std::string a = canonical_form(parse_sweep(kGood, "a.yaml").sweep);
  EXPECT_EQ(a, canonical_form(parse_sweep(reformatted, "b.yaml").sweep));
  std::string changed = kGood;
  changed.replace(changed.find("seed: 42"), 8, "seed: 43");
  EXPECT_NE(a, canonical_form(parse_sweep(changed, "a.yaml").sweep));
  changed = kGood;
  changed.replace(changed.find("[500, 1e4]"), 10, "[500, 2e4]");
  EXPECT_NE(a, canonical_form(parse_sweep(changed, "a.yaml").sweep));
}

// The canonical form is stored in results files and compared on resume: its text
// must never change for the same spec.
TEST(Spec, CanonicalFormTextIsFixed) {
  const SpecResult result = parse_sweep(R"(seed: 7
experiments:
  g:
    kind: toy
    samples: 3
    fixed: {rho: 0.1}
    axes:
      length: {linspace: [8, 16, 3]}
      zip:
        base: [1.5, 1e4]
        encoding: [rope, alibi]
  h: {type: toy, fixed: {length: 4}}
)",
                                        "s.yaml");
  ASSERT_TRUE(result.ok()) << result.problems.front().what();
  EXPECT_EQ(canonical_form(result.sweep),
            "seed 7\n"
            "experiment g kind toy\n"
            " dimension length=[8,12,16]\n"
            " dimension base=[1.5,10000] encoding=[\"rope\",\"alibi\"]\n"
            " fixed head_dim=128\n"
            " fixed rho=0.10000000000000001\n"
            " fixed samples=3\n"
            " fixed separation=0.25\n"
            "experiment h kind toy\n"
            " fixed base=10000\n"
            " fixed encoding=\"rope\"\n"
            " fixed head_dim=128\n"
            " fixed length=4\n"
            " fixed rho=1\n"
            " fixed samples=100\n"
            " fixed separation=0.25\n");
}

TEST(Spec, EveryProblemIsReportedWithLineAndColumn) {
  const auto lines = problems_of(R"(seed: 7
colour: blue
experiments:
  toy:
    samples: many
    fixed:
      rho: 1.5
      heads: 4
    axes:
      head_dim: [64, 63]
      base: [1, 10]
      length: [1]
      encoding: [rope, xpos]
      separation: []
      verbose: [1]
  other:
    kind: nosuch
)");
  std::vector<std::string> expected = {
      "s.yaml:2:1: unknown top-level key 'colour' (known: name, seed, experiments, max_points)",
      "s.yaml:5:14: samples must be a number, got 'many'",
      "s.yaml:7:12: rho must be in [0, 1] (got 1.5)",
      "s.yaml:8:7: fixed parameter 'heads' is not a parameter of experiment 'toy' (its "
      "parameters: base, head_dim, length, encoding, rho, separation, samples)",
      "s.yaml:10:22: head_dim must be even and >= 2 (got 63)",
      "s.yaml:11:14: base must be > 1 (got 1)",
      "s.yaml:12:16: length must be >= 2 (got 1)",
      "s.yaml:13:24: unknown encoding 'xpos' (known: rope, nope, alibi)",
      "s.yaml:14:19: axis 'separation' is empty",
      "s.yaml:15:7: axis 'verbose' is not a parameter of experiment 'toy' (its parameters: base, "
      "head_dim, length, encoding, rho, separation, samples)",
  };
  std::string known;
  for (const std::string& name : experiment_names()) known += (known.empty() ? "" : ", ") + name;
  expected.push_back("s.yaml:17:11: unknown experiment kind 'nosuch' (known: " + known + ")");
  EXPECT_EQ(lines, expected);
}

TEST(Spec, StructuralProblems) {
  EXPECT_EQ(problems_of("experiments: {toy: {fixed: {length: 8}}}\n"),
            std::vector<std::string>{"s.yaml:1:1: missing 'seed' (a non-negative integer)"});
  EXPECT_EQ(problems_of("seed: -3\nexperiments: {toy: {fixed: {length: 8}}}\n"),
            std::vector<std::string>{"s.yaml:1:7: seed must be a non-negative integer, got '-3'"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy: {}\n"),
            std::vector<std::string>{"s.yaml:3:3: experiment 'toy' needs parameter 'length' (no "
                                     "default): set it under fixed: or axes:"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {length: 8}\n"
                        "    axes: {length: [8, 16]}\n"),
            std::vector<std::string>{
                "s.yaml:5:12: parameter 'length' is set twice (also at s.yaml:4:13)"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {length: [8, 9]}\n"),
            std::vector<std::string>{"s.yaml:4:21: fixed parameter 'length' takes one value; a "
                                     "list of values belongs under axes:"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    rho: 1\n    fixed: {length: 8}\n"),
            std::vector<std::string>{"s.yaml:4:5: unknown key 'rho' in an experiment (known: "
                                     "kind, type, samples, fixed, axes)"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    axes: {length: 8}\n"),
            std::vector<std::string>{
                "s.yaml:4:20: axis 'length' must be a list of values or one of {linspace, "
                "logspace, geomspace, range: [...]}; a single value belongs under fixed:"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    axes: {length: [8, 8]}\n"),
            std::vector<std::string>{"s.yaml:4:20: axis 'length' has the value 8 twice"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  frontier: {kind: toy, fixed: {length: 8}}\n"),
            std::vector<std::string>{
                "s.yaml:3:3: experiment group name 'frontier' must start with a letter or '_', "
                "use only letters, digits, '_' and '-', and not be 'frontier' or 'model_table'"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments: [toy]\n"),
            std::vector<std::string>{"s.yaml:2:14: experiments must be a non-empty mapping from "
                                     "group name to experiment"});
}

TEST(Spec, YamlSyntaxErrorHasLocation) {
  const auto lines = problems_of("seed: 1\nexperiments:\n  toy: {fixed: [}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("s.yaml:3:", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("YAML syntax error"), std::string::npos);
}

TEST(Spec, AxisFormProblems) {
  EXPECT_EQ(
      problems_of("seed: 1\nexperiments:\n  toy:\n    axes:\n"
                  "      length: {logspace: [1, 3]}\n"),
      std::vector<std::string>{"s.yaml:5:26: logspace takes three numbers: [first, last, count]"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    axes:\n"
                        "      length: {steps: [1, 3, 2]}\n"),
            std::vector<std::string>{"s.yaml:5:16: unknown axis form 'steps' (known: linspace, "
                                     "logspace, geomspace, range, or a list of values)"});
  EXPECT_EQ(
      problems_of("seed: 1\nexperiments:\n  toy:\n    axes:\n"
                  "      length: {range: [8, 2, 1]}\n"),
      std::vector<std::string>{"s.yaml:5:23: axis 'length' is empty (range gives no values)"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {length: 8}\n    axes:\n"
                        "      rho: {linspace: [0, 2, 3]}\n"),
            std::vector<std::string>{"s.yaml:6:23: rho must be in [0, 1] (got 2) from linspace"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {length: 8}\n    axes:\n"
                        "      encoding: {linspace: [0, 2, 3]}\n"),
            std::vector<std::string>{
                "s.yaml:6:18: axis 'encoding' takes text values; give them as a list"});
  // Integer parameters take the nearest whole number of generated values.
  const SpecResult rounded = parse_sweep(
      "seed: 1\nexperiments:\n  toy:\n    axes:\n      length: {geomspace: [100, 1000, 3]}\n",
      "s.yaml");
  ASSERT_TRUE(rounded.ok());
  EXPECT_EQ(rounded.sweep.experiments[0].point(1).integer("length"), 316);
}

TEST(Spec, ZipProblems) {
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    axes:\n      zip:\n"
                        "        length: [8, 16]\n        rho: [0, 0.5, 1]\n"),
            std::vector<std::string>{"s.yaml:7:9: zip axes must have equal lengths: 'rho' has 3 "
                                     "values, 'length' has 2"});
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    axes:\n      zip: {length: [8]}\n"),
            (std::vector<std::string>{
                "s.yaml:3:3: experiment 'toy' needs parameter 'length' (no default): set it under "
                "fixed: or axes:",
                "s.yaml:5:12: a zip group needs a mapping of at least two axes"}));
  const SpecResult two_groups = parse_sweep(
      "seed: 1\nexperiments:\n  toy:\n    axes:\n      zip:\n"
      "        - {length: [8, 16], base: [10, 20]}\n        - {rho: [0, 1], encoding: [rope, "
      "nope]}\n",
      "s.yaml");
  ASSERT_TRUE(two_groups.ok());
  EXPECT_EQ(two_groups.sweep.experiments[0].shape(), (std::vector<std::uint64_t>{2, 2}));
}

TEST(Spec, AParameterNoPointReadsIsAnError) {
  // Set away from its default while every point's encoding ignores it.
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n"
                        "    fixed: {length: 8, encoding: nope, rho: 0.5}\n"),
            std::vector<std::string>{"s.yaml:4:40: experiment 'toy' sets rho = 0.5, which no "
                                     "point reads (encoding 'nope' does not take it)"});
  // On an axis: the message names the first value away from the default.
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n"
                        "    fixed: {length: 8, encoding: nope}\n    axes: {rho: [1, 0.25]}\n"),
            std::vector<std::string>{"s.yaml:5:12: experiment 'toy' sets rho = 0.25, which no "
                                     "point reads (encoding 'nope' does not take it)"});
  // Read by some points of the grid, or left at its default: fine.
  EXPECT_TRUE(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {length: 8, rho: 0.5}\n"
                          "    axes: {encoding: [nope, rope]}\n")
                  .empty());
  EXPECT_TRUE(problems_of("seed: 1\nexperiments:\n  toy:\n"
                          "    fixed: {length: 8, encoding: nope, rho: 1}\n")
                  .empty());
}

TEST(Spec, PointChecksAndGridLimit) {
  EXPECT_EQ(problems_of("seed: 1\nexperiments:\n  toy:\n    fixed: {separation: 0.1}\n"
                        "    axes: {length: [4, 8, 16]}\n"),
            (std::vector<std::string>{"s.yaml:3:3: experiment 'toy' point {length=4}: "
                                      "separation * length must be >= 1",
                                      "s.yaml:3:3: experiment 'toy' point {length=8}: "
                                      "separation * length must be >= 1"}));
  const std::string big =
      "seed: 1\nexperiments:\n  toy:\n    axes:\n"
      "      length: {range: [2, 10002, 1]}\n"
      "      base: {linspace: [2, 3, 20000]}\n";
  EXPECT_EQ(problems_of(big),
            std::vector<std::string>{"s.yaml:3:3: the sweep has 2e+08 points, above the limit of "
                                     "1e+08 (raise it with max_points: or --max-points)"});
  SpecOptions options;
  options.max_points = 1000;
  const SpecResult limited = parse_sweep(
      "seed: 1\nexperiments:\n  toy:\n    fixed: {separation: 0.5}\n"
      "    axes: {length: {range: [2, 2000, 1]}}\n",
      "s.yaml", options);
  ASSERT_EQ(limited.problems.size(), 1u);
  EXPECT_NE(std::string(limited.problems[0].what()).find("1998 points"), std::string::npos);
}

}  // namespace
}  // namespace ropesweep
