#include "ropesweep/engine/run.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <limits>
#include <mutex>
#include <thread>

#include "ropesweep/core/format.hpp"
#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"
#include "ropesweep/io/shard_file.hpp"
#include "ropesweep/engine/progress.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) { g_stop = 1; }

// Message tags between rank 0 (dispatcher) and the other ranks.
enum Tag : int {
  kTagRequest = 101,  // rank -> 0: give me work (empty)
  kTagWork,           // 0 -> rank: [id, seconds bits]...; empty: no more work
  kTagProgress,       // rank -> 0: [points, seconds bits] completed since last report
  kTagDone,           // rank -> 0: [points, seconds bits, interrupted]; the rank leaves
  kTagStop,           // 0 -> rank: stop now (interrupted)
  kTagAck             // 0 -> rank: last message to a rank that left
};

std::uint64_t to_bits(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

double from_bits(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

void send(const Communicator& comm, int destination, Tag tag,
          const std::vector<std::uint64_t>& data) {
  check_mpi(MPI_Send(data.data(), int(data.size()), MPI_UINT64_T, destination, tag, comm.get()),
            "MPI_Send");
}

// Receives the message `status` announced.
std::vector<std::uint64_t> receive(const Communicator& comm, const MPI_Status& status) {
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_UINT64_T, &count), "MPI_Get_count");
  std::vector<std::uint64_t> data(count);
  check_mpi(MPI_Recv(data.data(), count, MPI_UINT64_T, status.MPI_SOURCE, status.MPI_TAG,
                     comm.get(), MPI_STATUS_IGNORE),
            "MPI_Recv");
  return data;
}

bool probe(const Communicator& comm, int source, MPI_Status& status) {
  int flag = 0;
  check_mpi(MPI_Iprobe(source, MPI_ANY_TAG, comm.get(), &flag, &status), "MPI_Iprobe");
  return flag != 0;
}

struct Completed {
  WorkItem item;
  std::vector<MetricValue> values;
};

// Computes points on its own thread; touches neither MPI nor HDF5, so the main
// thread alone makes those calls.
class ComputeThread {
 public:
  ComputeThread(const Sweep& sweep, std::vector<std::uint64_t> offsets)
      : sweep_(sweep), offsets_(std::move(offsets)), thread_([this] { loop(); }) {}
  ~ComputeThread() { stop(); }
  ComputeThread(const ComputeThread&) = delete;
  ComputeThread& operator=(const ComputeThread&) = delete;

  void submit(const std::vector<WorkItem>& items) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.insert(queue_.end(), items.begin(), items.end());
    }
    work_ready_.notify_all();
  }
  std::size_t queued() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
  }
  bool idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.empty() && !busy_;
  }
  std::vector<Completed> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Completed> out;
    out.swap(completed_);
    return out;
  }
  std::string failure() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
  }
  // Sleeps until a result or failure arrives, at most `timeout`.
  void wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    result_ready_.wait_for(lock, timeout, [&] { return !completed_.empty() || !failure_.empty(); });
  }
  // Drops the points not yet started, lets the current one finish, and joins.
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.clear();
      quit_ = true;
    }
    work_ready_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    for (;;) {
      WorkItem item;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_ready_.wait(lock, [&] { return quit_ || !queue_.empty(); });
        if (quit_) return;
        item = queue_.front();
        queue_.pop_front();
        busy_ = true;
      }
      const std::size_t e =
          std::size_t(std::upper_bound(offsets_.begin(), offsets_.end(), item.id) -
                      offsets_.begin()) -
          1;
      const ExperimentGrid& grid = sweep_.experiments[e];
      const std::uint64_t point = item.id - offsets_[e];
      Completed result{item, {}};
      std::string trouble;
      try {
        result.values = grid.experiment->compute(grid.point(point), sweep_.seed, point);
        if (result.values.size() != grid.experiment->metrics().size()) {
          trouble = "returned " + std::to_string(result.values.size()) + " metrics instead of " +
                    std::to_string(grid.experiment->metrics().size());
        }
      } catch (const std::exception& error) {
        trouble = error.what();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        busy_ = false;
        if (trouble.empty()) {
          completed_.push_back(std::move(result));
        } else {
          failure_ =
              "experiment '" + grid.name + "' point " + std::to_string(point) + ": " + trouble;
          quit_ = true;
        }
      }
      result_ready_.notify_all();
      if (!trouble.empty()) return;
    }
  }

  const Sweep& sweep_;
  const std::vector<std::uint64_t> offsets_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, result_ready_;
  std::deque<WorkItem> queue_;
  std::vector<Completed> completed_;
  std::string failure_;
  bool busy_ = false, quit_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

