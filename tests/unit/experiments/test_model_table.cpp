// The model table (data/models.tsv) and the `model` preset: what a point naming a
// model binds to, that the sweep's own values win, and that malformed tables are
// refused with one line naming the row.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/model_table.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/io/h5_file.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/physics/decay.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

// A point as the spec reader makes it: every parameter at its default, marked
// as one, then the values the sweep sets.
Parameters spec_point(const std::vector<ParameterInfo>& infos,
                      const std::map<std::string, Value>& set_by_sweep) {
  Parameters point;
  for (const ParameterInfo& info : infos) point.set_default(info.name, *info.default_value);
  for (const auto& [name, value] : set_by_sweep) point.set(name, value);
  return point;
}

EncodingConfig bind_encoding(const std::map<std::string, Value>& set_by_sweep) {
  const auto& block = encoding_parameters();
  return block.bind(spec_point(block.infos(), set_by_sweep));
}

bool encoding_exists(const std::string& name) {
  const std::vector<std::string> names = encoding_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string error_of(const std::string& table) {
  try {
    parse_model_table(table, "t.tsv");
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

const char kHeader[] =
    "name\tbase\thead_dim\trotary_dims\theads\tkv_heads\tlayers\tlayout\trope_type\tfactor\t"
    "low_freq_factor\thigh_freq_factor\tbeta_fast\tbeta_slow\tmscale\tmscale_all_dim\t"
    "short_factor\tlong_factor\toriginal_context\tcontext\tsource\n";

// The first negative distance of plain RoPE, straight from the physics.
std::int64_t rope_first_negative(double base, int head_dim) {
  EncodingConfig rope;
  rope.base = base;
  rope.head_dim = head_dim;
  return first_negative(Encoding(rope)).distance;
}

TEST(ModelTable, ParsesRowsAndTheirParameters) {
  const std::string table =
      std::string("# a comment\n\n") + kHeader +
      "tiny-llama3\t500000\t8\t8\t4\t2\t3\thalf_split\tllama3\t8\t1\t4\t-\t-\t-"
      "\t-\t-\t-\t8192\t131072\tsomewhere\n"
      "tiny-longrope\t10000\t8\t4\t2\t2\t1\tinterleaved\tlongrope\t-\t-\t-\t-"
      "\t-\t-\t-\t1,2\t3,4\t4096\t131072\telsewhere\n";
  const std::vector<ModelRow> rows = parse_model_table(table, "t.tsv");
  ASSERT_EQ(rows.size(), 2u);
  const ModelRow& llama = rows[0];
  EXPECT_EQ(llama.name, "tiny-llama3");
  EXPECT_EQ(llama.line, 4);
  EXPECT_EQ(llama.base, 5e5);
  EXPECT_EQ(llama.rotary_dims, 8);
  EXPECT_EQ(llama.scaling.at("factor"), 8.0);
  EXPECT_EQ(llama.original_context, 8192);
  EXPECT_EQ(llama.context, 131072);
  EXPECT_EQ(llama.parameters.at("encoding"), Value{std::string("llama3")});
  EXPECT_EQ(llama.parameters.at("scale"), Value{8.0});
  EXPECT_EQ(llama.parameters.at("low_freq_factor"), Value{1.0});
  EXPECT_EQ(llama.parameters.at("high_freq_factor"), Value{4.0});
  EXPECT_EQ(llama.parameters.at("train_length"), Value{8192.0});
  EXPECT_EQ(llama.parameters.at("heads"), Value{4.0});
  EXPECT_EQ(llama.parameters.at("layers"), Value{3.0});
  EXPECT_EQ(llama.parameters.at("layout"), Value{std::string("half_split")});
  EXPECT_EQ(llama.parameters.count("factor"), 0u);  // the encodings call it scale
  const ModelRow& longrope = rows[1];
  EXPECT_EQ(longrope.parameters.at("rotary_fraction"), Value{0.5});
  // No factor: s = context / original_context, as transformers derives it.
  EXPECT_EQ(longrope.parameters.at("scale"), Value{32.0});
  EXPECT_EQ(longrope.parameters.at("short_factor"), Value{std::string("1,2")});
  EXPECT_EQ(rope_scaling_text(llama), "llama3 factor=8 low_freq_factor=1 high_freq_factor=4");
  EXPECT_EQ(rope_scaling_text(longrope), "longrope short_factor=[2: 1..2] long_factor=[2: 3..4]");
}

TEST(ModelTable, MalformedRowsAreOneLineNamingTheRow) {
  const std::string good_row =
      "m\t10000\t8\t8\t4\t4\t2\thalf_split\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n";
  ASSERT_EQ(error_of(kHeader + good_row), "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"m\t10000\t8\t8\t4\t4\t2\thalf_split\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: 20 columns, expected 21 (tab-separated)"},
      {"m\t10000\t8\t8\t4\t4\t2\thalf_split\tlongrope\t-\t-\t-\t-\t-\t-\t-\t1,2,3,4\t1,2,3\t2048\t"
       "8192\tsrc\n",
       "t.tsv:2: model 'm': long_factor has 3 entries, expected 4 (rotary_dims / 2)"},
      {"m\t10000\t8\t8\t4\t4\t2\thalf_split\tntk\t2\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': unknown rope_type 'ntk' (known: default, linear, dynamic, yarn, "
       "longrope, llama3)"},
      {"m\t10000\t8\t8\t4\t4\t2\thalf_split\tllama3\t8\t1\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': rope_type llama3 needs high_freq_factor"},
      {"m\t10000\t8\t8\t4\t4\t2\thalf_split\tllama3\t8\t1\t4\t32\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': beta_fast does not apply to rope_type llama3"},
      {"m\t10000\t8\t6\t4\t4\t2\tsideways\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': unknown layout 'sideways' (known: interleaved, half_split)"},
      {"m\t10000\t8\t10\t4\t4\t2\thalf_split\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t-"
       "\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': head_dim and rotary_dims must be even, rotary_dims <= head_dim (got 8 "
       "and 10)"},
      {"m\tten\t8\t8\t4\t4\t2\thalf_split\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\tsrc\n",
       "t.tsv:2: model 'm': base 'ten' is not a number"},
      {good_row + good_row, "t.tsv:3: model 'm' appears twice"},
      {"Big\t10000\t8\t8\t4\t4\t2\thalf_split\tdefault\t-\t-\t-\t-\t-\t-\t-\t-\t-\t2048\t2048\ts\n",
       "t.tsv:2: model name 'Big' must be lower-case letters, digits, '.' and '-' (and not "
       "'none')"},
  };
  for (const auto& [rows, message] : cases) {
    const std::string error = error_of(kHeader + rows);
    EXPECT_EQ(error, message);
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  EXPECT_EQ(error_of("name\tbase\n" + good_row).rfind("t.tsv:1: the header must name", 0), 0u);
}

TEST(ModelTable, TheCompiledTableParses) {
  const std::vector<ModelRow>& rows = model_table();
  const std::vector<std::string> listed = model_names();
  const std::set<std::string> names(listed.begin(), listed.end());
  EXPECT_EQ(names.size(), rows.size());
  for (const char* required :
       {"llama-2-7b", "llama-3-8b", "llama-3.1-8b", "llama-3.2-1b", "mistral-7b-v0.1",
        "mistral-7b-v0.3", "qwen2.5-7b", "qwen2.5-7b-yarn", "qwen3-8b", "gemma-2-9b",
        "phi-3-mini-128k", "deepseek-v3", "gpt-neox-20b", "pythia-6.9b", "gpt-j-6b", "codellama-7b",
        "yi-34b"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
  for (const ModelRow& row : rows) EXPECT_FALSE(row.source.empty()) << row.name;
  try {
    model_named("llama-9");
    FAIL() << "no error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("unknown model 'llama-9' (known: llama-2-7b, llama-3-8b, ", 0), 0u)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

// Every row binds to a configuration the encodings accept. Rows whose encoding
// is not in this build yet (the Hugging Face variants arrive one by one) are
// counted and reported, not built.
TEST(ModelTable, EveryRowBuildsAValidEncoding) {
  int built = 0;
  std::string waiting;
  for (const ModelRow& row : model_table()) {
    const std::string encoding = std::get<std::string>(row.parameters.at("encoding"));
    if (!encoding_exists(encoding)) {
      waiting += " " + row.name + " (" + encoding + ")";
      continue;
    }
    EncodingConfig config = bind_encoding({{"model", row.name}});
    config.context_length = double(row.context);  // what an experiment sets from its length
    EXPECT_EQ(config.base, row.base) << row.name;
    EXPECT_EQ(config.head_dim, row.head_dim) << row.name;
    EXPECT_EQ(rotary_dims(config), row.rotary_dims) << row.name;
    const Encoding built_encoding(config);
    EXPECT_EQ(built_encoding.rotated_pairs(), row.rotary_dims / 2) << row.name;
    EXPECT_EQ(built_encoding.frequencies().size(), std::size_t(row.head_dim / 2)) << row.name;
    EXPECT_EQ(encoding_name(built_encoding.kind()), encoding) << row.name;
    ++built;
  }
  EXPECT_GE(built, 13);
  if (!waiting.empty()) std::cout << "rows waiting for their encoding:" << waiting << "\n";
}

// What a row sets must be what some experiment declares, once the row's encoding
// exists: a renamed parameter would otherwise be skipped without a word.
TEST(ModelTable, EveryValueARowSetsIsDeclared) {
  std::set<std::string> declared;
  for (const std::string& kind : experiment_names()) {
    for (const ParameterInfo& info : experiment_by_name(kind).parameters()) {
      declared.insert(info.name);
    }
  }
  for (const ModelRow& row : model_table()) {
    if (!encoding_exists(std::get<std::string>(row.parameters.at("encoding")))) continue;
    for (const auto& [name, value] : row.parameters) {
      EXPECT_TRUE(declared.count(name)) << row.name << " sets undeclared parameter " << name;
    }
  }
}

TEST(ModelPreset, Llama31BindsToItsPublishedConfiguration) {
  const EncodingConfig config = bind_encoding({{"model", std::string("llama-3.1-8b")}});
  EXPECT_EQ(config.base, 5e5);
  EXPECT_EQ(config.head_dim, 128);
  EXPECT_EQ(config.kind, EncodingKind::kLlama3);
  EXPECT_EQ(config.scale, 8.0);
  EXPECT_EQ(config.low_freq_factor, 1.0);
  EXPECT_EQ(config.high_freq_factor, 4.0);
  EXPECT_EQ(config.train_length, 8192.0);
  EXPECT_EQ(config.layout, PairLayout::kHalfSplit);
  EXPECT_EQ(config.rotary_fraction, 1.0);
  // docs/science.md: 29 pairs kept, 6 blended, 29 divided by s.
  const Encoding encoding(config);
  int kept = 0, divided = 0, blended = 0;
  for (int t = 0; t < 64; ++t) {
    const double theta = std::pow(5e5, -2.0 * t / 128);
    const double f = encoding.frequencies()[t];
    if (std::fabs(f - theta) <= 1e-15 * theta) {
      ++kept;
    } else if (std::fabs(f - theta / 8) <= 1e-15 * theta) {
      ++divided;
    } else {
      EXPECT_GT(f, theta / 8);
      EXPECT_LT(f, theta);
      ++blended;
    }
  }
  EXPECT_EQ(kept, 29);
  EXPECT_EQ(blended, 6);
  EXPECT_EQ(divided, 29);
}

// Smallest m >= 0 with sum over the first `pairs` frequencies of cos(m theta'_t) < 0.
std::int64_t first_negative_of(const std::vector<double>& frequencies, int pairs) {
  for (std::int64_t m = 0; m < 1000000; ++m) {
    double sum = 0.0;
    for (int t = 0; t < pairs; ++t) sum += std::cos(double(m) * frequencies[t]);
    if (sum < 0.0) return m;
  }
  return -1;
}

TEST(ModelPreset, YarnRowsBindToTransformersYarn) {
  // Qwen2.5's recipe (docs/science.md): correction range 23..40, attention factor
  // g(4) = 0.1 ln 4 + 1, and B first negative at 66,234.
  const Encoding qwen(bind_encoding({{"model", std::string("qwen2.5-7b-yarn")}}));
  EXPECT_EQ(encoding_name(qwen.kind()), "hf_yarn");
  EXPECT_NEAR(qwen.qk_scale(), 0.1 * std::log(4.0) + 1.0, 1e-15);
  for (int t = 0; t < 64; ++t) {
    const double theta = std::pow(1e6, -2.0 * t / 128);
    if (t <= 23) {
      EXPECT_NEAR(qwen.frequencies()[t], theta, 1e-15 * theta) << t;
    } else if (t >= 40) {
      EXPECT_NEAR(qwen.frequencies()[t], theta / 4, 1e-15 * theta) << t;
    }
  }
  EXPECT_EQ(first_negative_of(qwen.frequencies(), 64), 66234);

  // DeepSeek-V3: YaRN over the 64 rotary dimensions of a 192-dimensional head,
  // correction range 10..23 computed with d = 64; mscale = mscale_all_dim, so no
  // attention factor on q and k.
  const Encoding deepseek(bind_encoding({{"model", std::string("deepseek-v3")}}));
  EXPECT_EQ(deepseek.head_dim(), 192);
  EXPECT_EQ(deepseek.rotated_pairs(), 32);
  EXPECT_EQ(deepseek.layout(), PairLayout::kInterleaved);
  EXPECT_EQ(deepseek.qk_scale(), 1.0);
  for (int t = 0; t < 96; ++t) {
    const double theta = t < 32 ? std::pow(1e4, -2.0 * t / 64) : 0.0;
    if (t <= 10 || t >= 32) {
      EXPECT_NEAR(deepseek.frequencies()[t], theta, 1e-15) << t;
    } else if (t >= 23) {
      EXPECT_NEAR(deepseek.frequencies()[t], theta / 40, 1e-15) << t;
    }
  }
  // The rotary part alone turns negative at 4,119; the 64 pairs that do not
  // rotate keep the whole head's B above 32.
  EXPECT_EQ(first_negative_of(deepseek.frequencies(), 32), 4119);
}

TEST(ModelPreset, Phi3BindsToLongropeWithItsFactorLists) {
  EncodingConfig config = bind_encoding({{"model", std::string("phi-3-mini-128k")}});
  EXPECT_EQ(config.kind, EncodingKind::kLongrope);
  EXPECT_EQ(config.head_dim, 96);
  EXPECT_EQ(config.scale, 32.0);  // 131072 / 4096: the row gives no factor
  EXPECT_EQ(config.train_length, 4096.0);
  ASSERT_EQ(config.long_factor.size(), 48u);
  ASSERT_EQ(config.short_factor.size(), 48u);
  EXPECT_EQ(config.long_factor.front(), 1.0700000524520874);
  EXPECT_EQ(config.long_factor.back(), 64.76000213623047);
  EXPECT_EQ(config.short_factor.back(), 3.049999999999997);
  for (const double length : {2048.0, 131072.0}) {
    config.context_length = length;
    const Encoding encoding(config);
    // docs/science.md: s = 32, L0 = 4096 give c = 1.19024.
    EXPECT_NEAR(encoding.qk_scale(), 1.19024, 5e-6);
    const std::vector<double>& factors = length > 4096 ? config.long_factor : config.short_factor;
    for (int t = 0; t < 48; ++t) {
      const double theta = std::pow(1e4, -2.0 * t / 96);
      EXPECT_NEAR(encoding.frequencies()[t], theta / factors[t], 1e-15) << length << " " << t;
    }
  }
}

TEST(ModelPreset, TheSweepsValuesWin) {
  const EncodingConfig config = bind_encoding(
      {{"model", std::string("llama-3.1-8b")}, {"base", 1e4}, {"encoding", std::string("rope")}});
  EXPECT_EQ(config.base, 1e4);
  EXPECT_EQ(config.kind, EncodingKind::kRope);
  EXPECT_EQ(config.head_dim, 128);  // still the model's
  EXPECT_EQ(config.scale, 8.0);
  // Without a model, every default stays.
  const EncodingConfig plain = bind_encoding({});
  EXPECT_EQ(plain.base, 1e4);
  EXPECT_EQ(plain.kind, EncodingKind::kRope);
  EXPECT_EQ(plain.layout, PairLayout::kInterleaved);
}

TEST(ModelPreset, RotaryFractionSpreadsTheFrequenciesOverTheRotarySubspace) {
  const EncodingConfig config = bind_encoding({{"model", std::string("gpt-neox-20b")}});
  EXPECT_EQ(config.head_dim, 96);
  EXPECT_EQ(rotary_dims(config), 24);
  const Encoding encoding(config);
  ASSERT_EQ(encoding.frequencies().size(), 48u);
  for (int t = 0; t < 48; ++t) {
    const double expected = t < 12 ? std::pow(1e4, -2.0 * t / 24) : 0.0;
    EXPECT_NEAR(encoding.frequencies()[t], expected, 1e-15) << t;
  }
  // DeepSeek-V3: 64 of 192 dimensions, a fraction 1/3 that must not truncate to 62.
  EncodingConfig deepseek;
  deepseek.head_dim = 192;
  deepseek.rotary_fraction =
      std::get<double>(model_named("deepseek-v3").parameters.at("rotary_fraction"));
  EXPECT_EQ(rotary_dims(deepseek), 64);
}

TEST(ModelPreset, ExperimentsTakeWhatTheyDeclare) {
  // The probe takes heads and layers from the model; the pairwise experiment has
  // neither and binds all the same. Both price points by the model's head_dim.
  const Experiment& probe = experiment_by_name("probe");
  const Parameters probe_model =
      spec_point(probe.parameters(), {{"model", std::string("llama-3.2-1b")}, {"length", 64.0}});
  const Parameters probe_explicit =
      spec_point(probe.parameters(), {{"encoding", std::string("llama3")},
                                      {"base", 5e5},
                                      {"head_dim", 64.0},
                                      {"layout", std::string("half_split")},
                                      {"scale", 32.0},
                                      {"train_length", 8192.0},
                                      {"heads", 32.0},
                                      {"layers", 16.0},
                                      {"length", 64.0}});
  EXPECT_EQ(probe.check_point(probe_model), "");
  EXPECT_EQ(probe.work(probe_model), probe.work(probe_explicit));
  EXPECT_NE(probe.work(probe_model),
            probe.work(spec_point(probe.parameters(), {{"length", 64.0}})));

  const Experiment& pairwise = experiment_by_name("pairwise");
  const Parameters pairwise_model =
      spec_point(pairwise.parameters(), {{"model", std::string("llama-3.2-1b")}});
  EXPECT_EQ(pairwise.check_point(pairwise_model), "");
  EXPECT_EQ(pairwise.work(pairwise_model),
            pairwise.work(spec_point(pairwise.parameters(), {{"head_dim", 64.0}})));

  // decay takes the model's base and head dimension: Llama 3's first negative
  // distance is 18,438 (docs/science.md).
  const Experiment& decay = experiment_by_name("decay");
  const auto values =
      decay.compute(spec_point(decay.parameters(), {{"model", std::string("llama-3-8b")}}), 0, 0);
  EXPECT_EQ(values[0].value, 18438.0);
  EXPECT_EQ(values[0].value, double(rope_first_negative(5e5, 128)));
}

// Through the spec reader: a fixed model replaces the defaults in the group's
// fixed parameters (what the results file records), never a value the spec sets;
// with a model axis each point takes its own model's values.
TEST(ModelPreset, SpecReaderMarksDefaultsAndAFixedModelFillsThem) {
  const SpecResult fixed = parse_sweep(
      "seed: 1\nexperiments:\n  pairwise:\n    fixed: {model: llama-3.1-8b, base: 20000}\n"
      "    axes: {length: [4096]}\n",
      "spec.yaml");
  ASSERT_TRUE(fixed.ok()) << fixed.problems.front().problem();
  const Parameters& values = fixed.sweep.experiments.front().fixed;
  EXPECT_EQ(values.number("base"), 20000.0);
  EXPECT_FALSE(values.is_default("base"));
  EXPECT_EQ(values.number("scale"), 8.0);
  EXPECT_EQ(values.text("encoding"), "llama3");
  EXPECT_EQ(values.number("train_length"), 8192.0);
  EXPECT_EQ(values.number("head_dim"), 128.0);

  const SpecResult axis = parse_sweep(
      "seed: 1\nexperiments:\n  decay:\n    axes:\n      model: [llama-2-7b, yi-34b]\n"
      "      length: [4096]\n",
      "spec.yaml");
  ASSERT_TRUE(axis.ok()) << axis.problems.front().problem();
  const ExperimentGrid& grid = axis.sweep.experiments.front();
  EXPECT_EQ(grid.fixed.number("base"), 10000.0);  // the declared default
  const Experiment& decay = *grid.experiment;
  EXPECT_EQ(decay.effective_point(grid.point(0)).number("base"), 1e4);
  EXPECT_EQ(decay.effective_point(grid.point(1)).number("base"), 5e6);
  EXPECT_EQ(decay.compute(grid.point(1), 0, 0)[0].value, double(rope_first_negative(5e6, 128)));

  // The parameters a point reads follow the model's encoding: llama3 reads
  // low_freq_factor, plain RoPE reads no scale.
  const SpecResult reads = parse_sweep(
      "seed: 1\nexperiments:\n  pairwise:\n    fixed: {model: llama-3.1-8b, low_freq_factor: 2}\n"
      "    axes: {length: [4096]}\n",
      "spec.yaml");
  EXPECT_TRUE(reads.ok()) << reads.problems.front().problem();
  const SpecResult ignored = parse_sweep(
      "seed: 1\nexperiments:\n  pairwise:\n    fixed: {model: llama-2-7b, scale: 2}\n"
      "    axes: {length: [4096]}\n",
      "spec.yaml");
  ASSERT_EQ(ignored.problems.size(), 1u);
  EXPECT_NE(ignored.problems.front().problem().find("which no point reads"), std::string::npos)
      << ignored.problems.front().problem();

  const SpecResult unknown = parse_sweep(
      "seed: 1\nexperiments:\n  decay:\n    fixed: {model: llama-9}\n    axes: {length: [64]}\n",
      "spec.yaml");
  ASSERT_EQ(unknown.problems.size(), 1u);
  EXPECT_EQ(unknown.problems.front().problem().rfind("unknown model 'llama-9' (known: none, ", 0),
            0u)
      << unknown.problems.front().problem();
}

TEST(ModelPreset, AValueTheExperimentRefusesNamesTheModel) {
  // An encoding that refuses the model's values (partial with a partial rotary)
  // says which model set them.
  const Experiment& pairwise = experiment_by_name("pairwise");
  const std::string problem = pairwise.check_point(
      spec_point(pairwise.parameters(),
                 {{"model", std::string("gpt-neox-20b")}, {"encoding", std::string("partial")}}));
  EXPECT_NE(problem.find("rotary_fraction must be 1"), std::string::npos) << problem;
}

// The results file records the rows of the models a sweep names (a fixed model and a
// model axis), in the table's order, so that a reader needs no program to place them.
TEST(ModelTableInFile, RecordsTheRowsTheSweepNames) {
  const SpecResult spec = parse_sweep(
      "seed: 1\nexperiments:\n  a:\n    kind: decay\n    axes:\n"
      "      model: [yi-34b, llama-3.1-8b]\n  b:\n    kind: decay\n"
      "    fixed: {model: gpt-neox-20b}\n",
      "spec.yaml");
  ASSERT_TRUE(spec.ok()) << spec.problems.front().problem();
  const std::string path = ::testing::TempDir() + "/model-table.h5";
  create_output(path, spec.sweep, Provenance{});
  const h5::File file = h5::File::open(path, h5::Access::kRead);
  const h5::Group table = file.group(kModelTableGroup);
  const std::vector<std::string> names = table.dataset("name").read<std::string>();
  ASSERT_EQ(names, (std::vector<std::string>{"llama-3.1-8b", "gpt-neox-20b", "yi-34b"}));
  const std::vector<double> bases = table.dataset("base").read<double>();
  const std::vector<std::int64_t> contexts = table.dataset("context").read<std::int64_t>();
  const std::vector<std::int64_t> rotary = table.dataset("rotary_dims").read<std::int64_t>();
  const std::vector<std::string> scaling = table.dataset("rope_scaling").read<std::string>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const ModelRow& row = model_named(names[i]);
    EXPECT_EQ(bases[i], row.base);
    EXPECT_EQ(contexts[i], row.context);
    EXPECT_EQ(rotary[i], row.rotary_dims);
    EXPECT_EQ(scaling[i], rope_scaling_text(row));
  }
  EXPECT_EQ(contexts[0], 131072);  // Llama 3.1's advertised context
  EXPECT_EQ(rotary[1], 24);        // GPT-NeoX rotates a quarter of its 96 dimensions
  EXPECT_EQ(bases[2], 5e6);        // Yi-34B
}

// Without a model, no table.
TEST(ModelTableInFile, AbsentWithoutModels) {
  const SpecResult spec = parse_sweep(
      "seed: 1\nexperiments:\n  decay:\n    axes: {length: [64]}\n", "spec.yaml");
  ASSERT_TRUE(spec.ok());
  const std::string path = ::testing::TempDir() + "/no-model-table.h5";
  create_output(path, spec.sweep, Provenance{});
  EXPECT_FALSE(h5::File::open(path, h5::Access::kRead).exists(kModelTableGroup));
}

}  // namespace
}  // namespace ropesweep
