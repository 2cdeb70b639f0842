#include "ropesweep/engine/work_list.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "ropesweep/core/error.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {
namespace {

// More cost classes than this means the declaration groups almost nothing: the grid's
// cost is then read point by point from a table of this size at most.
constexpr std::uint64_t kMaxCostClasses = std::uint64_t(1) << 26;
// Points priced in full to check a grid's cost classes.
constexpr std::uint64_t kCheckedPoints = 64;

// One experiment grid as the list needs it: no reference to the sweep, which may move.
struct GridCosts {
  std::uint64_t offset = 0;                 // global id of its point 0
  std::vector<std::uint64_t> shape;         // its dimensions
  std::vector<std::uint64_t> class_stride;  // per dimension; 0: not a cost dimension
  std::vector<double> seconds;              // per cost class, of the whole point
  std::vector<std::int64_t> batches;        // per cost class
};

// Walks the points of a grid in index order from `first`, keeping each one's cost class.
class ClassWalk {
 public:
  ClassWalk(const GridCosts& grid, std::uint64_t first)
      : grid_(grid), coordinates_(grid.shape.size()) {
    for (std::size_t d = grid.shape.size(); d-- > 0;) {
      coordinates_[d] = first % grid.shape[d];
      first /= grid.shape[d];
      cost_class_ += coordinates_[d] * grid.class_stride[d];
    }
  }
  std::uint64_t cost_class() const { return cost_class_; }
  void advance() {
    for (std::size_t d = grid_.shape.size(); d-- > 0;) {
      cost_class_ += grid_.class_stride[d];
      if (++coordinates_[d] < grid_.shape[d] || d == 0) return;
      cost_class_ -= grid_.class_stride[d] * grid_.shape[d];
      coordinates_[d] = 0;
    }
  }

 private:
  const GridCosts& grid_;
  std::vector<std::uint64_t> coordinates_;
  std::uint64_t cost_class_ = 0;
};

bool names_cost(const Dimension& dimension, const std::vector<std::string>& cost_parameters) {
  if (cost_parameters.empty()) return true;  // no declaration: every dimension counts
  for (const Axis& axis : dimension.axes) {
    if (std::find(cost_parameters.begin(), cost_parameters.end(), axis.name) !=
        cost_parameters.end()) {
      return true;
    }
  }
  return false;
}

GridCosts price_grid(const ExperimentGrid& grid, const CostModel& model, std::uint64_t offset) {
  GridCosts costs;
  costs.offset = offset;
  costs.shape = grid.shape();
  const std::vector<std::string> cost_parameters = grid.experiment->cost_parameters();
  costs.class_stride.assign(costs.shape.size(), 0);
  std::uint64_t classes = 1;
  for (std::size_t d = costs.shape.size(); d-- > 0;) {
    if (!names_cost(grid.dimensions[d], cost_parameters)) continue;
    costs.class_stride[d] = classes;
    classes *= costs.shape[d];
    if (classes > kMaxCostClasses) {
      throw Error("experiment '" + grid.name + "': more than " +
                  std::to_string(kMaxCostClasses) +
                  " points of different cost; split the grid or fix its cost axes");
    }
  }
  costs.seconds.resize(classes);
  costs.batches.resize(classes);
  // A class's point: its coordinates on the cost dimensions, 0 on the others.
  for (std::uint64_t cost_class = 0; cost_class < classes; ++cost_class) {
    std::vector<std::uint64_t> coordinates(costs.shape.size(), 0);
    for (std::size_t d = 0; d < costs.shape.size(); ++d) {
      if (costs.class_stride[d] != 0) {
        coordinates[d] = cost_class / costs.class_stride[d] % costs.shape[d];
      }
    }
    const Parameters point = grid.point(grid.point_index(coordinates));
    costs.seconds[cost_class] = model.seconds(grid, point);
    costs.batches[cost_class] = grid.experiment->batch_count(point);
  }
  // The declaration must hold: points spread over the grid priced in full.
  const std::uint64_t points = grid.point_count();
  for (std::uint64_t k = 0; k < std::min(points, kCheckedPoints); ++k) {
    const std::uint64_t index = points < 2 ? 0 : k * (points - 1) / (kCheckedPoints - 1);
    const std::uint64_t cost_class = ClassWalk(costs, index).cost_class();
    const Parameters point = grid.point(index);
    if (model.seconds(grid, point) != costs.seconds[cost_class] ||
        grid.experiment->batch_count(point) != costs.batches[cost_class]) {
      throw Error("experiment kind '" + grid.kind + "': its cost parameters do not fix the " +
                  "cost of point " + std::to_string(index) + " of '" + grid.name +
                  "' (a parameter its work or batches read is not declared)");
    }
  }
  return costs;
}

}  // namespace

// Points [first, last) of one experiment, handed out together.
struct WorkUnit {
  std::uint32_t experiment = 0;
  std::uint64_t first = 0, last = 0;
  double max_seconds = 0;  // its largest task still to do
};

struct WorkList::Plan {
  std::vector<GridCosts> grids;
  std::vector<WorkUnit> units;  // in hand-out order
  PointMasks done;
  PartialPoints computed;
  std::vector<WorkItem> items;  // an explicit list: one unit
  bool explicit_items = false;
  std::uint64_t tasks = 0;
  double total_seconds = 0, largest_task = 0;
  std::vector<Totals> totals;

