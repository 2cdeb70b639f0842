// `ropesweep merge SHARD.h5... -o OUT.h5`: the shards of a `run --shard K/N` job
// array combined into the file one run would have written.
#include "ropesweep/io/merge.hpp"

#include <iostream>
#include <memory>

#include "ropesweep/cli/cli.hpp"

namespace ropesweep::cli {
namespace {

CommandAction setup_merge(CLI::App& app) {
  auto* command = app.add_subcommand(
      "merge", "Combine the shard files of `run --shard K/N` into one results file");
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto output = std::make_shared<std::string>();
  auto overwrite = std::make_shared<bool>(false);
  command->add_option("shards", *inputs, "Shard files, all N of them (e.g. out_*.h5)")->required();
  command->add_option("-o,--output", *output, "Merged results file (HDF5)")->required();
  command->add_flag("--overwrite,--force", *overwrite, "Replace an existing output file");
  return [inputs, output, overwrite] {
    const MergeSummary summary = merge_shards(*inputs, *output, *overwrite);
    std::cerr << "ropesweep: merged " << summary.shards << " shards (" << summary.points
              << " points) into " << *output << "\n";
    return 0;
  };
}

const CommandRegistrar registrar("merge", setup_merge);

}  // namespace
}  // namespace ropesweep::cli
