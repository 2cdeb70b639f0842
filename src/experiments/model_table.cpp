#include "ropesweep/experiments/model_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"

namespace ropesweep {

// data/models.tsv as text, generated into the build by CMake (src/experiments/CMakeLists.txt).
extern const char kModelTableText[];

namespace {

const std::vector<std::string> kColumns = {
    "name",         "base",        "head_dim",         "rotary_dims",
    "heads",        "kv_heads",    "layers",           "layout",
    "rope_type",    "factor",      "low_freq_factor",  "high_freq_factor",
    "beta_fast",    "beta_slow",   "mscale",           "mscale_all_dim",
    "short_factor", "long_factor", "original_context", "context",
    "source"};

// The rope_scaling numbers, by transformers' name, in column order.
const std::vector<std::string> kScalingKeys = {
    "factor",    "low_freq_factor", "high_freq_factor", "beta_fast",
    "beta_slow", "mscale",          "mscale_all_dim"};

// What each Hugging Face rope_scaling type needs and allows, and the encoding
// that computes it (docs/science.md#hugging-face-rope_scaling). "original_context"
// and the factor lists are named here as the keys they are in the table.
struct RopeType {
  std::string type;
  std::string encoding;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

const std::vector<RopeType>& rope_types() {
  static const std::vector<RopeType> types = {
      {"default", "rope", {}, {}},
      {"linear", "linear", {"factor"}, {}},
      {"dynamic", "dynamic", {"factor", "original_context"}, {}},
      {"yarn",
       "hf_yarn",
       {"factor", "original_context"},
       {"beta_fast", "beta_slow", "mscale", "mscale_all_dim"}},
      {"longrope", "longrope", {"short_factor", "long_factor", "original_context"}, {"factor"}},
      {"llama3",
       "llama3",
       {"factor", "low_freq_factor", "high_freq_factor", "original_context"},
       {}},
  };
  return types;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

constexpr const char* kAbsent = "-";

// One row being read: its cells by column, and errors that name the row.
class RowReader {
 public:
  RowReader(const std::vector<std::string>& cells, std::string where)
      : cells_(cells), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& problem) const { throw Error(where_ + problem); }

  const std::string& cell(const std::string& column) const {
    const auto it = std::find(kColumns.begin(), kColumns.end(), column);
    return cells_[static_cast<std::size_t>(it - kColumns.begin())];
  }
  bool given(const std::string& column) const { return cell(column) != kAbsent; }

  double number(const std::string& column) const { return parse_number(cell(column), column); }

  double parse_number(const std::string& text, const std::string& what) const {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value)) {
      fail(what + " '" + text + "' is not a number");
    }
    return value;
  }

  std::int64_t whole(const std::string& column, double minimum) const {
    const double value = number(column);
    if (std::floor(value) != value || value < minimum || value > 1e15) {
      fail(column + " must be a whole number >= " + format_number(minimum) + " (got " +
           cell(column) + ")");
    }
    return static_cast<std::int64_t>(value);
  }

  // A comma-separated list of positive numbers with `count` entries.
  void factor_list(const std::string& column, std::size_t count) const {
    std::size_t entries = 0;
    std::stringstream items(cell(column));
    for (std::string item; std::getline(items, item, ',');) {
      if (!(parse_number(item, column + " entry") > 0.0)) fail(column + " entries must be > 0");
      ++entries;
    }
    if (entries != count) {
      fail(column + " has " + std::to_string(entries) + " entries, expected " +
           std::to_string(count) + " (rotary_dims / 2)");
    }
  }

