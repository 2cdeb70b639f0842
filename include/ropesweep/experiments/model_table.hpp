#pragma once
// The RoPE configurations of released models (docs/science.md#real-models): the
// table data/models.tsv, compiled into the program and parsed once, and what a
// grid point that names a model takes from its row. docs/models.md lists the rows
// and their sources.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep {

struct ModelRow {
  std::string name;
  double base = 0.0;    // rope_theta
  int head_dim = 0;     // d
  int rotary_dims = 0;  // d_rot: the first d_rot / 2 pairs rotate
  int heads = 0;        // query heads
  int kv_heads = 0;     // recorded, not modelled
  int layers = 0;
  std::string layout;     // interleaved | half_split
  std::string rope_type;  // Hugging Face rope_scaling type; "default" is none
  // The rope_scaling numbers the row gives, by transformers' name (factor,
  // low_freq_factor, ...); the factor lists are kept as written.
  std::map<std::string, double> scaling;
  std::string short_factor, long_factor;  // comma-separated, rotary_dims / 2 entries
  std::int64_t original_context = 0;      // L0; 0 when the row does not give it
  std::int64_t context = 0;               // advertised (max_position_embeddings)
  std::string source;
  int line = 0;  // the row's line in its table
  // The parameter values a point naming this model takes (docs/models.md):
  // every parameter the row fixes, by the name experiments declare it under.
  std::map<std::string, Value> parameters;
};

// The results file's group that records the rows a sweep names (docs/file-format.md);
// no experiment group may take its name.
inline constexpr const char* kModelTableGroup = "model_table";

// The rows of a table in the format of data/models.tsv. `where` names the table
// in messages; the first malformed row throws Error "where:line: ...".
std::vector<ModelRow> parse_model_table(const std::string& text, const std::string& where);

// The table compiled into the program.
const std::vector<ModelRow>& model_table();
std::vector<std::string> model_names();
// Throws Error listing the known names when `name` is not a row.
const ModelRow& model_named(const std::string& name);

// "llama3 factor=8 low_freq_factor=1 high_freq_factor=4", or "none"; factor lists
// shown by their length and range.
std::string rope_scaling_text(const ModelRow& row);

}  // namespace ropesweep
