#pragma once
// How the ranks of a run share the work. Rank 0 dispatches: it hands the
// scheduler's guided chunks to every rank that asks, feeds its own compute
// thread from the same scheduler, and counts progress. Every other rank is a
// worker: it asks for its next chunk while its last point is still computing
// (hiding the round trip), sends its results to rank 0 (which writes them into
// the results file) and reports what it finished about once a second, and
// leaves with a Done message that rank 0 acknowledges, so that no message is
// left unreceived. A stop request on any rank stops them all; every rank then
// flushes what it computed, a worker before its Done. The messages:
// engine/message.hpp.
#include <chrono>
#include <functional>

#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/engine/message.hpp"
#include "ropesweep/engine/progress.hpp"
#include "ropesweep/engine/result_buffer.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/engine/transport.hpp"

namespace ropesweep {

// The parts of one rank the protocol drives.
struct LocalRank {
  ComputeThread& compute;
  ResultSink& results;
  std::function<bool()> stop_requested;  // in a run: stop_signalled
};

// Longest sleep between two looks at the messages.
inline constexpr std::chrono::milliseconds kPollInterval{3};
// How often a worker reports its finished points to rank 0.
inline constexpr std::chrono::milliseconds kProgressReportInterval{1000};

// Hands the points the compute thread finished to the rank's results; throws the
// compute thread's failure once the points that succeeded are flushed.
Tally collect(LocalRank& rank);

// Flushes, waits for the point in progress, and keeps and flushes it too.
// Returns what was collected after the protocol loop ended.
Tally wind_down(LocalRank& rank);

// Rank 0's loop. Returns whether the run was interrupted; `progress` may be null.
bool run_dispatcher(Transport& transport, LocalRank& rank, GuidedScheduler& scheduler,
                    Progress* progress);

// Every other rank's loop. Returns whether the run was interrupted.
bool run_worker(Transport& transport, LocalRank& rank,
                std::chrono::milliseconds report_interval = kProgressReportInterval);

}  // namespace ropesweep