 private:
  const std::vector<std::string>& cells_;
  std::string where_;
};

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = line.find(separator); at != std::string::npos;
       at = line.find(separator, start)) {
    parts.push_back(line.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(line.substr(start));
  return parts;
}

bool valid_name(const std::string& name) {
  return !name.empty() && name != "none" &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos;
}

// What a point naming the row takes, by the names the experiments declare
// (docs/models.md, "Which parameters a model sets").
std::map<std::string, Value> parameters_of(const ModelRow& row, const RopeType& type) {
  std::map<std::string, Value> values;
  values["base"] = row.base;
  values["head_dim"] = double(row.head_dim);
  values["rotary_fraction"] = double(row.rotary_dims) / double(row.head_dim);
  values["layout"] = row.layout;
  values["encoding"] = type.encoding;
  values["heads"] = double(row.heads);
  values["layers"] = double(row.layers);
  if (row.original_context > 0) values["train_length"] = double(row.original_context);
  // The advertised context is the point's length unless the sweep sets one.
  values["length"] = double(row.context);
  for (const auto& [key, value] : row.scaling) values[key == "factor" ? "scale" : key] = value;
  // longrope without a factor: s = max_position_embeddings / L0, as transformers does.
  if (row.rope_type == "longrope" && !row.scaling.count("factor")) {
    values["scale"] = double(row.context) / double(row.original_context);
  }
  if (!row.short_factor.empty()) values["short_factor"] = row.short_factor;
  if (!row.long_factor.empty()) values["long_factor"] = row.long_factor;
  return values;
}

ModelRow read_row(const RowReader& reader, int line) {
  ModelRow row;
  row.line = line;
  row.name = reader.cell("name");
  row.base = reader.number("base");
  if (!(row.base > 1.0)) reader.fail("base must be > 1 (got " + reader.cell("base") + ")");
  row.head_dim = static_cast<int>(reader.whole("head_dim", 2));
  row.rotary_dims = static_cast<int>(reader.whole("rotary_dims", 2));
  if (row.head_dim % 2 || row.rotary_dims % 2 || row.rotary_dims > row.head_dim) {
    reader.fail("head_dim and rotary_dims must be even, rotary_dims <= head_dim (got " +
                reader.cell("head_dim") + " and " + reader.cell("rotary_dims") + ")");
  }
  row.heads = static_cast<int>(reader.whole("heads", 1));
  row.kv_heads = static_cast<int>(reader.whole("kv_heads", 1));
  if (row.kv_heads > row.heads) reader.fail("kv_heads must be <= heads");
  row.layers = static_cast<int>(reader.whole("layers", 1));
  row.layout = reader.cell("layout");
  if (row.layout != "interleaved" && row.layout != "half_split") {
    reader.fail("unknown layout '" + row.layout + "' (known: interleaved, half_split)");
  }
  row.rope_type = reader.cell("rope_type");
  const auto type = std::find_if(rope_types().begin(), rope_types().end(),
                                 [&](const RopeType& t) { return t.type == row.rope_type; });
  if (type == rope_types().end()) {
    std::vector<std::string> known;
    for (const RopeType& t : rope_types()) known.push_back(t.type);
    reader.fail("unknown rope_type '" + row.rope_type + "' (known: " + join(known) + ")");
  }
  std::vector<std::string> scaling_columns = kScalingKeys;
  scaling_columns.insert(scaling_columns.end(),
                         {"short_factor", "long_factor", "original_context"});
  for (const std::string& column : scaling_columns) {
    const bool wanted = contains(type->required, column) || contains(type->optional, column);
    if (reader.given(column) && !wanted && column != "original_context") {
      reader.fail(column + " does not apply to rope_type " + row.rope_type);
    }
    if (!reader.given(column) && contains(type->required, column)) {
      reader.fail("rope_type " + row.rope_type + " needs " + column);
    }
  }
  for (const std::string& key : kScalingKeys) {
    if (!reader.given(key)) continue;
    const double value = reader.number(key);
    if (!(value > 0.0)) reader.fail(key + " must be > 0 (got " + reader.cell(key) + ")");
    row.scaling[key] = value;
  }
  if (row.scaling.count("high_freq_factor") &&
      !(row.scaling.at("high_freq_factor") > row.scaling.at("low_freq_factor"))) {
    reader.fail("high_freq_factor must be > low_freq_factor");
  }
  for (const char* list : {"short_factor", "long_factor"}) {
    if (!reader.given(list)) continue;
    reader.factor_list(list, static_cast<std::size_t>(row.rotary_dims / 2));
    (std::string(list) == "short_factor" ? row.short_factor : row.long_factor) = reader.cell(list);
  }
  if (reader.given("original_context")) row.original_context = reader.whole("original_context", 2);
  row.context = reader.whole("context", 2);
  row.source = reader.cell("source");
  if (!reader.given("source") || row.source.empty()) reader.fail("source must be given");
  row.parameters = parameters_of(row, *type);
  return row;
}

}  // namespace

std::vector<ModelRow> parse_model_table(const std::string& text, const std::string& where) {
  std::vector<ModelRow> rows;
  std::set<std::string> names;
  bool header_seen = false;
  std::stringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string at = where + ":" + std::to_string(number) + ": ";
    const std::vector<std::string> cells = split(line, '\t');
    if (!header_seen) {
      if (cells != kColumns) throw Error(at + "the header must name the columns " + join(kColumns));
      header_seen = true;
      continue;
    }
    if (cells.size() != kColumns.size()) {
      throw Error(at + std::to_string(cells.size()) + " columns, expected " +
                  std::to_string(kColumns.size()) + " (tab-separated)");
    }
    if (!valid_name(cells[0])) {
      throw Error(at + "model name '" + cells[0] +
                  "' must be lower-case letters, digits, '.' and '-' (and not 'none')");
    }
    if (!names.insert(cells[0]).second) throw Error(at + "model '" + cells[0] + "' appears twice");
    rows.push_back(read_row(RowReader(cells, at + "model '" + cells[0] + "': "), number));
  }
  if (!header_seen) throw Error(where + ": no header line");
  return rows;
}

const std::vector<ModelRow>& model_table() {
  static const std::vector<ModelRow> rows = parse_model_table(kModelTableText, "data/models.tsv");
  return rows;
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const ModelRow& row : model_table()) names.push_back(row.name);
  return names;
}

const ModelRow& model_named(const std::string& name) {
  for (const ModelRow& row : model_table()) {
    if (row.name == name) return row;
  }
  throw Error("unknown model '" + name + "' (known: " + join(model_names()) + ")");
}

std::string rope_scaling_text(const ModelRow& row) {
  if (row.rope_type == "default") return "none";
  std::string text = row.rope_type;
  for (const std::string& key : kScalingKeys) {
    const auto it = row.scaling.find(key);
    if (it != row.scaling.end()) text += " " + key + "=" + format_number(it->second);
  }
  const auto add_list = [&](const char* name, const std::string& list) {
    if (list.empty()) return;
    const std::vector<std::string> items = split(list, ',');
    text += " " + std::string(name) + "=[" + std::to_string(items.size()) + ": " +
            format_significant(std::strtod(items.front().c_str(), nullptr), 3) + ".." +
            format_significant(std::strtod(items.back().c_str(), nullptr), 4) + "]";
  };
  add_list("short_factor", row.short_factor);
  add_list("long_factor", row.long_factor);
  return text;
}

}  // namespace ropesweep
