#include "ropesweep/physics/vector_path.hpp"

#include <algorithm>
#include <cstdlib>

#include "ropesweep/core/error.hpp"
#include "vector_target.hpp"

namespace ropesweep {
namespace {

struct VectorPathNames {
  VectorPath path;
  const char* key;   // what ROPESWEEP_SIMD takes
  const char* name;  // what files and messages show
};

constexpr VectorPathNames kVectorPathNames[] = {{VectorPath::kGeneric, "generic", "generic C++"},
                                                {VectorPath::kSse2, "sse2", "SSE2"},
                                                {VectorPath::kAvx2, "avx2", "AVX2"},
                                                {VectorPath::kAvx512, "avx512", "AVX-512F"}};

const VectorPathNames& vector_path_names(VectorPath path) {
  for (const VectorPathNames& names : kVectorPathNames) {
    if (names.path == path) return names;
  }
  return kVectorPathNames[0];
}

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
  // The probe's AVX2 copy is built with FMA, its AVX-512F copy with AVX2 and FMA too
  // (probe_path.hpp): every processor with AVX-512F has both.
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) paths.push_back(VectorPath::kAvx2);
  if (avx2 && __builtin_cpu_supports("avx512f")) paths.push_back(VectorPath::kAvx512);
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

const char* vector_path_name(VectorPath path) { return vector_path_names(path).name; }

const char* vector_path_key(VectorPath path) { return vector_path_names(path).key; }

VectorPath vector_path_keyed(const std::string& key) {
  std::string known;
  for (VectorPath path : available_vector_paths()) {
    const std::string name = vector_path_key(path);
    known += (known.empty() ? "" : ", ") + name;
    if (key == name) return path;
  }
  throw Error("vector path '" + key + "' is not available in this build on this processor " +
              "(available: " + known + ")");
}

void use_vector_path_from_environment() {
  const char* key = std::getenv("ROPESWEEP_SIMD");
  if (key == nullptr || *key == '\0') return;
  try {
    use_vector_path(vector_path_keyed(key));
  } catch (const Error& error) {
    throw Error(std::string("ROPESWEEP_SIMD: ") + error.what());
  }
}

}  // namespace ropesweep
