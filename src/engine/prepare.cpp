#include "ropesweep/engine/prepare.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "ropesweep/core/format.hpp"
#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/io/shard_file.hpp"
#include "ropesweep/physics/kernel_paths.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

using Masks = std::vector<std::vector<std::uint8_t>>;  // per experiment, one byte per point

Sweep read_valid_sweep(const RunOptions& options) {
  SpecOptions spec_options;
  spec_options.max_points = options.max_points;
  SpecResult parsed = read_sweep(options.spec_path, spec_options);
  throw_if_invalid(parsed, options.spec_path, "; nothing was run");
  return std::move(parsed.sweep);
}

// Where the results file goes must be able to take it (and its journal): checked
// before anything is written, so the message names the cause rather than HDF5's
// view of it (the temporary file it failed to create).
void check_output_location(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    throw IoError(path, "is a directory; give the path of the results file");
  }
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const fs::file_status status = fs::status(parent, error);
  const std::string cannot = "cannot create the results file: ";
  if (!fs::exists(status)) {
    throw IoError(path, cannot + "directory '" + parent.string() + "' does not exist");
  }
  if (!fs::is_directory(status)) {
    throw IoError(path, cannot + "'" + parent.string() + "' is not a directory");
  }
  if (access(parent.c_str(), W_OK | X_OK) != 0) {
    throw IoError(path, cannot + "directory '" + parent.string() + "' is not writable (" +
                            std::strerror(errno) + ")");
  }
}

// A file system too small for the complete file must be found before anything is
// written: HDF5 1.10 cannot close a file whose final flush failed, and its clean-up
// at MPI_Finalize then crashes instead of reporting.
void check_free_space(const std::string& path, const Sweep& sweep) {
  std::string directory = std::filesystem::path(path).parent_path().string();
  if (directory.empty()) directory = ".";
  struct statvfs space {};
  if (statvfs(directory.c_str(), &space) != 0) return;  // unknown: let the writes report
  const double available = double(space.f_bavail) * double(space.f_frsize);
  const double needed = double(complete_file_bytes(sweep));
  if (available < needed) {
    throw IoError(path, "not enough space: the results file needs about " + format_bytes(needed) +
                            ", " + format_bytes(available) + " free in '" + directory + "'");
  }
}

Provenance provenance_of(const RunOptions& options, const CostModel& model, int ranks) {
  Provenance provenance;
  provenance.spec_path = options.spec_path;
  provenance.start_time = format_utc(std::time(nullptr));
  provenance.cost_model = model.to_json();
  provenance.ranks = ranks;
  provenance.kernels = {kernel_instruction_sets(), eigen_version(), sleef_version()};
  return provenance;
}

// An IoError's text without its leading "path: ".
std::string problem_of(const IoError& error) {
  const std::string text = error.what();
  const std::string prefix = error.path() + ": ";
  return text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : text;
}

// The journal's spec must be the sweep's: replaying another sweep's results would
// mix two computations.
void check_journal_sweep(const std::string& path, const Sweep& sweep, const IoError& cause) {
  const std::string journal = journal_directory(path);
  const std::string stored = journal_spec(path);
  if (stored.empty()) {
    throw IoError(path, problem_of(cause) + "; it cannot be resumed and there is no journal " +
                            journal + " to rebuild it from");
  }
  const SpecResult journal_sweep = parse_sweep(stored, journal + "/spec.yaml");
  if (!journal_sweep.ok() || canonical_form(journal_sweep.sweep) != canonical_form(sweep)) {
    throw SweepMismatch(journal,
                        "the journal belongs to a different sweep; resume needs the same spec");
  }
}

// Writes every journal record that fits the sweep into the (fresh) results file.
void replay_journal(const std::string& path, const Sweep& sweep) {
  std::vector<std::vector<std::uint64_t>> points(sweep.experiments.size());
  std::vector<std::vector<MetricValue>> values(sweep.experiments.size());
  for (JournalRecord& record : read_journal(path)) {
    if (record.experiment >= sweep.experiments.size()) continue;
    const ExperimentGrid& grid = sweep.experiments[record.experiment];
    if (record.point >= grid.point_count() ||
        record.values.size() != grid.experiment->metrics().size()) {
      continue;
    }
    points[record.experiment].push_back(record.point);
    values[record.experiment].insert(values[record.experiment].end(), record.values.begin(),
                                     record.values.end());
  }
  ResultWriter writer(path, sweep);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) writer.write(e, points[e], values[e]);
  writer.close();
}

