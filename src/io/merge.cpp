#include "ropesweep/io/merge.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/io/shard_file.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {
namespace {

struct Input {
  std::string path;
  Shard shard;
  RunRecord run;
};

// Every shard 0..N-1 exactly once, all of the same N.
void check_shard_set(const std::vector<Input>& inputs) {
  const std::uint64_t count = inputs.front().shard.count;
  std::map<std::uint64_t, std::string> seen;
  for (const Input& input : inputs) {
    if (input.shard.whole()) {
      throw IoError(input.path,
                    "is a whole run, not a shard (made without --shard); nothing to merge");
    }
    if (input.shard.count != count) {
      throw IoError(input.path, "holds shard " + input.shard.str() + " but " + inputs.front().path +
                                    " holds shard " + inputs.front().shard.str() +
                                    "; all shards must come from one split");
    }
    const auto [it, fresh] = seen.emplace(input.shard.index, input.path);
    if (!fresh) {
      throw IoError(input.path, "holds shard " + input.shard.str() + ", as does " + it->second);
    }
  }
  std::string missing;
  for (std::uint64_t k = 0; k < count; ++k) {
    if (!seen.count(k)) missing += (missing.empty() ? "" : ", ") + Shard{k, count}.str();
  }
  if (!missing.empty()) {
    throw UsageError("missing shard" +
                     std::string(missing.find(',') != std::string::npos ? "s " : " ") + missing +
                     " of the " + std::to_string(count) + "; merge needs them all");
  }
}

// The shard's file has computed exactly its slice. Reads its `done` masks one
// storage block at a time.
void check_complete(const Input& input, const Sweep& sweep, const ShardDealing& dealing) {
  const h5::File file = open_output(input.path, h5::Access::kRead);
  std::uint64_t expected = 0, missing = 0, outside = 0;
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ShardDealing::ExperimentDealing& dealt = dealing.experiments[e];
    const BlockLayout& layout = dealt.layout;
    const h5::Dataset done = file.dataset(sweep.experiments[e].name + "/done");
    for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
      const std::vector<std::uint8_t> mask =
          done.read_block<std::uint8_t>(layout.start(b), layout.extent(b));
      const std::uint64_t first = layout.first_point(b);
      for (std::uint64_t i = 0; i < mask.size(); ++i) {
        const bool mine = dealt.holds(first + i, input.shard.index);
        expected += mine;
        if (mine && !mask[i]) ++missing;
        if (!mine && mask[i]) ++outside;
      }
    }
  }
  const std::string& spec_path = input.run.spec_path;
  if (outside > 0) {
    throw IoError(input.path, "holds " + std::to_string(outside) + " point(s) outside shard " +
                                  input.shard.str() + "; it was not made by `run --shard`");
  }
  if (missing > 0) {
    throw IoError(input.path, "shard " + input.shard.str() +
                                  " is incomplete: " + std::to_string(expected - missing) + " of " +
                                  std::to_string(expected) +
                                  " points done; finish it with `ropesweep run " +
                                  (spec_path.empty() ? std::string("SPEC") : spec_path) + " -o " +
                                  input.path + " --resume --shard " + input.shard.str() + "`");
  }
}

