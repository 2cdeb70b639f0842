#include "ropesweep/physics/vector_path.hpp"

#include <algorithm>
#include <utility>

#include "ropesweep/core/error.hpp"
#include "vector_target.hpp"

namespace ropesweep {
namespace {

// The fastest path unless a test or ROPESWEEP_SIMD chose another (use_vector_path).
VectorPath& chosen_vector_path() {
  static VectorPath path = available_vector_paths().back();
  return path;
}

bool available(VectorPath path) {
  const std::vector<VectorPath> paths = available_vector_paths();
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

}  // namespace

std::vector<VectorPath> available_vector_paths() {
  std::vector<VectorPath> paths{VectorPath::kGeneric};
#if ROPESWEEP_X86_KERNELS
  paths.push_back(VectorPath::kSse2);  // the x86-64 baseline
  if (__builtin_cpu_supports("avx2")) paths.push_back(VectorPath::kAvx2);
  if (__builtin_cpu_supports("avx512f")) paths.push_back(VectorPath::kAvx512);
#endif
  return paths;
}

void use_vector_path(VectorPath path) {
  if (!available(path)) {
    throw Error(std::string("vector path ") + vector_path_name(path) +
                " is not available in this build on this processor");
  }
  chosen_vector_path() = path;
}

VectorPath vector_path() { return chosen_vector_path(); }

const char* vector_path_name(VectorPath path) {
  switch (path) {
    case VectorPath::kSse2:
      return "SSE2";
    case VectorPath::kAvx2:
      return "AVX2";
    case VectorPath::kAvx512:
      return "AVX-512F";
    default:
      return "generic C++";
  }
}

VectorPath vector_path_keyed(const std::string& key) {
  const std::pair<const char*, VectorPath> keys[] = {{"generic", VectorPath::kGeneric},
                                                     {"sse2", VectorPath::kSse2},
                                                     {"avx2", VectorPath::kAvx2},
                                                     {"avx512", VectorPath::kAvx512}};
  std::string known;
  for (const auto& [name, path] : keys) {
    if (!available(path)) continue;
    known += (known.empty() ? "" : ", ") + std::string(name);
    if (key == name) return path;
  }
  throw Error("vector path '" + key + "' is not available in this build on this processor " +
              "(available: " + known + ")");
}

}  // namespace ropesweep