// One rank's side of a run: its compute thread, its unwritten results, its writer.
class RankRun {
 public:
  RankRun(const Communicator& comm, const Sweep& sweep, const RunOptions& options)
      : sweep_(sweep),
        options_(options),
        offsets_(experiment_offsets(sweep)),
        writer_(options.output_path, sweep, comm.get()),
        journal_(options.output_path),
        pending_points_(sweep.experiments.size()),
        pending_values_(sweep.experiments.size()),
        compute_(sweep, offsets_) {}

  // Collects finished points; throws when the compute thread failed.
  std::pair<std::uint64_t, double> collect() {
    std::uint64_t points = 0;
    double seconds = 0;
    for (Completed& result : compute_.take()) {
      const std::size_t e =
          std::size_t(std::upper_bound(offsets_.begin(), offsets_.end(), result.item.id) -
                      offsets_.begin()) -
          1;
      pending_points_[e].push_back(result.item.id - offsets_[e]);
      pending_values_[e].insert(pending_values_[e].end(), result.values.begin(),
                                result.values.end());
      ++pending_count_;
      ++points;
      seconds += result.item.seconds;
    }
    const std::string failure = compute_.failure();
    if (!failure.empty()) {
      flush();  // keep what the good points computed
      throw Error(failure);
    }
    return {points, seconds};
  }

  void flush_if_due() {
    const double since = std::chrono::duration<double>(Clock::now() - last_flush_).count();
    if (pending_count_ >= options_.flush_points ||
        (pending_count_ > 0 && since >= options_.flush_seconds)) {
      flush();
    }
  }

  void flush() {
    for (std::size_t e = 0; e < pending_points_.size(); ++e) {
      // Journal first: whatever the HDF5 file holds, the journal holds too.
      journal_.append(std::uint32_t(e), pending_points_[e], pending_values_[e],
                      sweep_.experiments[e].experiment->metrics().size());
      writer_.write(e, pending_points_[e], pending_values_[e]);
      pending_points_[e].clear();
      pending_values_[e].clear();
    }
    pending_count_ = 0;
    last_flush_ = Clock::now();
  }

  // Flushes, waits for the point in progress, keeps it too, then closes (collective).
  std::pair<std::uint64_t, double> finish() {
    flush();
    compute_.stop();
    const auto last = collect();
    flush();
    writer_.close();
    return last;
  }

  ComputeThread& compute() { return compute_; }

 private:
  using Clock = std::chrono::steady_clock;
  const Sweep& sweep_;
  const RunOptions& options_;
  std::vector<std::uint64_t> offsets_;
  ResultWriter writer_;
  JournalWriter journal_;
  std::vector<std::vector<std::uint64_t>> pending_points_;
  std::vector<std::vector<MetricValue>> pending_values_;
  std::uint64_t pending_count_ = 0;
  Clock::time_point last_flush_ = Clock::now();
  ComputeThread compute_;
};

constexpr auto kPoll = std::chrono::milliseconds(3);

