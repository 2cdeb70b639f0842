#pragma once
// What a spec's raw text must pass before it is read as a sweep: a size limit,
// UTF-8, a single YAML document of bounded depth, and mappings whose keys are
// plain text given once (YAML::Load would silently keep one of two equal keys).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "spec_problems.hpp"

namespace ropesweep::detail {

// A spec is one small text file; anything much larger is a mistake (a results
// file or a data dump given as the spec), and long axes have compact forms.
inline constexpr std::size_t kMaxSpecBytes = std::size_t(1) << 22;

// The problem for a spec of `bytes` bytes, above kMaxSpecBytes.
std::string too_large(std::uintmax_t bytes);

// The spec's YAML when the text passes every guard; nullopt after adding what
// it failed to `problems`.
std::optional<YAML::Node> load_spec_yaml(const std::string& text, SpecProblems& problems);

}  // namespace ropesweep::detail