// The merged metric datasets and done masks: each point from the shard that holds
// it, one storage block at a time, so that memory does not grow with the grid.
std::uint64_t merge_datasets(const Sweep& sweep, const std::vector<Input>& inputs,
                             const ShardDealing& dealing, const std::string& output) {
  h5::File target = h5::File::open(output, h5::Access::kReadWrite);
  std::vector<h5::File> sources;
  for (const Input& input : inputs) {
    sources.push_back(h5::File::open(input.path, h5::Access::kRead));
  }
  std::uint64_t points = 0;
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ExperimentGrid& grid = sweep.experiments[e];
    const ShardDealing::ExperimentDealing& dealt = dealing.experiments[e];
    const BlockLayout& layout = dealt.layout;
    for (const std::string& name : metric_dataset_names(*grid.experiment)) {
      const std::string path = grid.name + "/" + name;
      std::vector<h5::Dataset> parts;
      for (const h5::File& source : sources) {
        parts.push_back(source.dataset(path));
        if (parts.back().shape() != grid.shape()) {
          parts.back().where().reject("does not have the grid's shape");
        }
      }
      const h5::Dataset merged = target.dataset(path);
      for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
        const std::vector<std::uint64_t> start = layout.start(b), extent = layout.extent(b);
        if (dealt.by_blocks) {  // inputs are sorted by shard index
          merged.write_block(start, extent,
                             parts[dealt.owner[b]].read_block<double>(start, extent));
          continue;
        }
        const std::uint64_t first = layout.first_point(b);
        std::vector<double> values(layout.point_count(b), std::numeric_limits<double>::quiet_NaN());
        for (std::size_t s = 0; s < inputs.size(); ++s) {
          std::vector<double> part;
          for (std::uint64_t i = 0; i < values.size(); ++i) {
            if (!dealt.holds(first + i, inputs[s].shard.index)) continue;
            if (part.empty()) part = parts[s].read_block<double>(start, extent);
            values[i] = part[i];
          }
        }
        merged.write_block(start, extent, values);
      }
    }
    const h5::Dataset done = target.dataset(grid.name + "/done");
    for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
      done.write_block(layout.start(b), layout.extent(b),
                       std::vector<std::uint8_t>(layout.point_count(b), 1));
    }
    points += grid.point_count();
  }
  target.set_attribute("merged_shards", std::uint64_t(inputs.size()));
  target.close();
  return points;
}

}  // namespace

MergeSummary merge_shards(const std::vector<std::string>& paths, const std::string& output,
                          bool overwrite) {
  if (paths.empty()) throw UsageError("merge: no shard files given");
  for (const std::string& path : paths) {
    if (path == output) throw UsageError("merge: the output " + output + " is also an input");
  }
  if (access(output.c_str(), F_OK) == 0 && !overwrite) {
    throw IoError(output, "already exists; replace it with --overwrite");
  }

  // The sweep, from the first shard's stored spec; every other shard must match it.
  const Sweep sweep = read_stored_sweep(paths.front());
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    Input input;
    input.path = path;
    check_same_sweep(path, sweep);
    input.shard = read_file_shard(path);
    input.run = read_run_record(path);
    inputs.push_back(std::move(input));
  }
  check_shard_set(inputs);
  const ShardDealing dealing = deal_shards(sweep, inputs.front().shard.count);
  for (Input& input : inputs) {
    check_shard_dealing(input.path, sweep, input.shard);
    check_complete(input, sweep, dealing);
    if (input.run.end_time.empty()) {
      throw IoError(input.path, "shard " + input.shard.str() +
                                    " has every point but no end_time; "
                                    "finish it with `ropesweep run ... --resume --shard " +
                                    input.shard.str() + "`");
    }
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.shard.index < b.shard.index; });

  Provenance provenance;
  provenance.spec_path = inputs.front().run.spec_path;
  provenance.cost_model = inputs.front().run.cost_model;
  provenance.start_time = inputs.front().run.start_time;
  provenance.kernels = inputs.front().run.kernels;
  std::string end_time = inputs.front().run.end_time;
  int ranks = 0;
  for (const Input& input : inputs) {
    provenance.start_time = std::min(provenance.start_time, input.run.start_time);
    end_time = std::max(end_time, input.run.end_time);
    ranks += input.run.ranks;
  }
  provenance.ranks = ranks;

  const std::string building = output + ".merging";
  std::remove(building.c_str());
  MergeSummary summary;
  summary.shards = inputs.size();
  try {
    create_output(building, sweep, provenance);
    summary.points = merge_datasets(sweep, inputs, dealing, building);
    finish_output(building, end_time, ranks);
    run_finishing_steps(building);
  } catch (...) {
    std::remove(building.c_str());
    throw;
  }
  if (std::rename(building.c_str(), output.c_str()) != 0) {
    std::remove(building.c_str());
    throw IoError(output, "cannot move the merged file into place");
  }
  return summary;
}

}  // namespace ropesweep
