#pragma once
// Problems found while reading one spec, in the order found, each at
// file:line:column of the spec and each on one line.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ropesweep/core/error.hpp"

namespace ropesweep::detail {

// Problems quote the spec's own text (keys, values); control characters in it
// (a quoted "a\nb") are escaped so that every problem stays on one line.
std::string one_line(const std::string& text);

class SpecProblems {
 public:
  explicit SpecProblems(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Where a node starts (line 0 for a node without a position).
  SourceLocation where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return SourceLocation{path_, 0, 0};
    return where(mark);
  }
  SourceLocation where(const YAML::Mark& mark) const {
    return SourceLocation{path_, mark.line + 1, mark.column + 1};
  }

  void add(const SourceLocation& at, const std::string& text) {
    problems_.emplace_back(at, one_line(text));
  }
  void add(const YAML::Node& node, const std::string& text) { add(where(node), text); }
  // Problems found elsewhere, already on one line.
  void add_all(const std::vector<SpecError>& found) {
    problems_.insert(problems_.end(), found.begin(), found.end());
  }

  std::size_t count() const { return problems_.size(); }
  bool empty() const { return problems_.empty(); }
  std::vector<SpecError> take() { return std::move(problems_); }

 private:
  std::string path_;
  std::vector<SpecError> problems_;
};

}  // namespace ropesweep::detail
