#include "ropesweep/physics/kernel_paths.hpp"

#include <sleef.h>

#include <Eigen/Core>
#include <string>

#include "ropesweep/physics/decay.hpp"

namespace ropesweep {

std::string kernel_instruction_sets() {
  return std::string("decay and bmin walks: ") +
         (detail::uses_wide_vectors() ? "AVX2" : "SSE2") +
         " (the same bits either way); pairwise block kernel and sincos: SSE2 intrinsics; "
         "Eigen products and everything else: the compile flags' target";
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
