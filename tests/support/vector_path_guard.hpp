#pragma once
// Tests that switch the program's vector path (vector_path.hpp): a guard that restores the
// path in use when it goes out of scope, and a loop over every path this processor has.
#include <gtest/gtest.h>

#include "ropesweep/physics/vector_path.hpp"

namespace ropesweep {

class VectorPathGuard {
 public:
  VectorPathGuard() : saved_(vector_path()) {}
  ~VectorPathGuard() { use_vector_path(saved_); }
  VectorPathGuard(const VectorPathGuard&) = delete;
  VectorPathGuard& operator=(const VectorPathGuard&) = delete;

 private:
  VectorPath saved_;
};

// Runs `check(path)` once on every vector path, narrowest first, each failure traced to it.
template <typename Check>
void on_every_vector_path(Check check) {
  VectorPathGuard guard;
  for (VectorPath path : available_vector_paths()) {
    SCOPED_TRACE(vector_path_name(path));
    use_vector_path(path);
    check(path);
  }
}

}  // namespace ropesweep
