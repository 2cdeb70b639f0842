// `ropesweep decay` and `ropesweep bmin`: the long-term-decay tables of docs/science.md,
// computed on the spot without MPI or files, for every encoding with frequencies.
#include "ropesweep/physics/decay.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/parameters.hpp"
#include "ropesweep/experiments/shared_parameters.hpp"
#include "ropesweep/physics/encoding.hpp"

namespace ropesweep::cli {
namespace {

std::string number(double value, int digits = 10) {
  if (std::isnan(value)) return "nan";
  return format_significant(value, digits);
}

// Prints rows either as CSV or as a right-aligned text table.
void print_rows(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, const std::string& format) {
  if (format == "csv") {
    for (std::size_t i = 0; i < header.size(); ++i) std::cout << (i ? "," : "") << header[i];
    std::cout << "\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) std::cout << (i ? "," : "") << row[i];
      std::cout << "\n";
    }
    return;
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::cout << (i ? "  " : "") << std::string(width[i] - cells[i].size(), ' ') << cells[i];
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

// The encoding options both commands share: every parameter of the sweeps' encoding
// block (shared_parameters.hpp), named after it with dashes (--train-length for
// train_length; --dim for head_dim), checked by its own rule. A --model fills the
// parameters not given, as in a spec.
struct EncodingOptions {
  std::map<std::string, std::string> given;  // parameter name -> text on the command line
};

std::string option_name(const std::string& parameter) {
  if (parameter == "head_dim") return "--dim";
  std::string name = "--" + parameter;
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// `except`: parameters the command does not take (bmin varies the base) or takes in
// its own form (bmin's list of dimensions).
void add_encoding_options(CLI::App* command, EncodingOptions& options,
                          const std::vector<std::string>& except) {
  for (const ParameterInfo& info : encoding_parameters().infos()) {
    if (std::find(except.begin(), except.end(), info.name) != except.end()) continue;
    std::string help = info.description;
    if (info.default_value) help += " [" + to_string(*info.default_value) + "]";
    const std::string name = info.name;
    command->add_option_function<std::string>(
        option_name(name), [&options, name](const std::string& text) { options.given[name] = text; },
        help);
  }
}

// The point the options describe: the block's defaults, a model's values for those not
// given, and the given ones, each checked as a spec's value is.
Parameters encoding_point(const EncodingOptions& options) {
  Parameters point;
  for (const ParameterInfo& info : encoding_parameters().infos()) {
    point.set_default(info.name, *info.default_value);
    const auto given = options.given.find(info.name);
    if (given == options.given.end()) continue;
    Value value = given->second;
    if (info.kind != ValueKind::kString) {
      char* end = nullptr;
      const double number = std::strtod(given->second.c_str(), &end);
      if (given->second.empty() || *end != '\0' || !std::isfinite(number)) {
        throw UsageError(option_name(info.name) + " must be a number, got '" + given->second + "'");
      }
      value = number;
    }
    const std::string problem = value_problem(info, value);
    if (!problem.empty()) throw UsageError(option_name(info.name) + ": " + problem);
    point.set(info.name, value);
  }
  return encoding_parameters().with_presets(point);
}

// The configuration at a context length, checked here (require_decay) so that a bad value
// reads as a usage error.
EncodingConfig encoding_config(const Parameters& point, double context_length, bool over_bases) {
  EncodingConfig config = encoding_parameters().bind(point);
  config.context_length = context_length;
  try {
    require_decay(config, over_bases);
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
  return config;
}

// "model=... encoding=... " and the parameters of the encoding's own that it reads, but
// those in `shown` (printed by the command already).
std::string encoding_text(const Parameters& point, const std::vector<std::string>& shown) {
  std::ostringstream text;
  if (point.text("model") != "none") text << "model=" << point.text("model") << " ";
  const EncodingKind kind = parse_encoding(point.text("encoding"));
  text << "encoding=" << encoding_name(kind);
  for (const ParameterInfo& info : encoding_parameters().infos()) {
    if (encodings_reading(info.name).empty() || !encoding_reads(kind, info.name)) continue;
    if (std::find(shown.begin(), shown.end(), info.name) != shown.end()) continue;
    const Value& value = point.get(info.name);
    text << " " << info.name << "="
         << (info.kind == ValueKind::kString ? std::get<std::string>(value)
                                             : number(std::get<double>(value)));
  }
  return text.str();
}

struct DecayOptions {
  double length = 100000.0;
  long long cap = kDefaultFirstNegativeCap;
  std::string format = "table";
  EncodingOptions encoding;
};

CommandAction setup_decay(CLI::App& app) {
  auto options = std::make_shared<DecayOptions>();
  CLI::App* command = app.add_subcommand(
      "decay",
      "Rotation table (t, theta, wavelength, turns over --length), first negative "
      "distance of B(m) and critical dimension for one base and encoding");
  command->add_option("--length", options->length, "context length L for the turn counts")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--cap", options->cap, "largest distance searched for B(m) < 0")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  add_encoding_options(command, options->encoding, {});
  return [options]() {
    const DecayOptions& o = *options;
    const Parameters point = encoding_point(o.encoding);
    const EncodingConfig config = encoding_config(point, o.length, false);
    const Encoding encoding(config);
    const FirstNegative negative = first_negative(encoding, o.cap);
    const int critical = critical_dim(encoding, config.train_length);
    // Scalars first, as '#' comment lines, so the CSV body stays one rectangular table
    // (pandas: read_csv(..., comment="#")).
    std::cout << "# base=" << number(config.base) << " dim=" << config.head_dim
              << " length=" << number(o.length) << " train_length=" << number(config.train_length)
              << " " << encoding_text(point, {"train_length"}) << "\n";
    std::cout << "# first_negative=";
    if (negative.capped) {
      std::cout << "none below cap " << negative.cap << "\n";
    } else {
      std::cout << negative.distance << "\n";
    }
    std::cout << "# critical_dim=" << critical << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const RotationRow& row : rotation_table(encoding, o.length)) {
      rows.push_back(
          {std::to_string(row.t), number(row.theta), number(row.wavelength), number(row.turns)});
    }
    print_rows({"t", "theta", "wavelength", "turns"}, rows, o.format);
    return 0;
  };
}

struct BminOptions {
  std::vector<int> dims;  // empty: the head dimension of --model, or the default
  std::vector<long long> lengths{1024, 4096, 16384, 65536};
  double tolerance = kDefaultTolerance;
  std::string extent = "all_above";
  bool pockets = false;
  std::string format = "table";
  EncodingOptions encoding;
};

CommandAction setup_bmin(CLI::App& app) {
  auto options = std::make_shared<BminOptions>();
  CLI::App* command = app.add_subcommand(
      "bmin",
      "Certified smallest base with B(m) >= 0 on [0, L] (b_min), the admissible pockets "
      "below the first wide admissible stretch, and the base above which every base is "
      "admissible (b_all_above); docs/science.md#certified-minimal-base");
  command->add_option("--dim", options->dims,
                      "head dimensions d (even), comma separated [the model's, or 128]")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--lengths", options->lengths, "context lengths, comma separated")
      ->delimiter(',')
      ->check(CLI::Range(1LL, 1LL << 40))
      ->capture_default_str();
  command
      ->add_option("--tolerance,--resolution", options->tolerance,
                   "relative tolerance R: every base is classified except unresolved stretches "
                   "narrower than ln(1 + R) / 64 in ln b")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !(value >= 1e-12 && value <= 0.5)) {
              return "must be in [1e-12, 0.5], got '" + text + "'";
            }
            return {};
          },
          "[1e-12, 0.5]"))
      ->capture_default_str();
  command
      ->add_option("--extent", options->extent,
                   "how far the search goes: b_min; pockets (to the first wide admissible "
                   "stretch); all_above (to b_all_above, the costliest)")
      ->check(CLI::IsMember(extent_names()))
      ->capture_default_str();
  command->add_flag("--pockets", options->pockets,
                    "also print the pockets, one row each (dim, length, lower, upper), as a "
                    "second table after a blank line");
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  add_encoding_options(command, options->encoding, {"base", "head_dim"});
  return [options]() {
    const BminOptions& o = *options;
    Parameters point = encoding_point(o.encoding);
    std::vector<int> dims = o.dims;
    if (dims.empty()) dims.push_back(static_cast<int>(point.integer("head_dim")));
    const MarchExtent extent = parse_extent(o.extent);
    if (o.pockets && extent == MarchExtent::kMinimalBase) {
      throw UsageError("--pockets needs --extent pockets or all_above");
    }
    std::vector<std::vector<std::string>> rows, pocket_rows;
    const auto start = std::chrono::steady_clock::now();
    for (int dim : dims) {
      if (dim < 2 || dim % 2 != 0) throw UsageError("--dim must be even and >= 2");
      point.set("head_dim", static_cast<double>(dim));
      for (long long length : o.lengths) {
        const EncodingConfig config = encoding_config(point, static_cast<double>(length), true);
        const MinimalBase result = minimal_base(config, length, o.tolerance, extent);
        const bool known = extent != MarchExtent::kMinimalBase;
        rows.push_back({std::to_string(length), number(result.b_min), number(result.b_all_above),
                        std::to_string(dim), number(result.b_min_lower),
                        result.resolved ? "1" : "0", number(result.b_all_above_lower),
                        known ? std::to_string(result.pockets.size()) : "nan",
                        std::to_string(result.hidden_gaps), std::to_string(result.block_walks)});
        for (const BaseRange& pocket : result.pockets) {
          pocket_rows.push_back({std::to_string(dim), std::to_string(length), number(pocket.lower),
                                 number(pocket.upper)});
        }
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_rows({"length", "b_min", "b_all_above", "dim", "b_min_lower", "resolved",
                "b_all_above_lower", "pockets", "hidden_gaps", "block_walks"},
               rows, o.format);
    if (o.pockets) {
      std::cout << "\n";
      print_rows({"dim", "length", "lower", "upper"}, pocket_rows, o.format);
    }
    std::cout.flush();
    std::cerr << "bmin: " << rows.size() << " (dim, length) pairs in " << number(seconds, 3)
              << " s\n";
    return 0;
  };
}

const CommandRegistrar decay_command("decay", setup_decay);
const CommandRegistrar bmin_command("bmin", setup_bmin);

}  // namespace
}  // namespace ropesweep::cli
