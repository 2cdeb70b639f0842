#include "ropesweep/experiments/shared_parameters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/model_table.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"

namespace ropesweep {
namespace {

// Upper bounds far beyond any model keep validation itself small: a head
// dimension sizes the frequency tables built when each point is checked.
constexpr double kMaxWidth = 65536;

using ModelValues = ParameterBinding<EncodingConfig>::PresetValues;

// The parameter values of a model row (docs/models.md); none for "none".
const ModelValues& model_values(const std::string& name) {
  static const ModelValues none;
  return name == "none" ? none : model_named(name).parameters;
}

std::vector<std::string> model_choices() {
  std::vector<std::string> choices{"none"};
  for (const std::string& name : model_names()) choices.push_back(name);
  return choices;
}

// A list of factors as a spec gives it: numbers > 0 separated by commas ("1, 1.5,
// 2.25"); the empty text is the empty list.
std::vector<double> parse_factors(const std::string& text) {
  std::vector<double> factors;
  if (text.find_first_not_of(" \t") == std::string::npos) return factors;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    char* end = nullptr;
    const double factor = std::strtod(item.c_str(), &end);
    const bool whole = !item.empty() && end == item.c_str() + item.size();
    if (!whole || !(factor > 0.0) || !std::isfinite(factor)) {
      throw Error("'" + item + "' is not a number > 0");
    }
    factors.push_back(factor);
    if (comma == text.size()) return factors;
    start = comma + 1;
  }
}

ParameterInfo factor_list_parameter(const std::string& name, const std::string& description) {
  ParameterInfo info = text_parameter(name, "", {}, description);
  info.check = {[](const Value& value) -> std::string {
                  const std::string problem =
                      error_message_of([&] { parse_factors(std::get<std::string>(value)); });
                  return problem.empty() ? ""
                                         : "must be numbers > 0 separated by commas: " + problem;
                },
                "numbers > 0, comma-separated"};
  return info;
}

// An encoding's own parameter (encoding_reads): its description ends with the
// encodings that take it, from their declaration in encoding.cpp.
ParameterInfo own(ParameterInfo info) {
  info.description += "; taken by " + join(encodings_reading(info.name));
  return info;
}

ParameterBinding<EncodingConfig> declare_encoding_parameters() {
  using C = EncodingConfig;
  ParameterBinding<C> block;
  block
      .add_preset(text_parameter("model", "none", model_choices(),
                                 "a released model's configuration (docs/models.md): its values "
                                 "replace the defaults of the parameters it sets"),
                  model_values)
      .add(text_parameter("encoding", "rope", encoding_names(), "position encoding of q and k"),
           &C::kind, parse_encoding)
      .add(real_parameter("base", 10000, greater_than(1), "", "RoPE base b"), &C::base)
      .add(integer_parameter("head_dim", 128, both(even_at_least_two(), at_most(kMaxWidth)),
                             "dimensions", "head dimension d"),
           &C::head_dim)
      .add(text_parameter("layout", "interleaved", {"interleaved", "half_split"},
                          "pair layout of rotary encodings (rope_half is always half_split)"),
           &C::layout, parse_layout)
      .add(real_parameter("rotary_fraction", 1, both(greater_than(0), at_most(1)), "",
                          "fraction of the head that rotates, frequencies spread over it "
                          "(a released model's partial rotary; docs/science.md#real-models)"),
           &C::rotary_fraction)
      .add(own(with_aliases(real_parameter("scale", 1, greater_than(0), "",
                                           "context extension factor s (transformers' factor)"),
                            {"factor"})),
           &C::scale)
      .add(own(with_aliases(real_parameter("train_length", 4096, at_least(2), "tokens",
                                           "training length: L_train of yarn's ramp, L0 of the "
                                           "others (transformers' original_max_position_embeddings)"),
                            {"original_max_position_embeddings"})),
           &C::train_length)
      .add(own(real_parameter("yarn_alpha", 1, at_least(0), "", "ramp lower bound alpha")),
           &C::yarn_alpha)
      .add(own(real_parameter("yarn_beta", 32, greater_than(0), "",
                              "ramp upper bound beta (> yarn_alpha)")),
           &C::yarn_beta)
      .add(own(real_parameter("partial_fraction", 1, within(0, 1), "",
                              "fraction of the (highest) frequencies that rotate")),
           &C::partial_fraction)
      .add(own(real_parameter("alibi_slope", 0, at_least(0), "",
                              "slope m; 0 takes head 0 of alibi_heads (Press et al.)")),
           &C::alibi_slope)
      .add(own(integer_parameter("alibi_heads", 8, both(at_least(1), at_most(kMaxWidth)), "heads",
                                 "head count H behind the default slope")),
           &C::alibi_heads)
      .add(own(real_parameter("low_freq_factor", 1, greater_than(0), "",
                              "pairs with L0 / wavelength below it are divided by s")),
           &C::low_freq_factor)
      .add(own(real_parameter("high_freq_factor", 4, greater_than(0), "",
                              "pairs with L0 / wavelength above it are kept (> low_freq_factor)")),
           &C::high_freq_factor)
      .add(own(real_parameter("beta_fast", 32, greater_than(0), "",
                              "pairs with L0 / wavelength above it keep theta (>= beta_slow)")),
           &C::beta_fast)
      .add(own(real_parameter("beta_slow", 1, greater_than(0), "",
                              "pairs with L0 / wavelength below it are divided by s")),
           &C::beta_slow)
      .add(own(real_parameter("mscale", 0, at_least(0), "",
                              "attention factor g(s, mscale) / g(s, mscale_all_dim) when both "
                              "are non-zero (DeepSeek); 0: not set")),
           &C::mscale)
      .add(own(real_parameter("mscale_all_dim", 0, at_least(0), "", "see mscale; 0: not set")),
           &C::mscale_all_dim)
      .add(own(flag_parameter("truncate", true,
                              "1: round the correction dimensions outward to whole pairs")),
           &C::truncate)
      .add(own(real_parameter("attention_factor", 0, at_least(0), "",
                              "the attention factor c itself; 0: derived from s")),
           &C::attention_factor)
      .add(own(factor_list_parameter(
               "short_factor", "per-pair factors f_t (theta_t / f_t) up to L0, one per pair")),
           &C::short_factor, parse_factors)
      .add(own(factor_list_parameter(
               "long_factor", "per-pair factors f_t (theta_t / f_t) beyond L0, one per pair")),
           &C::long_factor, parse_factors);
  return block;
}

}  // namespace

