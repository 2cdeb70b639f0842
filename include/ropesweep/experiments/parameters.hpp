#pragma once
// Parameter values of one grid point, and the description of the parameters an
// experiment accepts (used by the spec validator and by the experiments).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace ropesweep {

// Numbers are held as double (integers are checked to be whole); strings as text.
using Value = std::variant<double, std::string>;

std::string to_string(const Value& value);

enum class ValueKind { kNumber, kInteger, kString };

// The range rule of a number parameter, as a test and as text.
struct ValueCheck {
  // An empty string when the value is fine, otherwise the problem, phrased to
  // follow the parameter name ("must be > 1").
  std::function<std::string(const Value&)> test;
  std::string range;  // the same rule for the parameter reference: "> 1", "[0, 1]"

  explicit operator bool() const { return static_cast<bool>(test); }
  std::string operator()(const Value& value) const { return test ? test(value) : std::string(); }
};

struct ParameterInfo {
  std::string name;
  ValueKind kind = ValueKind::kNumber;
  std::optional<Value> default_value;  // nullopt: the sweep must set it
  std::vector<std::string> choices;    // allowed strings (kString only); empty: any
  ValueCheck check;                    // numbers only; empty: any finite value
  std::string description;
  std::string unit;  // "tokens", "base", ...; empty for pure numbers and text
  // Other names a spec may use for the same parameter (the keys of transformers'
  // rope_scaling, so that a model's configuration can be copied as it is); the
  // sweep, the file and every message use `name`.
  std::vector<std::string> aliases;
};

class Parameters {
 public:
  void set(const std::string& name, Value value) {
    values_[name] = std::move(value);
    defaults_.erase(name);
  }
  // A value the sweep did not set: the parameter's declared default, which a
  // preset (a model's configuration) may replace.
  void set_default(const std::string& name, Value value) {
    values_[name] = std::move(value);
    defaults_.insert(name);
  }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool is_default(const std::string& name) const { return defaults_.count(name) != 0; }
  const Value& get(const std::string& name) const;  // throws Error if missing
  double number(const std::string& name) const;     // throws Error if missing or a string
  std::int64_t integer(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::map<std::string, Value>& all() const { return values_; }

 private:
  std::map<std::string, Value> values_;
  std::set<std::string> defaults_;
};

}  // namespace ropesweep
