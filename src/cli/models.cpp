// `ropesweep models`: the released models a sweep can name with `model:` (the
// table data/models.tsv compiled into the program; docs/models.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/model_table.hpp"

namespace ropesweep::cli {
namespace {

std::string whole(std::int64_t value) { return value > 0 ? std::to_string(value) : "-"; }

std::string scaling_value(const ModelRow& row, const std::string& key) {
  const auto it = row.scaling.find(key);
  return it == row.scaling.end() ? "" : format_number(it->second);
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void print_csv(const std::vector<ModelRow>& rows) {
  const std::vector<std::string> keys = {"factor",        "low_freq_factor", "high_freq_factor",
                                         "beta_fast",     "beta_slow",       "mscale",
                                         "mscale_all_dim"};
  std::cout << "name,base,head_dim,rotary_dims,rotary_fraction,heads,kv_heads,layers,layout,"
               "rope_type";
  for (const std::string& key : keys) std::cout << "," << key;
  std::cout << ",short_factor,long_factor,original_context,context,source\n";
  for (const ModelRow& row : rows) {
    std::cout << row.name << "," << format_number(row.base) << "," << row.head_dim << ","
              << row.rotary_dims << "," << format_number(double(row.rotary_dims) / row.head_dim)
              << "," << row.heads << "," << row.kv_heads << "," << row.layers << "," << row.layout
              << "," << row.rope_type;
    for (const std::string& key : keys) std::cout << "," << scaling_value(row, key);
    std::cout << "," << csv_field(row.short_factor) << "," << csv_field(row.long_factor) << ","
              << (row.original_context > 0 ? std::to_string(row.original_context) : "") << ","
              << row.context << "," << csv_field(row.source) << "\n";
  }
}

// The table of docs/models.md, which a test keeps equal to this output.
void print_markdown(const std::vector<ModelRow>& rows) {
  const auto cell = [](std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
      text.replace(at, 1, "\\|");
    }
    return text;
  };
  std::cout << "| model | base | head_dim | rotary dims | heads / kv / layers | layout | "
               "rope_scaling | L0 | context | source |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const ModelRow& row : rows) {
    std::cout << "| `" << row.name << "` | " << format_number(row.base) << " | " << row.head_dim
              << " | " << row.rotary_dims << " | " << row.heads << " / " << row.kv_heads << " / "
              << row.layers << " | " << row.layout << " | " << cell(rope_scaling_text(row)) << " | "
              << whole(row.original_context) << " | " << row.context << " | " << cell(row.source)
              << " |\n";
  }
}

void print_table(const std::vector<ModelRow>& rows) {
  const std::vector<std::string> header = {"name",    "base",        "head_dim", "rotary",
                                           "heads",   "layers",      "layout",   "L0",
                                           "context", "rope_scaling"};
  std::vector<std::vector<std::string>> cells;
  for (const ModelRow& row : rows) {
    cells.push_back({row.name, format_number(row.base), std::to_string(row.head_dim),
                     std::to_string(row.rotary_dims), std::to_string(row.heads),
                     std::to_string(row.layers), row.layout, whole(row.original_context),
                     std::to_string(row.context), rope_scaling_text(row)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  // Names, layout and the scaling read left-aligned; numbers right-aligned.
  const auto left = [](std::size_t column) { return column == 0 || column == 6 || column == 9; };
  const auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const std::string pad(width[i] - line[i].size(), ' ');
      text +=
          (i ? "  " : "") + (left(i) ? line[i] + (i + 1 < line.size() ? pad : "") : pad + line[i]);
    }
    std::cout << text << "\n";
  };
  print_line(header);
  for (const auto& line : cells) print_line(line);
  std::cout << "\nrotary: dimensions that rotate (rotary_fraction = rotary / head_dim); "
               "L0: original_max_position_embeddings or the pretraining length\n\nsources:\n";
  for (const ModelRow& row : rows) std::cout << "  " << row.name << ": " << row.source << "\n";
}

CommandAction setup_models(CLI::App& app) {
  auto* command = app.add_subcommand(
      "models", "List the released models a sweep can name with `model:` and their RoPE settings");
  auto format = std::make_shared<std::string>("table");
  command
      ->add_option("--format", *format,
                   "table, csv (every column of the model table) or markdown (the table of "
                   "docs/models.md)")
      ->check(CLI::IsMember({"table", "csv", "markdown"}))
      ->capture_default_str();
  return [format] {
    if (*format == "csv") {
      print_csv(model_table());
    } else if (*format == "markdown") {
      print_markdown(model_table());
    } else {
      print_table(model_table());
    }
    return 0;
  };
}

const CommandRegistrar registrar("models", setup_models);

}  // namespace
}  // namespace ropesweep::cli