const ParameterBinding<EncodingConfig>& encoding_parameters() {
  static const ParameterBinding<EncodingConfig> block = declare_encoding_parameters();
  return block;
}

std::vector<UnreadParameter> unread_encoding_parameters(const Parameters& point) {
  // The encoding the point uses: a model's, unless the sweep sets its own.
  const EncodingKind kind =
      parse_encoding(encoding_parameters().with_presets(point).text("encoding"));
  std::vector<UnreadParameter> unread;
  for (const ParameterInfo& info : encoding_parameters().infos()) {
    if (encoding_reads(kind, info.name)) continue;
    const std::vector<std::string> readers = encodings_reading(info.name);
    unread.push_back({info.name, "encoding '" + encoding_name(kind) + "' does not take it; only " +
                                     join(readers) + (readers.size() == 1 ? " does" : " do")});
  }
  return unread;
}

ParameterInfo separation_parameter() {
  return real_parameter("separation", 0.25, within(0, 1, true), "",
                        "g: position pairs need r2 - r1 >= max(1, ceil(g L))");
}

ParameterInfo batch_samples_parameter() {
  return integer_parameter(
      "batch_samples", 0, at_least(0), "samples",
      "samples per batch, the part of a point one task computes (0: chosen from the point's "
      "cost); the last bits of an estimate merged from several batches depend on it");
}

}  // namespace ropesweep
