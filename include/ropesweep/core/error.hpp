#pragma once
// The project's exception hierarchy. Every error that reaches main() is turned
// into exactly one line on stderr and an exit code (see exit_code()).
#include <stdexcept>
#include <string>

namespace ropesweep {

// Exit codes of the `ropesweep` command; documented in docs/sweep-spec.md.
enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,      // internal or unexpected error
  kUsage = 2,        // bad command line
  kSpec = 3,         // sweep spec invalid
  kIo = 4,           // file could not be read or written, or is not ours
  kMpi = 5,          // MPI failure
  kInterrupted = 75  // SIGTERM/SIGINT: results flushed, resume with --resume
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::kFailure)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, ExitCode::kUsage) {}
};

// A position in a source file (1-based line and column; 0 when unknown).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const {
    std::string s = file.empty() ? std::string("<spec>") : file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    return s;
  }
};

class SpecError : public Error {
 public:
  SpecError(const SourceLocation& where, const std::string& problem)
      : Error(where.str() + ": " + problem, ExitCode::kSpec), where_(where), problem_(problem) {}
  const SourceLocation& where() const noexcept { return where_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  SourceLocation where_;
  std::string problem_;
};

// File-level failure; the message names the path and, for HDF5, the library's cause.
class IoError : public Error {
 public:
  IoError(const std::string& path, const std::string& problem)
      : Error(path + ": " + problem, ExitCode::kIo), path_(path) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

class MpiError : public Error {
 public:
  explicit MpiError(const std::string& message) : Error("MPI: " + message, ExitCode::kMpi) {}
};

// Raised inside a run when SIGTERM/SIGINT asked it to stop after flushing.
class Interrupted : public Error {
 public:
  explicit Interrupted(const std::string& message) : Error(message, ExitCode::kInterrupted) {}
};

}  // namespace ropesweep