// Rank 0: dispatches guided chunks to every rank (itself included) and reports progress.
bool run_dispatcher(const Communicator& comm, RankRun& rank, GuidedScheduler& scheduler,
                    Progress* progress) {
  bool stopping = false, local_exhausted = false, interrupted = false;
  int active = comm.size() - 1;
  std::vector<bool> left(comm.size(), false);
  auto stop_everyone = [&] {
    if (stopping) return;
    stopping = interrupted = true;
    for (int r = 1; r < comm.size(); ++r) {
      if (!left[r]) send(comm, r, kTagStop, {});
    }
  };
  for (;;) {
    if (g_stop) stop_everyone();
    const auto [points, seconds] = rank.collect();
    if (progress) progress->add(points, seconds);
    if (!stopping && !local_exhausted && rank.compute().queued() == 0) {
      const std::vector<WorkItem> chunk = scheduler.next_chunk();
      if (chunk.empty()) local_exhausted = true;
      rank.compute().submit(chunk);
    }
    MPI_Status status;
    while (probe(comm, MPI_ANY_SOURCE, status)) {
      const std::vector<std::uint64_t> data = receive(comm, status);
      const int source = status.MPI_SOURCE;
      if (status.MPI_TAG == kTagRequest) {
        std::vector<std::uint64_t> reply;
        if (!stopping) {
          for (const WorkItem& item : scheduler.next_chunk()) {
            reply.push_back(item.id);
            reply.push_back(to_bits(item.seconds));
          }
        }
        send(comm, source, kTagWork, reply);
      } else if (status.MPI_TAG == kTagProgress || status.MPI_TAG == kTagDone) {
        if (progress && data.size() >= 2) progress->add(data[0], from_bits(data[1]));
        if (status.MPI_TAG == kTagDone) {
          if (data.size() >= 3 && data[2]) stop_everyone();
          left[source] = true;
          --active;
          send(comm, source, kTagAck, {});
        }
      }
    }
    rank.flush_if_due();
    if (progress) progress->maybe_print();
    const bool local_finished = stopping || (local_exhausted && rank.compute().idle());
    if (local_finished && active == 0) break;
    rank.compute().wait(kPoll);
  }
  return interrupted;
}

// Every other rank: asks for work when its queue runs dry, reports progress.
bool run_worker(const Communicator& comm, RankRun& rank) {
  using Clock = std::chrono::steady_clock;
  bool awaiting = false, exhausted = false, interrupted = false;
  std::uint64_t unreported_points = 0;
  double unreported_seconds = 0;
  auto last_report = Clock::now();
  for (;;) {
    if (g_stop) interrupted = true;
    const auto [points, seconds] = rank.collect();
    unreported_points += points;
    unreported_seconds += seconds;
    MPI_Status status;
    while (!interrupted && probe(comm, 0, status)) {
      const std::vector<std::uint64_t> data = receive(comm, status);
      if (status.MPI_TAG == kTagStop) {
        interrupted = true;
      } else if (status.MPI_TAG == kTagWork) {
        awaiting = false;
        if (data.empty()) exhausted = true;
        std::vector<WorkItem> chunk;
        for (std::size_t i = 0; i + 1 < data.size(); i += 2)
          chunk.push_back({data[i], from_bits(data[i + 1])});
        rank.compute().submit(chunk);
      }
    }
    if (interrupted || (exhausted && rank.compute().idle())) break;
    // Ask while the last queued point is still computing, hiding the round trip.
    if (!awaiting && !exhausted && rank.compute().queued() == 0) {
      send(comm, 0, kTagRequest, {});
      awaiting = true;
    }
    rank.flush_if_due();
    if (unreported_points > 0 && Clock::now() - last_report > std::chrono::seconds(1)) {
      send(comm, 0, kTagProgress, {unreported_points, to_bits(unreported_seconds)});
      unreported_points = 0;
      unreported_seconds = 0;
      last_report = Clock::now();
    }
    rank.compute().wait(kPoll);
  }
  rank.flush();
  const auto [points, seconds] = rank.collect();
  rank.flush();
  send(comm, 0, kTagDone,
       {unreported_points + points, to_bits(unreported_seconds + seconds), interrupted ? 1u : 0u});
  // Drain until rank 0's acknowledgement: nothing may be left unreceived.
  for (;;) {
    MPI_Status status;
    check_mpi(MPI_Probe(0, MPI_ANY_TAG, comm.get(), &status), "MPI_Probe");
    receive(comm, status);
    if (status.MPI_TAG == kTagAck) break;
  }
  return interrupted;
}

