#pragma once
// The one declaration of an experiment's metrics: each metric's name, units and
// description together with the field of the experiment's result it reads. The
// values an experiment returns are produced from these declarations, so a value
// can never be filed under another metric's name.
#include <utility>
#include <vector>

#include "ropesweep/core/estimate.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep {

template <typename Result>
class MetricBinding {
 public:
  MetricBinding& add(MetricInfo info, Estimate Result::*field) {
    for (const MetricInfo& existing : infos_) {
      if (existing.name == info.name) throw Error("metric '" + info.name + "' declared twice");
    }
    infos_.push_back(std::move(info));
    fields_.push_back(field);
    return *this;
  }

  const std::vector<MetricInfo>& infos() const { return infos_; }

  // The values of `result`, one per declared metric, in declaration order.
  std::vector<MetricValue> values(const Result& result) const {
    std::vector<MetricValue> out;
    out.reserve(fields_.size());
    for (const auto field : fields_) out.push_back(result.*field);
    return out;
  }

 private:
  std::vector<MetricInfo> infos_;
  std::vector<Estimate Result::*> fields_;
};

}  // namespace ropesweep
