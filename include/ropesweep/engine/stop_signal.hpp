#pragma once
// SIGTERM and SIGINT ask a run to stop: every rank flushes what it computed and
// the run exits with kInterrupted, ready for --resume. A second signal falls back
// to the default action, so a stuck run can still be killed.
namespace ropesweep {

void install_stop_handlers();

// Whether a stop signal has arrived in this process.
bool stop_signalled();

}  // namespace ropesweep