// The results file cannot be read (a kill at a bad moment, a damaged disk): make
// a fresh skeleton and replay the journal into it. The unreadable file is kept.
Masks rebuild_from_journal(const std::string& path, const Sweep& sweep,
                           const Provenance& provenance, const IoError& cause) {
  check_journal_sweep(path, sweep, cause);
  const std::string kept = path + ".unreadable";
  std::cerr << "ropesweep: " << cause.what() << "\nropesweep: rebuilding " << path << " from "
            << journal_directory(path) << " (the unreadable file is kept as " << kept << ")\n";
  if (std::rename(path.c_str(), kept.c_str()) != 0) {
    throw IoError(path, "cannot move the unreadable file aside to " + kept);
  }
  create_output(path, sweep, provenance);
  replay_journal(path, sweep);
  return read_done_masks(path, sweep);
}

// --resume: the points the existing file holds.
Masks reopen_output(const RunOptions& options, const Sweep& sweep, const Provenance& provenance,
                    const Masks& in_shard) {
  const std::string& path = options.output_path;
  Masks done;
  try {
    done = read_done_masks(path, sweep);
  } catch (const SweepMismatch&) {
    throw;
  } catch (const ForeignFile&) {
    throw;  // someone else's file: never moved aside, never rebuilt
  } catch (const IoError& error) {
    done = rebuild_from_journal(path, sweep, provenance, error);
  }
  claim_shard_file(path, sweep, options.shard, done, in_shard);
  if (journal_spec(path).empty()) start_journal(path, sweep.text);
  return done;
}

// A new results file, of which no point is done.
Masks create_new_output(const RunOptions& options, const Sweep& sweep, const Provenance& provenance,
                        const Masks& in_shard) {
  const std::string& path = options.output_path;
  check_free_space(path, sweep);
  create_output(path, sweep, provenance);
  const Masks done;
  claim_shard_file(path, sweep, options.shard, done, in_shard);
  start_journal(path, sweep.text);
  return done;
}

// --resume: the batches the journal holds of points still to do (`skip` 0), kept in
// `computed`. The points they complete are written into the file now and set in `done`
// and `skip`. A batch that does not fit this sweep's point drops that point's batches:
// they are computed again.
void carry_batches(const std::string& path, const Sweep& sweep, Masks& done, Masks& skip,
                   PartialPoints& computed) {
  std::vector<std::vector<std::uint64_t>> points(sweep.experiments.size());
  std::vector<std::vector<MetricValue>> values(sweep.experiments.size());
  for (JournalBatch& batch : read_journal_batches(path)) {
    const std::size_t e = batch.experiment;
    if (e >= sweep.experiments.size() || batch.point >= sweep.experiments[e].point_count()) continue;
    if (!skip.empty() && skip[e][batch.point]) continue;
    try {
      std::optional<std::vector<MetricValue>> complete =
          computed.add(sweep, e, batch.point, batch.batch, std::move(batch.numbers));
      if (!complete) continue;
      points[e].push_back(batch.point);
      values[e].insert(values[e].end(), complete->begin(), complete->end());
    } catch (const Error&) {
      computed.forget(e, batch.point);
    }
  }
  bool any = false;
  for (const auto& list : points) any = any || !list.empty();
  if (!any) return;
  ResultWriter writer(path, sweep);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    writer.write(e, points[e], values[e]);
    for (const std::uint64_t point : points[e]) {
      if (done.empty()) done.assign(sweep.experiments.size(), {});
      if (done[e].empty()) done[e].assign(sweep.experiments[e].point_count(), 0);
      done[e][point] = 1;
      if (!skip.empty()) skip[e][point] = 1;
    }
  }
  writer.close();
}

std::uint64_t count_set(const Masks& masks) {
  std::uint64_t count = 0;
  for (const auto& mask : masks) count += std::count(mask.begin(), mask.end(), 1);
  return count;
}

}  // namespace

Prepared prepare(const RunOptions& options, int ranks) {
  Prepared prepared;
  prepared.sweep = read_valid_sweep(options);
  const Sweep& sweep = prepared.sweep;
  const std::string& path = options.output_path;
  check_output_location(path);
  const bool exists = access(path.c_str(), F_OK) == 0;
  if (exists && !options.resume && !options.overwrite) {
    throw IoError(path, "already exists; continue it with --resume or replace it with --overwrite");
  }
  const CostModel model = options.calibrate ? calibrate(sweep) : default_cost_model();
  const Provenance provenance = provenance_of(options, model, ranks);
  // A shard run computes only its slice, into a file that holds only that slice.
  const Masks in_shard = shard_masks(sweep, options.shard);
  const bool resuming = exists && options.resume;
  Masks done = resuming ? reopen_output(options, sweep, provenance, in_shard)
                        : create_new_output(options, sweep, provenance, in_shard);
  Masks skip = options.shard.whole() ? done : done_or_outside(in_shard, done);
  if (resuming) carry_batches(path, sweep, done, skip, prepared.computed);
  prepared.total_points = count_set(in_shard);
  prepared.already_done = count_set(done);
  prepared.work = WorkList(sweep, model, std::move(skip), prepared.computed);
  if (options.reversed_order) prepared.work.reverse();
  return prepared;
}

}  // namespace ropesweep
