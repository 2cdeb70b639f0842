#include "ropesweep/experiments/shared_parameters.hpp"

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
      .add(real_parameter("scale", 1, greater_than(0), "",
                          "context extension factor s of pi, linear, ntk, yarn and llama3 "
                          "(transformers' factor)"),
           &C::scale)
      .add(real_parameter("train_length", 4096, at_least(2), "tokens",
                          "training length: L_train of yarn's ramp, L0 of llama3 "
                          "(transformers' original_max_position_embeddings)"),
           &C::train_length)
      .add(real_parameter("yarn_alpha", 1, at_least(0), "", "yarn ramp lower bound alpha"),
           &C::yarn_alpha)
      .add(real_parameter("yarn_beta", 32, greater_than(0), "",
                          "yarn ramp upper bound beta (> yarn_alpha)"),
           &C::yarn_beta)
      .add(real_parameter("partial_fraction", 1, within(0, 1), "",
                          "partial: fraction of the (highest) frequencies that rotate"),
           &C::partial_fraction)
      .add(real_parameter("alibi_slope", 0, at_least(0), "",
                          "alibi: slope m; 0 takes head 0 of alibi_heads (Press et al.)"),
           &C::alibi_slope)
      .add(integer_parameter("alibi_heads", 8, both(at_least(1), at_most(kMaxWidth)), "heads",
                             "alibi: head count H behind the default slope"),
           &C::alibi_heads)
      .add(real_parameter("low_freq_factor", 1, greater_than(0), "",
                          "llama3: pairs with L0 / wavelength below it are divided by s"),
           &C::low_freq_factor)
      .add(real_parameter("high_freq_factor", 4, greater_than(0), "",
                          "llama3: pairs with L0 / wavelength above it are kept (> "
                          "low_freq_factor)"),
           &C::high_freq_factor);
  return block;
}

}  // namespace

const ParameterBinding<EncodingConfig>& encoding_parameters() {
  static const ParameterBinding<EncodingConfig> block = declare_encoding_parameters();
  return block;
}

ParameterInfo separation_parameter() {
  return real_parameter("separation", 0.25, within(0, 1, true), "",
                        "g: position pairs need r2 - r1 >= max(1, ceil(g L))");
}

}  // namespace ropesweep
