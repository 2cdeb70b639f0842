#include "ropesweep/physics/decay.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace detail {

// Walks B(m) for m = 0, 1, 2, ... by rotating each term's phasor one step at a
// time (exp(i (m+1) theta) = exp(i m theta) exp(i theta)); every kResync steps the
// phasors are recomputed from cos/sin so rounding errors never accumulate beyond
// ~kResync ulps. Vectorised over the d/2 terms with Eigen arrays.
class DecayWalker {
 public:
  static constexpr std::int64_t kResync = 1024;

  DecayWalker(double base, int head_dim) : DecayWalker(frequencies(base, head_dim)) {}
  explicit DecayWalker(const Eigen::ArrayXd& theta) : theta_(theta) {
    step_cos_ = theta_.cos();
    step_sin_ = theta_.sin();
  }

  static Eigen::ArrayXd frequencies(double base, int head_dim) {
    if (head_dim < 2 || head_dim % 2 != 0) throw Error("head_dim must be even and >= 2");
    if (!(base > 1.0)) throw Error("base must be > 1");
    Eigen::ArrayXd theta(head_dim / 2);
    for (int t = 0; t < head_dim / 2; ++t) theta[t] = std::pow(base, -2.0 * t / head_dim);
    return theta;
  }

  // Visits B(m) for m = first .. last in order; stops early when visit returns false.
  // Returns the m at which it stopped, or last + 1.
  template <typename Visit>
  std::int64_t walk(std::int64_t first, std::int64_t last, Visit&& visit) {
    Eigen::ArrayXd re(theta_.size()), im(theta_.size()), next(theta_.size());
    for (std::int64_t block = first; block <= last; block += kResync) {
      const Eigen::ArrayXd angle = theta_ * static_cast<double>(block);
      re = angle.cos();
      im = angle.sin();
      const std::int64_t end = std::min(last, block + kResync - 1);
      for (std::int64_t m = block; m <= end; ++m) {
        if (!visit(m, re.sum())) return m;
        next = re * step_cos_ - im * step_sin_;
        im = re * step_sin_ + im * step_cos_;
        re = next;
      }
    }
    return last + 1;
  }

 private:
  Eigen::ArrayXd theta_, step_cos_, step_sin_;
};

}  // namespace detail

double long_term_decay(double base, int head_dim, double m) {
  double sum = 0.0;
  for (int t = 0; t < head_dim / 2; ++t) sum += std::cos(m * std::pow(base, -2.0 * t / head_dim));
  return sum;
}

FirstNegative first_negative(double base, int head_dim, std::int64_t cap) {
  if (cap < 1) throw Error("first_negative: cap must be >= 1");
  detail::DecayWalker walker(base, head_dim);
  FirstNegative result;
  result.cap = cap;
  const std::int64_t stop =
      walker.walk(0, cap - 1, [](std::int64_t, double b) { return b >= 0.0; });
  result.capped = stop >= cap;
  result.distance = stop;
  return result;
}

double min_decay(double base, int head_dim, std::int64_t length) {
  detail::DecayWalker walker(base, head_dim);
  double lowest = std::numeric_limits<double>::infinity();
  walker.walk(0, length, [&](std::int64_t, double b) {
    lowest = std::min(lowest, b);
    return true;
  });
  return lowest;
}

namespace {

// min of cos over the angles [low, high] (low <= high): -1 when the interval holds
// an odd multiple of pi, else the smaller end value.
double min_cos(double low, double high) {
  const double k = std::ceil((low - M_PI) / (2.0 * M_PI));
  if (M_PI + 2.0 * M_PI * k <= high) return -1.0;
  return std::min(std::cos(low), std::cos(high));
}

}  // namespace

// Split B(m) = F(m) + S(m): F over the fast terms (those turning more than
// kSlowAngle over a block of kBlock distances), walked exactly; S over the slow
// terms, bounded below per block by the minimum of each cosine over its angle
// interval. Only where F(m) + bound(S) < 0 is S(m) evaluated exactly. Same
// answer as walking every term (up to rounding ~1e-13), a few times faster
// because the slow terms, most of them for large bases, cost one bound per block.
bool is_admissible(double base, int head_dim, std::int64_t length) {
  constexpr std::int64_t kBlock = 512;
  constexpr double kSlowAngle = 1.0;
  const Eigen::ArrayXd theta = detail::DecayWalker::frequencies(base, head_dim);
  Eigen::Index fast = 0;
  while (fast < theta.size() && theta[fast] * kBlock > kSlowAngle) ++fast;
  if (fast == theta.size() || fast == 0) {
    detail::DecayWalker walker(theta);
    return walker.walk(0, length, [](std::int64_t, double b) { return b >= 0.0; }) > length;
  }
  const Eigen::ArrayXd slow = theta.tail(theta.size() - fast);
  detail::DecayWalker fast_walker(theta.head(fast));
  for (std::int64_t first = 0; first <= length; first += kBlock) {
    const std::int64_t last = std::min(length, first + kBlock - 1);
    double slow_bound = 0.0;
    for (Eigen::Index t = 0; t < slow.size(); ++t) {
      slow_bound +=
          min_cos(static_cast<double>(first) * slow[t], static_cast<double>(last) * slow[t]);
    }
    bool negative = false;
    fast_walker.walk(first, last, [&](std::int64_t m, double fast_sum) {
      if (fast_sum + slow_bound >= 0.0) return true;
      const double slow_sum = (slow * static_cast<double>(m)).cos().sum();
      negative = fast_sum + slow_sum < 0.0;
      return !negative;
    });
    if (negative) return false;
  }
  return true;
}

