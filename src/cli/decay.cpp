// `ropesweep decay` and `ropesweep bmin`: the long-term-decay tables of docs/science.md,
// computed on the spot without MPI or files.
#include "ropesweep/physics/decay.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/core/format.hpp"

namespace ropesweep::cli {
namespace {

std::string number(double value, int digits = 10) { return format_significant(value, digits); }

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

struct DecayOptions {
  double base = 10000.0;
  int dim = 128;
  double length = 100000.0;
  double train_length = 4096.0;
  long long cap = kDefaultFirstNegativeCap;
  std::string format = "table";
};

CommandAction setup_decay(CLI::App& app) {
  auto options = std::make_shared<DecayOptions>();
  CLI::App* command = app.add_subcommand(
      "decay",
      "Rotation table (t, theta, wavelength, turns over --length), first negative "
      "distance of B(m) and critical dimension for one RoPE base");
  command->add_option("--base", options->base, "RoPE base b (> 1)")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--dim", options->dim, "head dimension d (even)")->capture_default_str();
  command->add_option("--length", options->length, "context length L for the turn counts")
      ->check(positive_number())
      ->capture_default_str();
  command
      ->add_option("--train-length", options->train_length,
                   "training length for the critical dimension")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--cap", options->cap, "largest distance searched for B(m) < 0")
      ->check(positive_number())
      ->capture_default_str();
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  return [options]() {
    const DecayOptions& o = *options;
    if (o.dim < 2 || o.dim % 2 != 0) throw UsageError("--dim must be even and >= 2");
    if (!(o.base > 1.0)) throw UsageError("--base must be > 1");
    const FirstNegative negative = first_negative(o.base, o.dim, o.cap);
    const int critical = critical_dim(o.base, o.dim, o.train_length);
    // Scalars first, as '#' comment lines, so the CSV body stays one rectangular table
    // (pandas: read_csv(..., comment="#")).
    std::cout << "# base=" << number(o.base) << " dim=" << o.dim << " length=" << number(o.length)
              << " train_length=" << number(o.train_length) << "\n";
    std::cout << "# first_negative=";
    if (negative.capped) {
      std::cout << "none below cap " << negative.cap << "\n";
    } else {
      std::cout << negative.distance << "\n";
    }
    std::cout << "# critical_dim=" << critical << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const RotationRow& row : rotation_table(o.base, o.dim, o.length)) {
      rows.push_back(
          {std::to_string(row.t), number(row.theta), number(row.wavelength), number(row.turns)});
    }
    print_rows({"t", "theta", "wavelength", "turns"}, rows, o.format);
    return 0;
  };
}

struct BminOptions {
  int dim = 128;
  std::vector<long long> lengths{1024, 4096, 16384, 65536};
  double resolution = 0.01;
  std::string format = "table";
};

CommandAction setup_bmin(CLI::App& app) {
  auto options = std::make_shared<BminOptions>();
  CLI::App* command = app.add_subcommand(
      "bmin",
      "Smallest RoPE base with B(m) >= 0 on [0, L] (fine scan + refinement), and the "
      "smallest base above which every scanned base is admissible");
  command->add_option("--dim", options->dim, "head dimension d (even)")->capture_default_str();
  command->add_option("--lengths", options->lengths, "context lengths, comma separated")
      ->delimiter(',')
      ->check(CLI::Range(1LL, 1LL << 40))
      ->capture_default_str();
  command
      ->add_option("--resolution", options->resolution,
                   "relative step of the base scan; results refined to resolution/64")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str();
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"csv", "table"}))
      ->capture_default_str();
  return [options]() {
    const BminOptions& o = *options;
    if (o.dim < 2 || o.dim % 2 != 0) throw UsageError("--dim must be even and >= 2");
    std::vector<std::vector<std::string>> rows;
    const auto start = std::chrono::steady_clock::now();
    for (long long length : o.lengths) {
      const MinimalBase result = minimal_base(length, o.dim, o.resolution);
      rows.push_back(
          {std::to_string(length), number(result.b_min, 6), number(result.b_all_above, 6)});
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_rows({"length", "b_min", "b_all_above"}, rows, o.format);
    std::cout.flush();
    std::cerr << "bmin: " << o.lengths.size() << " lengths in " << number(seconds, 3) << " s\n";
    return 0;
  };
}

const CommandRegistrar decay_command("decay", setup_decay);
const CommandRegistrar bmin_command("bmin", setup_bmin);

}  // namespace
}  // namespace ropesweep::cli
