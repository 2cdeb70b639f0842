#include "ropesweep/io/merge.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/io/shard_file.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

using Masks = std::vector<std::vector<std::uint8_t>>;

struct Input {
  std::string path;
  Shard shard;
  Masks done;      // as read from the file
  Masks in_shard;  // the shard's true slice
  std::string start_time, end_time, cost_model, spec_path;
  int ranks = 0;
};

h5::Handle open_file(const std::string& path, unsigned flags) {
  return h5::adopt(H5Fopen(path.c_str(), flags, H5P_DEFAULT), H5Fclose, path, "open");
}

std::string text_attribute(hid_t file, const char* name, const std::string& path) {
  return h5::read_string_attribute(file, name, path).value_or("");
}

std::vector<double> read_doubles(hid_t file, const std::string& name, std::uint64_t count,
                                 const std::string& path) {
  h5::Handle dataset =
      h5::adopt(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, path, "open '" + name + "'");
  h5::Handle space =
      h5::adopt(H5Dget_space(dataset.get()), H5Sclose, path, "space of '" + name + "'");
  const hssize_t elements = H5Sget_simple_extent_npoints(space.get());
  if (elements < 0 || std::uint64_t(elements) != count) {
    throw IoError(path, "'" + name + "' does not have the grid's shape");
  }
  std::vector<double> values(count);
  h5::check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            path, "read '" + name + "'");
  return values;
}

void write_dataset(hid_t file, const std::string& name, hid_t memory_type, const void* data,
                   const std::string& path) {
  h5::Handle dataset =
      h5::adopt(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, path, "open '" + name + "'");
  h5::check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path,
            "write '" + name + "'");
}

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

// The shard's file has computed exactly its slice.
void check_complete(const Input& input, const Masks& done, const std::string& spec_path) {
  std::uint64_t expected = 0, missing = 0, outside = 0;
  for (std::size_t e = 0; e < done.size(); ++e) {
    for (std::size_t p = 0; p < done[e].size(); ++p) {
      expected += input.in_shard[e][p];
      if (input.in_shard[e][p] && !done[e][p]) ++missing;
      if (!input.in_shard[e][p] && done[e][p]) ++outside;
    }
  }
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

}  // namespace

MergeSummary merge_shards(const std::vector<std::string>& paths, const std::string& output,
                          bool overwrite) {
  h5::silence_library_errors();
  if (paths.empty()) throw UsageError("merge: no shard files given");
  for (const std::string& path : paths) {
    if (path == output) throw UsageError("merge: the output " + output + " is also an input");
  }
  if (access(output.c_str(), F_OK) == 0 && !overwrite) {
    throw IoError(output, "already exists; replace it with --overwrite");
  }

  // The sweep, from the first shard's stored spec; every other shard must match it.
  Sweep sweep;
  {
    h5::Handle file = open_file(paths.front(), H5F_ACC_RDONLY);
    const auto text = h5::read_string_attribute(file.get(), "spec", paths.front());
    if (!text) throw IoError(paths.front(), "not a ropesweep results file (no 'spec' attribute)");
    const std::string spec_path = text_attribute(file.get(), "spec_path", paths.front());
    SpecResult parsed = parse_sweep(*text, spec_path.empty() ? paths.front() : spec_path);
    if (!parsed.ok()) {
      throw IoError(paths.front(), std::string("its stored spec does not validate: ") +
                                       parsed.problems.front().what());
    }
    sweep = std::move(parsed.sweep);
  }

  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    Input input;
    input.path = path;
    input.done = read_done_masks(path, sweep);  // ours, and the same sweep
    input.shard = read_file_shard(path);
    h5::Handle file = open_file(path, H5F_ACC_RDONLY);
    input.start_time = text_attribute(file.get(), "start_time", path);
    input.end_time = text_attribute(file.get(), "end_time", path);
    input.cost_model = text_attribute(file.get(), "cost_model", path);
    input.spec_path = text_attribute(file.get(), "spec_path", path);
    input.ranks = int(h5::read_number_attribute(file.get(), "ranks", path).value_or(0));
    file.close(path, "close");
    inputs.push_back(std::move(input));
  }
  check_shard_set(inputs);
  for (Input& input : inputs) {
    input.in_shard = shard_masks(sweep, input.shard);
    check_complete(input, input.done, input.spec_path);
    if (input.end_time.empty()) {
      throw IoError(input.path, "shard " + input.shard.str() +
                                    " has every point but no end_time; "
                                    "finish it with `ropesweep run ... --resume --shard " +
                                    input.shard.str() + "`");
    }
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.shard.index < b.shard.index; });

  Provenance provenance;
  provenance.spec_path = inputs.front().spec_path;
  provenance.cost_model = inputs.front().cost_model;
  provenance.start_time = inputs.front().start_time;
  std::string end_time = inputs.front().end_time;
  int ranks = 0;
  for (const Input& input : inputs) {
    provenance.start_time = std::min(provenance.start_time, input.start_time);
    end_time = std::max(end_time, input.end_time);
    ranks += input.ranks;
  }
  provenance.ranks = ranks;

  const std::string building = output + ".merging";
  std::remove(building.c_str());
  MergeSummary summary;
  summary.shards = inputs.size();
  try {
    create_output(building, sweep, provenance);
    h5::Handle target = open_file(building, H5F_ACC_RDWR);
    std::vector<h5::Handle> sources;
    for (const Input& input : inputs) sources.push_back(open_file(input.path, H5F_ACC_RDONLY));
    for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
      const ExperimentGrid& grid = sweep.experiments[e];
      const std::uint64_t points = grid.point_count();
      for (const std::string& name : metric_dataset_names(*grid.experiment)) {
        const std::string full = grid.name + "/" + name;
        std::vector<double> merged(points, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t s = 0; s < inputs.size(); ++s) {
          const std::vector<double> part =
              read_doubles(sources[s].get(), full, points, inputs[s].path);
          const std::vector<std::uint8_t>& mine = inputs[s].in_shard[e];
          for (std::uint64_t p = 0; p < points; ++p) {
            if (mine[p]) merged[p] = part[p];
          }
        }
        write_dataset(target.get(), full, H5T_NATIVE_DOUBLE, merged.data(), building);
      }
      std::vector<std::uint8_t> done(points, 0);
      for (const Input& input : inputs) {
        for (std::uint64_t p = 0; p < points; ++p) done[p] |= input.in_shard[e][p];
      }
      write_dataset(target.get(), grid.name + "/done", H5T_NATIVE_UINT8, done.data(), building);
      summary.points += points;
    }
    h5::write_attribute(target.get(), "merged_shards", std::uint64_t(inputs.size()), building);
    for (h5::Handle& source : sources) source.reset();
    target.close(building, "close");
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
