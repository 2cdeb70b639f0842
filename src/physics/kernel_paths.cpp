#include "ropesweep/physics/kernel_paths.hpp"

#include <sleef.h>

#include <Eigen/Core>
#include <string>

#include "probe_path.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

namespace ropesweep {

std::string kernel_instruction_sets() {
#if ROPESWEEP_X86_KERNELS
  const VectorPath path = vector_path();
  const VectorPath walks =
      path == VectorPath::kAvx512 ? VectorPath::kAvx2 : path;  // no AVX-512 walk
  return std::string("vector path ") + vector_path_key(path) +
         " (ROPESWEEP_SIMD=" + vector_path_key(path) +
         " takes it again); decay and bmin walks: " + vector_path_name(walks) +
         "; pairwise block kernel, sincos, normal draws and bivariate normals: " +
         vector_path_name(path) + " (the same bits on every path); probe products and attention: " +
         probe_path().instruction_sets +
         " (the bits of this path); everything else: the compile flags' target";
#else
  return "decay and bmin walks, pairwise block kernel, sincos, normal draws and bivariate normals: "
         "generic C++, no "
         "vector intrinsics (SLEEF's portable scalar functions; the same bits as the x86 vector "
         "kernels); "
         "Eigen products and everything else: the compile flags' target";
#endif
}

std::string eigen_version() {
  return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION);
}

std::string sleef_version() {
  return std::to_string(SLEEF_VERSION_MAJOR) + "." + std::to_string(SLEEF_VERSION_MINOR) + "." +
         std::to_string(SLEEF_VERSION_PATCHLEVEL);
}

}  // namespace ropesweep