// An IoError's text without its leading "path: ".
std::string problem_of(const IoError& error) {
  const std::string text = error.what();
  const std::string prefix = error.path() + ": ";
  return text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : text;
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

// A full file system must be found before the skeleton is written: HDF5 1.10
// cannot close a file whose final flush failed, and its clean-up at MPI_Finalize
// then crashes instead of reporting.
void check_free_space(const std::string& path, const Sweep& sweep) {
  std::string directory = std::filesystem::path(path).parent_path().string();
  if (directory.empty()) directory = ".";
  struct statvfs space {};
  if (statvfs(directory.c_str(), &space) != 0) return;  // unknown: let the writes report
  const double available = double(space.f_bavail) * double(space.f_frsize);
  const double needed = double(skeleton_bytes(sweep));
  if (available < needed) {
    throw IoError(path, "not enough space: the results file needs about " + format_bytes(needed) +
                            ", " + format_bytes(available) + " free in '" + directory + "'");
  }
}

// The results file cannot be read (a kill at a bad moment, a damaged disk): make
// a fresh skeleton and replay the journal into it. The unreadable file is kept.
std::vector<std::vector<std::uint8_t>> rebuild_from_journal(const std::string& path,
                                                            const Sweep& sweep,
                                                            const Provenance& provenance,
                                                            const IoError& cause) {
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
  const std::string kept = path + ".unreadable";
  std::cerr << "ropesweep: " << cause.what() << "\nropesweep: rebuilding " << path << " from "
            << journal << " (the unreadable file is kept as " << kept << ")\n";
  if (std::rename(path.c_str(), kept.c_str()) != 0) {
    throw IoError(path, "cannot move the unreadable file aside to " + kept);
  }
  create_output(path, sweep, provenance);
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
  ResultWriter writer(path, sweep, MPI_COMM_SELF);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) writer.write(e, points[e], values[e]);
  writer.close();
  return read_done_masks(path, sweep);
}

struct Prepared {
  Sweep sweep;
  std::vector<WorkItem> work;
  std::uint64_t total_points = 0;  // of the sweep, or of the shard
  std::uint64_t already_done = 0;
};

