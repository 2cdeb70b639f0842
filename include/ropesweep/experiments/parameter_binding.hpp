#pragma once
// The one declaration of an experiment's parameters: each parameter's name, kind,
// default, range, unit and description together with the field of the
// experiment's configuration it fills. The spec reader validates against the
// declarations (parameters()), the experiment reads a point through them
// (bind()), and `ropesweep describe` and docs/parameters.md print them, so no
// parameter is named anywhere else.
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep {

template <typename Config>
class ParameterBinding {
 public:
  // A number stored in `field`: double, an integer type (the parameter must be
  // kInteger) or bool (a 0/1 flag).
  template <typename Field>
  ParameterBinding& add(ParameterInfo info, Field Config::*field) {
    static_assert(std::is_arithmetic_v<Field>, "a number parameter needs a number field");
    const std::string name = info.name;
    const bool whole = info.kind == ValueKind::kInteger;
    return add_entry(
        std::move(info), [name, whole, field](const Parameters& point, Config& config) {
          if constexpr (std::is_same_v<Field, bool>) {
            config.*field = point.integer(name) != 0;
          } else if constexpr (std::is_integral_v<Field>) {
            config.*field = static_cast<Field>(point.integer(name));
          } else {
            config.*field =
                static_cast<Field>(whole ? double(point.integer(name)) : point.number(name));
          }
        });
  }

  // A text parameter turned into `field` by `parse` (which throws Error on
  // names it does not know).
  template <typename Field>
  ParameterBinding& add(ParameterInfo info, Field Config::*field,
                        Field (*parse)(const std::string&)) {
    const std::string name = info.name;
    return add_entry(std::move(info),
                     [name, field, parse](const Parameters& point, Config& config) {
                       config.*field = parse(point.text(name));
                     });
  }

  // A text parameter whose value names a preset: values for other parameters (a
  // model's configuration, docs/models.md). bind() gives the preset's value to
  // every parameter that the preset names, this binding declares and the point
  // holds at its default (the sweep did not set it): a value the sweep sets always
  // wins. `lookup` returns the named preset's values (empty for a choice such as
  // "none") and throws Error on names it does not know.
  using PresetValues = std::map<std::string, Value>;
  using PresetLookup = const PresetValues& (*)(const std::string& choice);
  ParameterBinding& add_preset(ParameterInfo info, PresetLookup lookup) {
    presets_.push_back({info.name, lookup});
    return add_entry(std::move(info), [](const Parameters&, Config&) {});
  }

  // Every parameter of `block` but those in `except`, filling the part of the
  // configuration at `member` (e.g. the encoding block of an experiment). The
  // block's presets always come along: they apply to whatever parameters the
  // including experiment declares.
  template <typename Part>
  ParameterBinding& include(const ParameterBinding<Part>& block, Part Config::*member,
                            const std::vector<std::string>& except = {}) {
    return include_if(block, member, [&](const std::string& name) {
      return std::find(except.begin(), except.end(), name) == except.end();
    });
  }

  // Only the parameters of `block` named in `only`; the rest of the part keeps
  // its defaults.
  template <typename Part>
  ParameterBinding& include_only(const ParameterBinding<Part>& block, Part Config::*member,
                                 const std::vector<std::string>& only) {
    return include_if(block, member, [&](const std::string& name) {
      return std::find(only.begin(), only.end(), name) != only.end();
    });
  }

  // Another default for a parameter already declared (an included block's
  // parameter that this experiment defaults differently).
  ParameterBinding& set_default(const std::string& name, Value value) {
    info_named(name).default_value = std::move(value);
    return *this;
  }

  // Runs after every parameter is filled: fields derived from others.
  ParameterBinding& then(std::function<void(Config&)> finish) {
    finishers_.push_back(std::move(finish));
    return *this;
  }

  const std::vector<ParameterInfo>& infos() const { return infos_; }

  // The configuration of one grid point (every declared parameter must be set),
  // presets applied.
  Config bind(const Parameters& point) const {
    const Parameters* effective = &point;
    Parameters preset_point;
    if (applies_presets(point)) {
      preset_point = with_presets(point);
      effective = &preset_point;
    }
    Config config{};
    for (const auto& fill : fillers_) fill(*effective, config);
    for (const auto& finish : finishers_) finish(config);
    return config;
  }

  // The point with every preset it holds applied: what bind() fills the
  // configuration from.
  Parameters with_presets(const Parameters& point) const {
    Parameters effective = point;
    for (const Preset& preset : presets_) {
      if (!point.has(preset.name)) continue;
      const std::string& choice = point.text(preset.name);
      for (const auto& [name, value] : preset.lookup(choice)) {
        const ParameterInfo* info = find_info(name);
        if (!info || !point.is_default(name)) continue;
        const std::string problem = value_problem(*info, value);
        if (!problem.empty()) {
          throw Error(preset.name + " '" + choice + "': " + problem);
        }
        effective.set_default(name, value);
      }
    }
    return effective;
  }

  using Filler = std::function<void(const Parameters&, Config&)>;
  const Filler& filler(std::size_t index) const { return fillers_[index]; }
  struct Preset {
    std::string name;  // the parameter that names the preset
    PresetLookup lookup;
  };
  const std::vector<Preset>& presets() const { return presets_; }
  const std::vector<std::function<void(Config&)>>& finishers() const { return finishers_; }

 private:
  ParameterBinding& add_entry(ParameterInfo info, Filler fill) {
    for (const ParameterInfo& existing : infos_) {
      if (existing.name == info.name) throw Error("parameter '" + info.name + "' declared twice");
    }
    infos_.push_back(std::move(info));
    fillers_.push_back(std::move(fill));
    return *this;
  }

  template <typename Part, typename Wanted>
  ParameterBinding& include_if(const ParameterBinding<Part>& block, Part Config::*member,
                               Wanted&& wanted) {
    const auto is_preset = [&](const std::string& name) {
      for (const auto& preset : block.presets()) {
        if (preset.name == name) return true;
      }
      return false;
    };
    for (std::size_t i = 0; i < block.infos().size(); ++i) {
      const ParameterInfo& info = block.infos()[i];
      if (!wanted(info.name) && !is_preset(info.name)) continue;
      add_entry(info, [fill = block.filler(i), member](const Parameters& point, Config& config) {
        fill(point, config.*member);
      });
    }
    for (const auto& finish : block.finishers()) {
      finishers_.push_back([finish, member](Config& config) { finish(config.*member); });
    }
    for (const auto& preset : block.presets()) presets_.push_back({preset.name, preset.lookup});
    return *this;
  }

  // Whether a preset of the point names any values (none are applied otherwise,
  // and bind() reads the point itself).
  bool applies_presets(const Parameters& point) const {
    for (const Preset& preset : presets_) {
      if (point.has(preset.name) && !preset.lookup(point.text(preset.name)).empty()) return true;
    }
    return false;
  }

  const ParameterInfo* find_info(const std::string& name) const {
    for (const ParameterInfo& info : infos_) {
      if (info.name == name) return &info;
    }
    return nullptr;
  }

  ParameterInfo& info_named(const std::string& name) {
    for (ParameterInfo& info : infos_) {
      if (info.name == name) return info;
    }
    throw Error("no parameter '" + name + "' to set a default for");
  }

  std::vector<ParameterInfo> infos_;
  std::vector<Filler> fillers_;
  std::vector<std::function<void(Config&)>> finishers_;
  std::vector<Preset> presets_;
};

}  // namespace ropesweep
