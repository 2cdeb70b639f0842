// `ropesweep decay` and `ropesweep bmin`: the long-term-decay tables of docs/science.md,
// computed on the spot without MPI or files, for every encoding with frequencies.
#include "ropesweep/physics/decay.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"
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

// The encoding options both commands share, named after the sweep parameters. The base
// and head dimension come from each command.
struct EncodingOptions {
  std::string encoding = "rope";
  double scale = 1.0;
  double train_length = 4096.0;
  double yarn_alpha = 1.0;
  double yarn_beta = 32.0;
  double partial_fraction = 1.0;
};

void add_encoding_options(CLI::App* command, EncodingOptions& options) {
  std::vector<std::string> rotary;
  for (const std::string& name : encoding_names()) {
    if (has_frequencies(parse_encoding(name))) rotary.push_back(name);
  }
  command->add_option("--encoding", options.encoding, "position encoding (one with frequencies)")
      ->check(CLI::IsMember(rotary))
      ->capture_default_str();
  command->add_option("--scale", options.scale, "scale factor s (pi, ntk, yarn)")
      ->check(positive_number())
      ->capture_default_str();
  command
      ->add_option("--train-length", options.train_length,
                   "training length L_train (yarn's ramp; the critical dimension of decay)")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--yarn-alpha", options.yarn_alpha, "yarn ramp lower bound")
      ->capture_default_str();
  command->add_option("--yarn-beta", options.yarn_beta, "yarn ramp upper bound")
      ->capture_default_str();
  command
      ->add_option("--partial-fraction", options.partial_fraction,
                   "partial: fraction p of the pairs that rotate")
      ->capture_default_str();
}

// The configuration, checked here so that a bad value reads as a usage error.
EncodingConfig encoding_config(const EncodingOptions& options, double base, int dim) {
  if (dim < 2 || dim % 2 != 0) throw UsageError("--dim must be even and >= 2");
  EncodingConfig config;
  config.kind = parse_encoding(options.encoding);
  config.head_dim = dim;
  config.base = base;
  config.scale = options.scale;
  config.train_length = options.train_length;
  config.yarn_alpha = options.yarn_alpha;
  config.yarn_beta = options.yarn_beta;
  config.partial_fraction = options.partial_fraction;
  try {
    const Encoding check(config);
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
  return config;
}

std::string encoding_text(const EncodingOptions& o) {
  std::ostringstream text;
  text << "encoding=" << o.encoding;
  const EncodingKind kind = parse_encoding(o.encoding);
  if (kind == EncodingKind::kPi || kind == EncodingKind::kNtk || kind == EncodingKind::kYarn) {
    text << " scale=" << number(o.scale);
  }
  if (kind == EncodingKind::kYarn) {
    text << " yarn_alpha=" << number(o.yarn_alpha) << " yarn_beta=" << number(o.yarn_beta);
  }
  if (kind == EncodingKind::kPartial) text << " partial_fraction=" << number(o.partial_fraction);
  return text.str();
}

struct DecayOptions {
  double base = 10000.0;
  int dim = 128;
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
  command->add_option("--base", options->base, "RoPE base b (> 1)")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--dim", options->dim, "head dimension d (even)")->capture_default_str();
  command->add_option("--length", options->length, "context length L for the turn counts")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--cap", options->cap, "largest distance searched for B(m) < 0")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  add_encoding_options(command, options->encoding);
  return [options]() {
    const DecayOptions& o = *options;
    if (!(o.base > 1.0)) throw UsageError("--base must be > 1");
    const Encoding encoding(encoding_config(o.encoding, o.base, o.dim));
    const FirstNegative negative = first_negative(encoding, o.cap);
    const int critical = critical_dim(encoding, o.encoding.train_length);
    // Scalars first, as '#' comment lines, so the CSV body stays one rectangular table
    // (pandas: read_csv(..., comment="#")).
    std::cout << "# base=" << number(o.base) << " dim=" << o.dim << " length=" << number(o.length)
              << " train_length=" << number(o.encoding.train_length) << " "
              << encoding_text(o.encoding) << "\n";
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
  std::vector<int> dims{128};
  std::vector<long long> lengths{1024, 4096, 16384, 65536};
  double tolerance = kDefaultTolerance;
  std::string extent = "all_above";
  bool pockets = false;
  std::string format = "table";
  EncodingOptions encoding;
};

MarchExtent parse_extent(const std::string& text) {
  if (text == "b_min") return MarchExtent::kMinimalBase;
  if (text == "pockets") return MarchExtent::kPockets;
  return MarchExtent::kAllAbove;
}

CommandAction setup_bmin(CLI::App& app) {
  auto options = std::make_shared<BminOptions>();
  CLI::App* command = app.add_subcommand(
      "bmin",
      "Certified smallest base with B(m) >= 0 on [0, L] (b_min), the admissible pockets "
      "below the first wide admissible stretch, and the base above which every base is "
      "admissible (b_all_above); docs/science.md#certified-minimal-base");
  command->add_option("--dim", options->dims, "head dimensions d (even), comma separated")
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
      ->check(CLI::IsMember({"b_min", "pockets", "all_above"}))
      ->capture_default_str();
  command->add_flag("--pockets", options->pockets,
                    "also print the pockets, one row each (dim, length, lower, upper), as a "
                    "second table after a blank line");
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  add_encoding_options(command, options->encoding);
  return [options]() {
    const BminOptions& o = *options;
    const MarchExtent extent = parse_extent(o.extent);
    if (o.pockets && extent == MarchExtent::kMinimalBase) {
      throw UsageError("--pockets needs --extent pockets or all_above");
    }
    std::vector<std::vector<std::string>> rows, pocket_rows;
    const auto start = std::chrono::steady_clock::now();
    for (int dim : o.dims) {
      const EncodingConfig config = encoding_config(o.encoding, 10000.0, dim);
      for (long long length : o.lengths) {
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
