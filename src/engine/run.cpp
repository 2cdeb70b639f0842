#include "ropesweep/engine/run.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "ropesweep/core/format.hpp"
#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/engine/dispatch.hpp"
#include "ropesweep/engine/prepare.hpp"
#include "ropesweep/engine/progress.hpp"
#include "ropesweep/engine/result_buffer.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/engine/stop_signal.hpp"
#include "ropesweep/engine/transport.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

// Why rank 0 could not prepare the run: its exit code (0: it could) and message.
struct Refusal {
  int code = 0;
  std::string message;
};

Refusal try_prepare(const RunOptions& options, int ranks, Prepared& prepared) {
  try {
    prepared = prepare(options, ranks);
  } catch (const Error& error) {
    return {int(error.code()), error.what()};
  } catch (const std::exception& error) {
    return {int(ExitCode::kFailure), error.what()};
  }
  return {};
}

// Collective. Rank 0 prepares the run and every rank learns whether it may
// start: when not, rank 0 throws the error and the other ranks return its code.
std::optional<ExitCode> prepare_on_root(const Communicator& comm, const RunOptions& options,
                                        Prepared& prepared) {
  Refusal refusal;
  if (comm.is_root()) refusal = try_prepare(options, comm.size(), prepared);
  check_mpi(MPI_Bcast(&refusal.code, 1, MPI_INT, 0, comm.get()), "MPI_Bcast");
  if (refusal.code == 0) return std::nullopt;
  if (comm.is_root()) throw Error(refusal.message, ExitCode(refusal.code));
  return ExitCode(refusal.code);
}

// Collective. Every rank expands the same spec text to map point ids to parameters.
void share_sweep(const Communicator& comm, const RunOptions& options, Sweep& sweep) {
  const std::string text = comm.broadcast(comm.is_root() ? sweep.text : std::string());
  if (comm.is_root()) return;
  SpecOptions quick;  // rank 0 has validated every point already
  quick.max_points = std::numeric_limits<std::uint64_t>::max();
  quick.max_point_checks = 0;
  sweep = parse_sweep(text, options.spec_path, quick).sweep;
}

const char* plural(std::size_t count) { return count == 1 ? "" : "s"; }

// Rank 0, unless quiet: says what the run will do and starts counting.
std::unique_ptr<Progress> start_progress(const Communicator& comm, const RunOptions& options,
                                         const Prepared& prepared) {
  if (!comm.is_root() || options.quiet) return nullptr;
  const Sweep& sweep = prepared.sweep;
  std::fprintf(stderr,
               "ropesweep: %s: %llu points in %zu experiment%s, %llu to do (%zu task%s) on %d "
               "rank%s\n",
               sweep.name.c_str(), static_cast<unsigned long long>(sweep.point_count()),
               sweep.experiments.size(), plural(sweep.experiments.size()),
               static_cast<unsigned long long>(prepared.total_points - prepared.already_done),
               static_cast<std::size_t>(prepared.work.tasks()),
               plural(static_cast<std::size_t>(prepared.work.tasks())), comm.size(),
               plural(std::size_t(comm.size())));
  if (!options.shard.whole()) {
    std::fprintf(stderr, "ropesweep: shard %s: %llu of the points\n", options.shard.str().c_str(),
                 static_cast<unsigned long long>(prepared.total_points));
  }
  return std::make_unique<Progress>(prepared.total_points, prepared.already_done,
                                    prepared.work.total_seconds(), stderr,
                                    isatty(STDERR_FILENO) != 0, options.progress_seconds);
}

// Collective. This rank's part of the protocol, then its last results written.
bool compute_on_this_rank(const Communicator& comm, const RunOptions& options, Prepared& prepared,
                          Progress* progress) {
  std::optional<GuidedScheduler> scheduler;
  if (comm.is_root()) scheduler.emplace(std::move(prepared.work), comm.size());
  MpiTransport transport(comm);
  ResultBuffer::Sender send_to_root;
  if (!comm.is_root()) {
    send_to_root = [&transport](Message message) { transport.send(0, message); };
  }
  ResultBuffer results(options.output_path, prepared.sweep, options.flush_seconds,
                       options.flush_points, std::move(send_to_root), std::move(prepared.computed));
  ComputeThread compute(prepared.sweep);
  LocalRank rank{compute, results, stop_signalled};
  const bool interrupted = comm.is_root() ? run_dispatcher(transport, rank, *scheduler, progress)
                                          : run_worker(transport, rank);
  const Tally last = wind_down(rank);
  results.close();
  if (progress) progress->add(last.points, last.seconds);
  return interrupted;
}

void abort_job(const Communicator& comm, const char* what, ExitCode code) {
  std::cerr << "ropesweep: error: rank " << comm.rank() << ": " << what << "\n";
  MPI_Abort(comm.get(), int(code));
}

// Collective. Returns whether any rank was interrupted. A rank that fails while
// the others wait for it ends the whole job; a single rank reports as usual.
bool run_ranks(const Communicator& comm, const RunOptions& options, Prepared& prepared,
               Progress* progress) {
  bool interrupted = false;
  try {
    interrupted = compute_on_this_rank(comm, options, prepared, progress);
  } catch (const Error& error) {
    if (comm.size() == 1) throw;
    abort_job(comm, error.what(), error.code());
  } catch (const std::exception& error) {
    if (comm.size() == 1) throw;
    abort_job(comm, error.what(), ExitCode::kFailure);
  }
  return comm.any(interrupted);
}

// Rank 0: an interrupted run leaves its file to --resume; a complete one is
// stamped, loses its journal and gets its finishing steps.
ExitCode finish_run(const Communicator& comm, const RunOptions& options, bool interrupted,
                    Progress* progress) {
  if (!comm.is_root()) return interrupted ? ExitCode::kInterrupted : ExitCode::kOk;
  if (interrupted) {
    if (progress) progress->finish("");
    throw Interrupted("interrupted; the points computed so far are in " + options.output_path +
                      " (continue with --resume)");
  }
  finish_output(options.output_path, format_utc(std::time(nullptr)), comm.size());
  remove_journal(options.output_path);
  // A shard holds a slice of the grid, on which finishing steps (the frontier of
  // a base axis) would be wrong; the merged file gets them instead.
  if (options.shard.whole()) run_finishing_steps(options.output_path);
  if (progress) progress->finish("wrote " + options.output_path);
  return ExitCode::kOk;
}

// Every rank computes on the narrowest vector path any rank has: the probe's bits depend on
// the path (physics/vector_path.hpp), and the results file records one.
void agree_on_vector_path(const Communicator& comm) {
  const auto agreed = static_cast<VectorPath>(comm.minimum(static_cast<int>(vector_path())));
  if (agreed != vector_path()) use_vector_path(agreed);
}

}  // namespace

ExitCode run_sweep(const Communicator& comm, const RunOptions& options) {
  agree_on_vector_path(comm);
  Prepared prepared;
  if (const std::optional<ExitCode> refused = prepare_on_root(comm, options, prepared)) {
    return *refused;
  }
  share_sweep(comm, options, prepared.sweep);
  const std::unique_ptr<Progress> progress = start_progress(comm, options, prepared);
  const bool interrupted = run_ranks(comm, options, prepared, progress.get());
  return finish_run(comm, options, interrupted, progress.get());
}

}  // namespace ropesweep