  bool is_done(std::size_t e, std::uint64_t point) const {
    return !done.empty() && !done[e].empty() && done[e][point] != 0;
  }
  bool holds(std::size_t e, std::uint64_t point, std::int64_t batch) const {
    return computed.size() > 0 && computed.holds(e, point, batch);
  }
};

WorkList::WorkList(const Sweep& sweep, const CostModel& model, PointMasks done,
                   PartialPoints computed) {
  auto plan = std::make_shared<Plan>();
  plan->done = std::move(done);
  plan->computed = std::move(computed);
  plan->totals.resize(sweep.experiments.size());
  const std::vector<std::uint64_t> offsets = experiment_offsets(sweep);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ExperimentGrid& grid = sweep.experiments[e];
    plan->grids.push_back(price_grid(grid, model, offsets[e]));
    const GridCosts& costs = plan->grids.back();
    const BlockLayout layout(costs.shape);
    const bool by_blocks = layout.block_count() > 1;
    Totals& totals = plan->totals[e];
    ClassWalk walk(costs, 0);
    WorkUnit unit{std::uint32_t(e), 0, 0, 0};
    bool unit_has_work = false;
    auto close_unit = [&](std::uint64_t end) {
      unit.last = end;
      if (unit_has_work) plan->units.push_back(unit);
      unit = {std::uint32_t(e), end, end, 0};
      unit_has_work = false;
    };
    const std::uint64_t points = grid.point_count();
    std::uint64_t block_end = by_blocks ? layout.point_count(0) : 1;
    for (std::uint64_t point = 0; point < points; ++point, walk.advance()) {
      if (point == block_end) {
        close_unit(point);
        block_end += by_blocks ? layout.point_count(layout.block_of(point)) : 1;
      }
      if (plan->is_done(e, point)) continue;
      const double seconds = costs.seconds[walk.cost_class()];
      const std::int64_t batches = costs.batches[walk.cost_class()];
      std::int64_t to_do = batches;
      if (plan->computed.size() > 0) {
        for (std::int64_t b = 0; b < batches; ++b) to_do -= plan->holds(e, point, b) ? 1 : 0;
      }
      if (to_do == 0) continue;
      const double share = seconds / double(batches);
      ++totals.points;
      totals.tasks += std::uint64_t(to_do);
      totals.seconds += share * double(to_do);
      plan->largest_task = std::max(plan->largest_task, share);
      unit.max_seconds = std::max(unit.max_seconds, share);
      unit_has_work = true;
    }
    close_unit(points);
    plan->tasks += totals.tasks;
    plan->total_seconds += totals.seconds;
  }
  std::stable_sort(plan->units.begin(), plan->units.end(),
                   [](const WorkUnit& a, const WorkUnit& b) { return a.max_seconds > b.max_seconds; });
  plan_ = std::move(plan);
}

WorkList::WorkList(std::vector<WorkItem> items) {
  auto plan = std::make_shared<Plan>();
  plan->explicit_items = true;
  plan->tasks = items.size();
  for (const WorkItem& item : items) {
    plan->total_seconds += item.seconds;
    plan->largest_task = std::max(plan->largest_task, item.seconds);
  }
  plan->items = std::move(items);
  plan_ = std::move(plan);
}

void WorkList::reverse() { reversed_ = !reversed_; }

bool WorkList::fill() {
  const Plan& plan = *plan_;
  buffer_.clear();
  taken_ = 0;
  if (plan.explicit_items) {
    if (unit_ > 0) return false;
    ++unit_;
    buffer_ = plan.items;
  } else {
    if (unit_ >= plan.units.size()) return false;
    const WorkUnit& unit = plan.units[reversed_ ? plan.units.size() - 1 - unit_ : unit_];
    ++unit_;
    const GridCosts& costs = plan.grids[unit.experiment];
    ClassWalk walk(costs, unit.first);
    for (std::uint64_t point = unit.first; point < unit.last; ++point, walk.advance()) {
      if (plan.is_done(unit.experiment, point)) continue;
      const std::int64_t batches = costs.batches[walk.cost_class()];
      const double share = costs.seconds[walk.cost_class()] / double(batches);
      for (std::int64_t b = 0; b < batches; ++b) {
        if (!plan.holds(unit.experiment, point, b)) buffer_.push_back({costs.offset + point, b, share});
      }
    }
  }
  if (reversed_) std::reverse(buffer_.begin(), buffer_.end());
  return true;
}

const WorkItem* WorkList::peek() {
  while (taken_ == buffer_.size()) {
    if (!fill()) return nullptr;
  }
  return &buffer_[taken_];
}

std::optional<WorkItem> WorkList::next() {
  const WorkItem* item = peek();
  if (!item) return std::nullopt;
  ++taken_;
  return *item;
}

std::uint64_t WorkList::tasks() const { return plan_->tasks; }
double WorkList::total_seconds() const { return plan_->total_seconds; }
double WorkList::largest_task_seconds() const { return plan_->largest_task; }
const std::vector<WorkList::Totals>& WorkList::totals() const { return plan_->totals; }

std::vector<WorkItem> WorkList::take_all() {
  std::vector<WorkItem> items;
  while (const std::optional<WorkItem> item = next()) items.push_back(*item);
  return items;
}

std::vector<WorkItem> build_work_list(const Sweep& sweep, const CostModel& model,
                                      const PointMasks& done, const PartialPoints* computed) {
  return WorkList(sweep, model, done, computed ? *computed : PartialPoints{}).take_all();
}

}  // namespace ropesweep
