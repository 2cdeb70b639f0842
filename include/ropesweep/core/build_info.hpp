#pragma once
// How this program was built, recorded in every results file (docs/file-format.md,
// "Provenance").
namespace ropesweep {

extern const char* const kVersion;
// The commit the program was built from and whether tracked files differed from it,
// taken when the program is built, not when the build is configured; "unknown"
// outside a git checkout.
extern const char* const kGitCommit;
extern const bool kGitDirty;
// The compiler (id and version) and the flags every translation unit of the project
// is compiled with (build type, target architecture, floating-point contract).
extern const char* const kCompiler;
extern const char* const kCompileFlags;

}  // namespace ropesweep