// Rank 0: validate the spec, then create or check the output. Nothing is written
// before the spec is known to be valid.
Prepared prepare(const Communicator& comm, const RunOptions& options) {
  SpecOptions spec_options;
  spec_options.max_points = options.max_points;
  SpecResult parsed = read_sweep(options.spec_path, spec_options);
  throw_if_invalid(parsed, options.spec_path, "; nothing was run");
  Prepared prepared;
  prepared.sweep = std::move(parsed.sweep);
  const std::string& path = options.output_path;
  check_output_location(path);
  const bool exists = access(path.c_str(), F_OK) == 0;
  if (exists && !options.resume && !options.overwrite) {
    throw IoError(path, "already exists; continue it with --resume or replace it with --overwrite");
  }
  std::vector<std::vector<std::uint8_t>> done;
  const CostModel model = options.calibrate ? calibrate(prepared.sweep) : default_cost_model();
  Provenance provenance;
  provenance.spec_path = options.spec_path;
  provenance.start_time = utc_now();
  provenance.cost_model = model.to_json();
  provenance.ranks = comm.size();
  // A shard run computes only its slice, into a file that holds only that slice.
  const auto in_shard = shard_masks(prepared.sweep, options.shard);
  if (exists && options.resume) {
    try {
      done = read_done_masks(path, prepared.sweep);
    } catch (const SweepMismatch&) {
      throw;
    } catch (const ForeignFile&) {
      throw;  // someone else's file: never moved aside, never rebuilt
    } catch (const IoError& error) {
      done = rebuild_from_journal(path, prepared.sweep, provenance, error);
    }
    claim_shard_file(path, options.shard, done, in_shard);
    if (journal_spec(path).empty()) start_journal(path, prepared.sweep.text);
  } else {
    check_free_space(path, prepared.sweep);
    create_output(path, prepared.sweep, provenance);
    claim_shard_file(path, options.shard, done, in_shard);
    start_journal(path, prepared.sweep.text);
  }
  for (const auto& mask : in_shard)
    prepared.total_points += std::count(mask.begin(), mask.end(), 1);
  for (const auto& mask : done) prepared.already_done += std::count(mask.begin(), mask.end(), 1);
  prepared.work = build_work_list(prepared.sweep, model,
                                  options.shard.whole() ? done : done_or_outside(in_shard, done));
  return prepared;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // A second signal falls back to the default action: a stuck run can still be killed.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

ExitCode run_sweep(const Communicator& comm, const RunOptions& options) {
  Prepared prepared;
  std::string failure;
  int code = 0;
  if (comm.is_root()) {
    try {
      prepared = prepare(comm, options);
    } catch (const Error& error) {
      failure = error.what();
      code = int(error.code());
    } catch (const std::exception& error) {
      failure = error.what();
      code = int(ExitCode::kFailure);
    }
  }
  check_mpi(MPI_Bcast(&code, 1, MPI_INT, 0, comm.get()), "MPI_Bcast");
  if (code != 0) {
    if (comm.is_root()) throw Error(failure, ExitCode(code));
    return ExitCode(code);
  }
  // Every rank expands the same spec text to map point ids to parameters.
  const std::string text = comm.broadcast(comm.is_root() ? prepared.sweep.text : std::string());
  if (!comm.is_root()) {
    SpecOptions quick;  // rank 0 has validated every point already
    quick.max_points = std::numeric_limits<std::uint64_t>::max();
    quick.max_point_checks = 0;
    prepared.sweep = parse_sweep(text, options.spec_path, quick).sweep;
  }
  const Sweep& sweep = prepared.sweep;

  std::unique_ptr<Progress> progress;
  std::unique_ptr<GuidedScheduler> scheduler;
  if (comm.is_root()) {
    double predicted = 0;
    for (const WorkItem& item : prepared.work) predicted += item.seconds;
    if (!options.quiet) {
      std::fprintf(stderr,
                   "ropesweep: %s: %llu points in %zu experiment%s, %llu to do on %d rank%s\n",
                   sweep.name.c_str(), static_cast<unsigned long long>(sweep.point_count()),
                   sweep.experiments.size(), sweep.experiments.size() == 1 ? "" : "s",
                   static_cast<unsigned long long>(prepared.work.size()), comm.size(),
                   comm.size() == 1 ? "" : "s");
      if (!options.shard.whole()) {
        std::fprintf(stderr, "ropesweep: shard %s: %llu of the points\n",
                     options.shard.str().c_str(),
                     static_cast<unsigned long long>(prepared.total_points));
      }
      progress =
          std::make_unique<Progress>(prepared.total_points, prepared.already_done, predicted,
                                     stderr, isatty(STDERR_FILENO) != 0, options.progress_seconds);
    }
    scheduler = std::make_unique<GuidedScheduler>(std::move(prepared.work), comm.size());
  }

  bool interrupted = false;
  try {
    RankRun rank(comm, sweep, options);
    interrupted = comm.is_root() ? run_dispatcher(comm, rank, *scheduler, progress.get())
                                 : run_worker(comm, rank);
    const auto [points, seconds] = rank.finish();
    if (progress) progress->add(points, seconds);
  } catch (const Error& error) {
    if (comm.size() == 1) throw;
    // This rank fails alone while the others wait for it: end the whole job.
    std::cerr << "ropesweep: error: rank " << comm.rank() << ": " << error.what() << "\n";
    MPI_Abort(comm.get(), int(error.code()));
  } catch (const std::exception& error) {
    if (comm.size() == 1) throw;
    std::cerr << "ropesweep: error: rank " << comm.rank() << ": " << error.what() << "\n";
    MPI_Abort(comm.get(), int(ExitCode::kFailure));
  }
  interrupted = comm.any(interrupted);
  if (!comm.is_root()) return interrupted ? ExitCode::kInterrupted : ExitCode::kOk;
  if (interrupted) {
    if (progress) progress->finish("");
    throw Interrupted("interrupted; the points computed so far are in " + options.output_path +
                      " (continue with --resume)");
  }
  finish_output(options.output_path, utc_now(), comm.size());
  remove_journal(options.output_path);
  // A shard holds a slice of the grid, on which finishing steps (the frontier of
  // a base axis) would be wrong; the merged file gets them instead.
  if (options.shard.whole()) run_finishing_steps(options.output_path);
  if (progress) progress->finish("wrote " + options.output_path);
  return ExitCode::kOk;
}

}  // namespace ropesweep