namespace {

// Narrows (inadmissible lo, admissible hi) down to a relative width `width`:
// an 8-point geometric sub-scan first (so that a short admissible stretch inside
// the interval is not jumped over), keeping either the first (lowest) or the last
// transition, then bisection in log(base).
struct Bracket {
  double lo, hi;
};

Bracket refine(Bracket bracket, bool keep_lowest, double width, int head_dim, std::int64_t length,
               std::int64_t& evaluations) {
  constexpr int kSubSteps = 8;
  const double step = std::pow(bracket.hi / bracket.lo, 1.0 / kSubSteps);
  std::vector<double> points{bracket.lo};
  std::vector<bool> admissible{false};
  for (int k = 1; k < kSubSteps; ++k) {
    points.push_back(bracket.lo * std::pow(step, k));
    admissible.push_back(is_admissible(points.back(), head_dim, length));
    ++evaluations;
  }
  points.push_back(bracket.hi);
  admissible.push_back(true);
  if (keep_lowest) {
    for (int k = 1; k <= kSubSteps; ++k) {
      if (admissible[k]) {
        bracket = {points[k - 1], points[k]};
        // The sub-point below may itself be admissible only if k - 1 == 0 (it is not).
        break;
      }
    }
  } else {
    for (int k = kSubSteps - 1; k >= 0; --k) {
      if (!admissible[k]) {
        bracket = {points[k], points[k + 1]};
        break;
      }
    }
  }
  while (bracket.hi / bracket.lo > 1.0 + width) {
    const double mid = std::sqrt(bracket.lo * bracket.hi);
    ++evaluations;
    if (is_admissible(mid, head_dim, length)) {
      bracket.hi = mid;
    } else {
      bracket.lo = mid;
    }
  }
  return bracket;
}

}  // namespace

MinimalBase minimal_base(std::int64_t length, int head_dim, double resolution) {
  if (length < 1) throw Error("b_min: length must be >= 1");
  if (head_dim < 2 || head_dim % 2 != 0) throw Error("b_min: head_dim must be even and >= 2");
  if (!(resolution > 0.0 && resolution <= 0.5))
    throw Error("b_min: resolution must be in (0, 0.5]");
  MinimalBase result;
  result.resolution = resolution;
  const double ratio = 1.0 + resolution;
  double first_admissible = 0.0, below_first = 0.0;
  double last_inadmissible = 0.0, above_last = 0.0;
  bool previous_admissible = false;
  double previous = 1.0;
  for (int j = 1;; ++j) {
    const double base = std::pow(ratio, j);
    if (base > kMaxScanBase) break;
    ++result.bases_evaluated;
    result.scan_top = base;
    const bool admissible = is_admissible(base, head_dim, length);
    if (admissible && first_admissible == 0.0) {
      first_admissible = base;
      below_first = previous;
    }
    if (!admissible) last_inadmissible = base;
    if (admissible && !previous_admissible) above_last = base;
    previous_admissible = admissible;
    previous = base;
    if (first_admissible > 0.0 && admissible && base >= kAdmissibleMargin * last_inadmissible) {
      break;
    }
  }
  const double infinity = std::numeric_limits<double>::infinity();
  if (first_admissible == 0.0 || !previous_admissible) {
    result.b_min = result.b_all_above = infinity;
    result.found = first_admissible > 0.0;
    if (result.found) result.b_min = first_admissible;
    return result;
  }
  result.found = true;
  const double width = resolution / 64.0;
  if (below_first <= 1.0) {
    result.b_min = first_admissible;  // admissible at the first scanned base
  } else {
    result.b_min = refine({below_first, first_admissible}, true, width, head_dim, length,
                          result.bases_evaluated)
                       .hi;
  }
  if (last_inadmissible == 0.0) {
    result.b_all_above = result.b_min;
  } else {
    result.b_all_above = refine({last_inadmissible, above_last}, false, width, head_dim, length,
                                result.bases_evaluated)
                             .hi;
  }
  return result;
}

std::vector<RotationRow> rotation_table(double base, int head_dim, double length) {
  if (head_dim < 2 || head_dim % 2 != 0) throw Error("head_dim must be even and >= 2");
  if (!(base > 1.0)) throw Error("base must be > 1");
  std::vector<RotationRow> rows(head_dim / 2);
  for (int t = 0; t < head_dim / 2; ++t) {
    RotationRow& row = rows[t];
    row.t = t;
    row.theta = std::pow(base, -2.0 * t / head_dim);
    row.wavelength = 2.0 * M_PI / row.theta;
    row.turns = length * row.theta / (2.0 * M_PI);
  }
  return rows;
}

int critical_dim(double base, int head_dim, double train_length) {
  if (!(base > 1.0)) throw Error("base must be > 1");
  if (!(train_length > 0.0)) throw Error("train_length must be > 0");
  const double exponent = 0.5 * head_dim * std::log(train_length / (2.0 * M_PI)) / std::log(base);
  // The tolerance keeps an exponent that is an integer up to rounding from jumping up by one.
  const double pairs = std::ceil(exponent - 1e-9);
  return static_cast<int>(std::clamp(2.0 * pairs, 0.0, static_cast<double>(head_dim)));
}

}  // namespace ropesweep
