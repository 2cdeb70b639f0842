#include "ropesweep/physics/decay.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <string>
#include <utility>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/sincos.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

#if ROPESWEEP_X86_KERNELS
#include <immintrin.h>
#endif

namespace ropesweep {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

void require_frequencies(EncodingKind kind, const char* what) {
  if (!has_frequencies(kind)) {
    throw Error(std::string(what) + ": encoding '" + encoding_name(kind) +
                "' has no frequencies, so B(m) = d/2 at every base");
  }
}

// The rotated pairs of an encoding, padded with silent terms to a multiple of kLanes so
// that the walk's inner loop has no remainder; the pairs an encoding does not rotate add
// exactly 1 each to B and are counted apart. With the exponents e_t of
// Encoding::frequency_exponents, each term also carries its rate e_t theta'_t =
// |d theta'_t / du|, so that walks can give dB(m)/du as well.
class Terms {
 public:
  static constexpr int kLanes = 4;

  explicit Terms(const std::vector<double>& frequencies,
                 const std::vector<double>& exponents = {}) {
    for (std::size_t t = 0; t < frequencies.size(); ++t) {
      if (frequencies[t] == 0.0) {
        ++unrotated_;
        continue;
      }
      theta_.push_back(frequencies[t]);
      if (!exponents.empty()) rate_.push_back(exponents[t] * frequencies[t]);
    }
    rotated_ = static_cast<int>(theta_.size());
    const std::size_t padded = (theta_.size() + kLanes - 1) / kLanes * kLanes;
    theta_.resize(padded, 0.0);
    if (!exponents.empty()) rate_.resize(padded, 0.0);
    step_cos_.resize(padded);
    step_sin_.resize(padded);
    sincos_bulk(theta_.data(), padded, step_cos_.data(), step_sin_.data());
  }

  int padded() const { return static_cast<int>(theta_.size()); }
  int rotated() const { return rotated_; }
  double unrotated() const { return unrotated_; }
  bool has_rates() const { return !rate_.empty(); }
  const double* theta() const { return theta_.data(); }
  const double* rate() const { return rate_.data(); }
  const double* step_cos() const { return step_cos_.data(); }
  const double* step_sin() const { return step_sin_.data(); }

 private:
  std::vector<double> theta_, rate_, step_cos_, step_sin_;
  int rotated_ = 0;
  double unrotated_ = 0.0;
};

// The turns of one walk over `count` distances from `first`: values[i] = B(first + i) and,
// with kSlopes, slopes[i] = dB/du there; re and im (n terms, a multiple of 4) are turned in
// place. Lane j of the four partial sums adds the terms t = j (mod 4) in order in every
// kernel, and each product and sum is one IEEE operation (no fused multiply-add), so the
// SSE2 and AVX2 kernels give the generic kernel's bits, the AVX2 one twice as fast as SSE2
// where the processor has it.
//
// Each kernel takes kDistancesPerPass distances per pass over the terms: a term is loaded,
// added to the first distance's sums, turned, added to the second's, turned again, ... and
// stored. One
// distance's partial sums are a chain of n/4 dependent additions, so a pass over one
// distance waits on the adder's latency; independent chains fill that wait, and the
// loads and stores are shared. The sums see the same terms in the same order and every
// turned value is the same operations on the same operands (kept in a register instead of
// stored and loaded), so the bits are those of one distance per pass.
struct Turns {
  int n;
  const double* step_cos;
  const double* step_sin;
  const double* rate;
  double unrotated;
};

// Two: the turn's five multiplications a term then bound the pass, and four distances
// per pass measured no faster (bmin at L = 65536, d = 256: 3.64-3.78 s either way).
constexpr int kDistancesPerPass = 2;

double add_lanes(const double* lanes) { return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]); }

// Distance first + i's value, and with kSlopes its slope, from its four partial sums:
// the one finishing step of every kernel.
template <bool kSlopes>
void finish_distance(const Turns& turns, std::int64_t first, std::int64_t i,
                     const double* sum_lanes, const double* slope_lanes, double* values,
                     double* slopes) {
  values[i] = turns.unrotated + add_lanes(sum_lanes);
  if constexpr (kSlopes) slopes[i] = static_cast<double>(first + i) * add_lanes(slope_lanes);
}

// The reference: plain C++, the four lanes written out. One pass over the terms computes
// kDistances distances from i on.
template <bool kSlopes, int kDistances>
void turn_pass_generic(const Turns& turns, std::int64_t first, std::int64_t i, double* re,
                       double* im, double* values, double* slopes) {
  const double *c = turns.step_cos, *s = turns.step_sin, *rate = turns.rate;
  double sum[kDistances][4] = {}, slope[kDistances][4] = {};
  for (int t = 0; t < turns.n; t += 4) {
    for (int j = 0; j < 4; ++j) {
      double r = re[t + j], q = im[t + j];
      for (int k = 0; k < kDistances; ++k) {
        sum[k][j] += r;
        if constexpr (kSlopes) slope[k][j] += q * rate[t + j];
        const double turned_r = r * c[t + j] - q * s[t + j];
        q = r * s[t + j] + q * c[t + j];
        r = turned_r;
      }
      re[t + j] = r;
      im[t + j] = q;
    }
  }
  for (int k = 0; k < kDistances; ++k) {
    finish_distance<kSlopes>(turns, first, i + k, sum[k], slope[k], values, slopes);
  }
}

template <bool kSlopes>
void turn_generic(const Turns& turns, std::int64_t first, std::int64_t count, double* re,
                  double* im, double* values, double* slopes) {
  std::int64_t i = 0;
  for (; i + kDistancesPerPass <= count; i += kDistancesPerPass) {
    turn_pass_generic<kSlopes, kDistancesPerPass>(turns, first, i, re, im, values, slopes);
  }
  for (; i < count; ++i) turn_pass_generic<kSlopes, 1>(turns, first, i, re, im, values, slopes);
}

#if ROPESWEEP_X86_KERNELS

// The same pass with SSE2 intrinsics: each group of four terms is two halves of two lanes.
template <bool kSlopes, int kDistances>
void turn_pass_sse2(const Turns& turns, std::int64_t first, std::int64_t i, double* re,
                    double* im, double* values, double* slopes) {
  const double *c = turns.step_cos, *s = turns.step_sin, *rate = turns.rate;
  __m128d sum[kDistances][2], slope[kDistances][2];
  for (int k = 0; k < kDistances; ++k) {
    sum[k][0] = sum[k][1] = slope[k][0] = slope[k][1] = _mm_setzero_pd();
  }
  for (int t = 0; t < turns.n; t += 4) {
    for (int h = 0; h < 2; ++h) {
      const int u = t + 2 * h;
      __m128d r = _mm_loadu_pd(re + u), q = _mm_loadu_pd(im + u);
      const __m128d ct = _mm_loadu_pd(c + u), st = _mm_loadu_pd(s + u);
      const __m128d rt = kSlopes ? _mm_loadu_pd(rate + u) : _mm_setzero_pd();
      for (int k = 0; k < kDistances; ++k) {
        sum[k][h] = _mm_add_pd(sum[k][h], r);
        if constexpr (kSlopes) slope[k][h] = _mm_add_pd(slope[k][h], _mm_mul_pd(q, rt));
        const __m128d turned_r = _mm_sub_pd(_mm_mul_pd(r, ct), _mm_mul_pd(q, st));
        q = _mm_add_pd(_mm_mul_pd(r, st), _mm_mul_pd(q, ct));
        r = turned_r;
      }
      _mm_storeu_pd(re + u, r);
      _mm_storeu_pd(im + u, q);
    }
  }
  for (int k = 0; k < kDistances; ++k) {
    alignas(16) double sum_lanes[4], slope_lanes[4];
    _mm_store_pd(sum_lanes, sum[k][0]);
    _mm_store_pd(sum_lanes + 2, sum[k][1]);
    _mm_store_pd(slope_lanes, slope[k][0]);
    _mm_store_pd(slope_lanes + 2, slope[k][1]);
    finish_distance<kSlopes>(turns, first, i + k, sum_lanes, slope_lanes, values, slopes);
  }
}

template <bool kSlopes>
void turn_sse2(const Turns& turns, std::int64_t first, std::int64_t count, double* re, double* im,
               double* values, double* slopes) {
  std::int64_t i = 0;
  for (; i + kDistancesPerPass <= count; i += kDistancesPerPass) {
    turn_pass_sse2<kSlopes, kDistancesPerPass>(turns, first, i, re, im, values, slopes);
  }
  for (; i < count; ++i) turn_pass_sse2<kSlopes, 1>(turns, first, i, re, im, values, slopes);
}

// And with AVX2: a group of four terms is one vector.
template <bool kSlopes, int kDistances>
__attribute__((target("avx2"))) void turn_pass_avx2(const Turns& turns, std::int64_t first,
                                                    std::int64_t i, double* re, double* im,
                                                    double* values, double* slopes) {
  const double *c = turns.step_cos, *s = turns.step_sin, *rate = turns.rate;
  __m256d sum[kDistances], slope[kDistances];
  for (int k = 0; k < kDistances; ++k) sum[k] = slope[k] = _mm256_setzero_pd();
  for (int t = 0; t < turns.n; t += 4) {
    __m256d r = _mm256_loadu_pd(re + t), q = _mm256_loadu_pd(im + t);
    const __m256d ct = _mm256_loadu_pd(c + t), st = _mm256_loadu_pd(s + t);
    const __m256d rt = kSlopes ? _mm256_loadu_pd(rate + t) : _mm256_setzero_pd();
    for (int k = 0; k < kDistances; ++k) {
      sum[k] = _mm256_add_pd(sum[k], r);
      if constexpr (kSlopes) slope[k] = _mm256_add_pd(slope[k], _mm256_mul_pd(q, rt));
      const __m256d turned_r = _mm256_sub_pd(_mm256_mul_pd(r, ct), _mm256_mul_pd(q, st));
      q = _mm256_add_pd(_mm256_mul_pd(r, st), _mm256_mul_pd(q, ct));
      r = turned_r;
    }
    _mm256_storeu_pd(re + t, r);
    _mm256_storeu_pd(im + t, q);
  }
  for (int k = 0; k < kDistances; ++k) {
    alignas(32) double sum_lanes[4], slope_lanes[4];
    _mm256_store_pd(sum_lanes, sum[k]);
    _mm256_store_pd(slope_lanes, slope[k]);
    finish_distance<kSlopes>(turns, first, i + k, sum_lanes, slope_lanes, values, slopes);
  }
}

template <bool kSlopes>
__attribute__((target("avx2"))) void turn_avx2(const Turns& turns, std::int64_t first,
                                               std::int64_t count, double* re, double* im,
                                               double* values, double* slopes) {
  std::int64_t i = 0;
  for (; i + kDistancesPerPass <= count; i += kDistancesPerPass) {
    turn_pass_avx2<kSlopes, kDistancesPerPass>(turns, first, i, re, im, values, slopes);
  }
  for (; i < count; ++i) turn_pass_avx2<kSlopes, 1>(turns, first, i, re, im, values, slopes);
}

#endif  // ROPESWEEP_X86_KERNELS

// B(m) for m = first .. first + count - 1 (count <= kWalkBlock), and with `slopes`
// dB(m)/du = m sum_t e_t theta'_t sin(m theta'_t): each term's phasor exp(i m theta_t)
// starts from cos/sin of first * theta_t and turns by exp(i theta_t) per distance.
// Starting afresh every kWalkBlock distances keeps the rounding of the turns below
// 7 kWalkBlock ulps per term, inside the evaluation margin of
// docs/science.md#certified-minimal-base. Written in plain C++ (turn_generic), and on x86-64
// with SSE2 intrinsics (its baseline) and AVX2 ones, all giving the same bits; the path is
// the program's one choice (vector_path.hpp).
constexpr std::int64_t kWalkBlock = 1024;

class Walker {
 public:
  explicit Walker(const Terms& terms)
      : terms_(terms), angle_(terms.padded()), re_(terms.padded()), im_(terms.padded()) {}

  void walk(std::int64_t first, std::int64_t count, double* values, double* slopes = nullptr) {
    const int n = terms_.padded();
    const double* theta = terms_.theta();
    for (int t = 0; t < n; ++t) angle_[t] = static_cast<double>(first) * theta[t];
    sincos_bulk(angle_.data(), n, re_.data(), im_.data());
    // The padding terms have theta 0: zero their phasors so they add nothing.
    for (int t = terms_.rotated(); t < n; ++t) re_[t] = im_[t] = 0.0;
    const Turns turns{n, terms_.step_cos(), terms_.step_sin(), terms_.rate(), terms_.unrotated()};
    double* re = re_.data();
    double* im = im_.data();
    switch (vector_path()) {
#if ROPESWEEP_X86_KERNELS
      case VectorPath::kAvx512:  // no AVX-512 walk: the widest one below it
      case VectorPath::kAvx2:
        if (slopes != nullptr) {
          turn_avx2<true>(turns, first, count, re, im, values, slopes);
        } else {
          turn_avx2<false>(turns, first, count, re, im, values, slopes);
        }
        return;
      case VectorPath::kSse2:
        if (slopes != nullptr) {
          turn_sse2<true>(turns, first, count, re, im, values, slopes);
        } else {
          turn_sse2<false>(turns, first, count, re, im, values, slopes);
        }
        return;
#endif
      default:
        if (slopes != nullptr) {
          turn_generic<true>(turns, first, count, re, im, values, slopes);
        } else {
          turn_generic<false>(turns, first, count, re, im, values, slopes);
        }
    }
  }

 private:
  const Terms& terms_;
  std::vector<double> angle_, re_, im_;
};

// Visits B(m) for m = first .. last in order, block by block; stops when visit returns
// false and returns the m it stopped at, or last + 1.
template <typename Visit>
std::int64_t walk_range(const Terms& terms, std::int64_t first, std::int64_t last, Visit&& visit) {
  Walker walker(terms);
  std::vector<double> values(kWalkBlock);
  for (std::int64_t block = first; block <= last; block += kWalkBlock) {
    const std::int64_t count = std::min(kWalkBlock, last - block + 1);
    walker.walk(block, count, values.data());
    for (std::int64_t i = 0; i < count; ++i) {
      if (!visit(block + i, values[i])) return block + i;
    }
  }
  return last + 1;
}

}  // namespace

bool has_frequencies(EncodingKind kind) {
  return kind != EncodingKind::kAlibi && kind != EncodingKind::kNope;
}

double long_term_decay(const Encoding& encoding, double m) {
  require_frequencies(encoding.kind(), "long-term decay");
  double sum = 0.0;
  for (double theta : encoding.frequencies()) sum += std::cos(m * theta);
  return sum;
}

FirstNegative first_negative(const Encoding& encoding, std::int64_t cap) {
  require_frequencies(encoding.kind(), "first_negative");
  if (cap < 1) throw Error("first_negative: cap must be >= 1");
  const Terms terms(encoding.frequencies());
  FirstNegative result;
  result.cap = cap;
  const std::int64_t stop =
      walk_range(terms, 0, cap - 1, [](std::int64_t, double b) { return b >= 0.0; });
  result.capped = stop >= cap;
  result.distance = stop;
  return result;
}

double min_decay(const Encoding& encoding, std::int64_t length) {
  require_frequencies(encoding.kind(), "min_decay");
  const Terms terms(encoding.frequencies());
  double lowest = kInfinity;
  walk_range(terms, 0, length, [&](std::int64_t, double b) {
    lowest = std::min(lowest, b);
    return true;
  });
  return lowest;
}

namespace {

// ---------------------------------------------------------------------------------------
// The certified march of docs/science.md#certified-minimal-base.

enum class Verdict { kInadmissible, kAdmissible, kUnresolved };

struct Segment {
  double lower, upper;
  Verdict verdict;
};

// What the march knows at one base: the encoding's frequencies there, the drift bound
// S(u) (docs/science.md#decay-for-other-encodings) and the evaluation margin eta.
struct Point {
  double base = 0.0;
  // The largest base of this base's piece (Encoding::frequency_piece_end): no
  // certificate from this point reaches beyond it.
  double piece_end = 0.0;
  Terms terms;
  double drift = 0.0;  // S(u)
  // Fixed powers only (Terms::has_rates): |d^2 B(m) / du^2| <= m^2 curvature2 +
  // m curvature1 over the step, from sum_t (e_t theta'_t)^2 and sum_t e_t^2 theta'_t.
  double curvature2 = 0.0, curvature1 = 0.0;
  double eta = 0.0;        // margin on B(m)
  double slope_eta = 0.0;  // margin on dB(m)/du, per unit of m
  std::vector<double> ceilings;

  Point(const Encoding& encoding, std::int64_t length)
      : base(encoding.config().base),
        piece_end(encoding.frequency_piece_end()),
        terms(encoding.frequencies(), encoding.frequency_exponents()),
        drift(encoding.frequency_drift_bound()),
        ceilings(encoding.frequency_ceilings()) {
    const std::vector<double> exponents = encoding.frequency_exponents();
    double fastest = 1.0;
    for (int t = 0; t < encoding.pairs(); ++t) {
      const double theta = encoding.frequencies()[t];
      fastest = std::max(fastest, theta);
      if (!exponents.empty()) {
        curvature2 += (exponents[t] * theta) * (exponents[t] * theta);
        curvature1 += exponents[t] * exponents[t] * theta;
      }
    }
    // docs/science.md#certified-minimal-base: eta = d (L' + d) 2^-46 with L' = L
    // max(1, theta'_max), four times a bound on the rounding of B(m) (each term: its angle
    // and frequency, ~6 L' ulps; a phasor walk, at most 7 ulps per distance over at most
    // min(L, kWalkBlock) distances; the sum of d/2 terms) and of the drift and the step.
    // The slope m sum_t e_t theta'_t sin(m theta'_t) has the same rounding per term,
    // weighted by the rates e_t theta'_t, which add up to S.
    const double d = encoding.head_dim();
    const double angles = static_cast<double>(length) * fastest;
    eta = d * (angles + d) * 0x1p-46;
    slope_eta = drift * (angles + d) * 0x1p-46;
  }
};

class MinimalBaseSearch {
 public:
  MinimalBaseSearch(const EncodingConfig& config, std::int64_t length, double tolerance,
                    MarchExtent extent)
      : config_(config),
        length_(length),
        tolerance_(tolerance),
        extent_(extent),
        min_step_(std::log1p(tolerance) / 64.0),
        values_(kWalkBlock),
        slopes_(kWalkBlock),
        block_score_(blocks(), 0.0) {}

  MinimalBase run();

 private:
  static constexpr int kWitnesses = 16;
  // A step shorter than w is taken only while steps grow (moving away from a zero of some
  // B(m)), at most this many times in a row; approaching a zero, steps shrink without end,
  // and the march moves on by w instead (docs/science.md#certified-minimal-base).
  static constexpr int kShortSteps = 256;
  // A visited point (an Encoding, its drift bound, one B(m) per witness tried) costs
  // about as much as walking this many distances.
  static constexpr double kPointCost = 40.0;

  struct WalkOutcome {
    bool negative = false;    // some B(m) < -eta: the point is certified inadmissible
    bool uncertain = false;   // some |B(m)| < eta and none below -eta
    double step = kInfinity;  // negative: the longest sound step; else the shortest one
  };

  Point point_at(double base) {
    ++result_.points;
    EncodingConfig config = config_;
    config.base = base;
    return Point(Encoding(config), length_);
  }
  // Largest base whose log is at most ln(base) + step: the sound step ends there.
  static double advance(double base, double step) {
    double next = base * std::exp(step);
    for (int i = 0; i < 4; ++i) next = std::nextafter(next, 0.0);
    return std::max(next, base);
  }
  // Where a sound step from the point takes the march: advance(), or, when that passes
  // the end of the point's piece, the first base after it (the step certifies every base
  // of the piece, and no base lies between the two).
  static double reach(const Point& point, double step) {
    const double end = advance(point.base, step);
    return end > point.piece_end ? std::nextafter(point.piece_end, kInfinity) : end;
  }
  // B(m) and dB(m)/du (0 without rates) at one distance.
  std::pair<double, double> decay_at(const Point& point, std::int64_t m);
  // The longest sound step from a point where B(m) = value, dB(m)/du = slope: towards
  // larger bases, B(m) keeps its sign (beyond the margin) at least that far.
  static double sound_step(const Point& point, double value, double slope, std::int64_t m);
  std::int64_t blocks() const { return (length_ + kWalkBlock - 1) / kWalkBlock; }
  std::int64_t block_first(std::int64_t block) const { return 1 + block * kWalkBlock; }
  std::int64_t block_count(std::int64_t block) const {
    return std::min(kWalkBlock, length_ - block * kWalkBlock);
  }
  WalkOutcome walk_block(const Point& point, std::int64_t block);
  double shortest_admissible_step(const Point& point, std::int64_t first, std::int64_t count) const;
  void keep_witness(std::int64_t m, double step);
  // docs/science.md#certified-minimal-base, tail certificate, over the distances up to
  // `last`: B(m) >= sum_t tau_t(last) >= eta for every m <= last, here and at every larger
  // base.
  bool tail_holds(const Point& point, std::int64_t last) const;
  // Blocks [0, retired_) hold the tail certificate: they can turn negative at no larger
  // base, and are walked no more. The certificate weakens with m, so they are a prefix.
  void retire(const Point& point);
  void record(double lower, double upper, Verdict verdict);
  bool takes(double step, double previous);
  // Whether the march takes a step of this length from an inadmissible point (see takes).
  bool steps_on(const Point& point, double step) const;

  // From an inadmissible (or unresolved) point: the next base.
  double inadmissible_step(const Point& point);
  // From a point certified admissible by a full walk: the admissible stretch, ended
  // where a block turns negative or unresolved (the next base is returned), or by the
  // tail certificate (returns +inf).
  double admissible_stretch(const Point& start, std::vector<double> horizons);

  MinimalBase summarise();

  EncodingConfig config_;
  std::int64_t length_;
  double tolerance_;
  MarchExtent extent_;
  double min_step_;  // w = ln(1 + R) / 64
  MinimalBase result_;
  std::vector<Segment> segments_;
  bool tail_reached_ = false;
  std::int64_t retired_ = 0;
  std::vector<std::pair<std::int64_t, double>> witnesses_;  // (m, step), best first
  double reference_step_ = 0.0;  // the best step the last walk over [1, L] found
  double last_step_ = 0.0;       // the last step taken from an inadmissible point
  int short_steps_ = 0;          // steps shorter than w in a row
  std::int64_t points_since_walk_ = 0;
  std::vector<double> values_, slopes_;
  // (-B(m) - eta) / m at each block's lowest B(m) at its last walk: where witnesses were.
  std::vector<double> block_score_;
  std::vector<double> angles_, cos_, sin_;
};

std::pair<double, double> MinimalBaseSearch::decay_at(const Point& point, std::int64_t m) {
  const int n = point.terms.rotated();
  angles_.resize(n);
  cos_.resize(n);
  sin_.resize(n);
  for (int t = 0; t < n; ++t) angles_[t] = static_cast<double>(m) * point.terms.theta()[t];
  sincos_bulk(angles_.data(), n, cos_.data(), sin_.data());
  double value = 0.0, slope = 0.0;
  for (int t = 0; t < n; ++t) value += cos_[t];
  if (point.terms.has_rates()) {
    for (int t = 0; t < n; ++t) slope += point.terms.rate()[t] * sin_[t];
  }
  return {point.terms.unrotated() + value, static_cast<double>(m) * slope};
}

// First order (docs/science.md#certified-minimal-base): |dB(m)/du| <= m S, so B(m) moves
// by at most m S per unit of u and the excess |B(m)| - eta lasts (|B(m)| - eta) / (m S).
// Second order, for fixed powers: |d^2 B(m)/du^2| <= m^2 sum_t (e_t theta'_t)^2 +
// m sum_t e_t^2 theta'_t =: K over the whole step (the frequencies only fall), so the
// excess is at least excess + g x - K x^2 / 2 after a step x, where g is the slope of
// |B(m)| less its margin; the step runs to that parabola's positive root, shortened by
// 1e-9 of itself against the rounding of the root. Either bound is sound; the longer wins.
double MinimalBaseSearch::sound_step(const Point& point, double value, double slope,
                                     std::int64_t m) {
  const double distance = static_cast<double>(m);
  const double excess = std::fabs(value) - point.eta;
  const double first_order = excess / (distance * point.drift);
  const double curvature = distance * (distance * point.curvature2 + point.curvature1);
  if (!point.terms.has_rates() || !(curvature > 0.0)) return first_order;
  const double toward = (value < 0.0 ? -slope : slope) - distance * point.slope_eta;
  const double root = std::sqrt(toward * toward + 2.0 * curvature * excess);
  const double second_order =
      toward >= 0.0 ? (toward + root) / curvature : 2.0 * excess / (root - toward);
  return std::max(first_order, second_order * (1.0 - 1e-9));
}

void MinimalBaseSearch::keep_witness(std::int64_t m, double step) {
  auto place = std::find_if(witnesses_.begin(), witnesses_.end(),
                            [&](const auto& w) { return w.second < step; });
  if (place == witnesses_.end() && witnesses_.size() >= kWitnesses) return;
  witnesses_.insert(place, {m, step});
  if (witnesses_.size() > kWitnesses) witnesses_.pop_back();
}

MinimalBaseSearch::WalkOutcome MinimalBaseSearch::walk_block(const Point& point,
                                                             std::int64_t block) {
  ++result_.block_walks;
  Walker walker(point.terms);
  const std::int64_t first = block_first(block), count = block_count(block);
  const bool rates = point.terms.has_rates();
  walker.walk(first, count, values_.data(), rates ? slopes_.data() : nullptr);
  std::int64_t lowest = 0;
  for (std::int64_t i = 1; i < count; ++i) {
    if (values_[i] < values_[lowest]) lowest = i;
  }
  const double low = values_[lowest];
  block_score_[block] = (-low - point.eta) / static_cast<double>(first + lowest);
  WalkOutcome outcome;
  if (low < -point.eta) {
    // One witness per block, the one with the longest step: neighbouring distances tend
    // to turn positive together.
    outcome.negative = true;
    outcome.step = 0.0;
    std::int64_t witness = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      if (!(values_[i] < -point.eta)) continue;
      const double step = sound_step(point, values_[i], rates ? slopes_[i] : 0.0, first + i);
      if (step > outcome.step) {
        outcome.step = step;
        witness = first + i;
      }
    }
    keep_witness(witness, outcome.step);
  } else if (low < point.eta) {
    outcome.uncertain = true;
  } else {
    outcome.step = shortest_admissible_step(point, first, count);
  }
  return outcome;
}

// The admissible steps of distances first .. first + paired - 1 (paired even), two at a
// time: lane j keeps the shortest step of the distances first + i, i = j (mod 2). The
// formulas are sound_step's for B(m) >= eta, and both kernels do the same IEEE operations,
// comparisons included: max and min as maxpd and minpd, which keep the second operand on a
// tie or a NaN.
void shortest_steps_generic(const Point& point, const double* values, const double* slopes,
                            std::int64_t first, std::int64_t paired, double lanes[2]) {
  for (std::int64_t i = 0; i < paired; i += 2) {
    for (int j = 0; j < 2; ++j) {
      const double distance = static_cast<double>(first + i + j);
      const double excess = values[i + j] - point.eta;
      const double first_order = excess / (distance * point.drift);
      const double curvature = distance * (distance * point.curvature2 + point.curvature1);
      const double toward = slopes[i + j] - distance * point.slope_eta;
      const double root = std::sqrt(toward * toward + 2.0 * curvature * excess);
      const double rising = (toward + root) / curvature;
      const double falling = 2.0 * excess / (root - toward);
      const double second_order = (toward >= 0.0 ? rising : falling) * (1.0 - 1e-9);
      const double step = first_order > second_order ? first_order : second_order;
      lanes[j] = lanes[j] < step ? lanes[j] : step;
    }
  }
}

#if ROPESWEEP_X86_KERNELS
void shortest_steps_sse2(const Point& point, const double* values, const double* slopes,
                         std::int64_t first, std::int64_t paired, double lanes[2]) {
  const __m128d eta = _mm_set1_pd(point.eta), drift = _mm_set1_pd(point.drift);
  const __m128d curvature2 = _mm_set1_pd(point.curvature2);
  const __m128d curvature1 = _mm_set1_pd(point.curvature1);
  const __m128d slope_eta = _mm_set1_pd(point.slope_eta), two = _mm_set1_pd(2.0);
  const __m128d shorten = _mm_set1_pd(1.0 - 1e-9), zero = _mm_setzero_pd();
  __m128d shortest = _mm_loadu_pd(lanes);
  for (std::int64_t i = 0; i < paired; i += 2) {
    const __m128d distance =
        _mm_set_pd(static_cast<double>(first + i + 1), static_cast<double>(first + i));
    const __m128d excess = _mm_sub_pd(_mm_loadu_pd(values + i), eta);
    const __m128d first_order = _mm_div_pd(excess, _mm_mul_pd(distance, drift));
    const __m128d curvature =
        _mm_mul_pd(distance, _mm_add_pd(_mm_mul_pd(distance, curvature2), curvature1));
    const __m128d toward = _mm_sub_pd(_mm_loadu_pd(slopes + i), _mm_mul_pd(distance, slope_eta));
    const __m128d root = _mm_sqrt_pd(
        _mm_add_pd(_mm_mul_pd(toward, toward), _mm_mul_pd(_mm_mul_pd(two, curvature), excess)));
    const __m128d rising = _mm_div_pd(_mm_add_pd(toward, root), curvature);
    const __m128d falling = _mm_div_pd(_mm_mul_pd(two, excess), _mm_sub_pd(root, toward));
    const __m128d up = _mm_cmpge_pd(toward, zero);
    const __m128d second_order =
        _mm_mul_pd(_mm_or_pd(_mm_and_pd(up, rising), _mm_andnot_pd(up, falling)), shorten);
    shortest = _mm_min_pd(shortest, _mm_max_pd(first_order, second_order));
  }
  _mm_storeu_pd(lanes, shortest);
}
#endif

// sound_step for every distance of a walk where all B(m) >= eta, the minimum: two distances
// at a time (the kernel of the walks), sound_step alone for an odd last one.
double MinimalBaseSearch::shortest_admissible_step(const Point& point, std::int64_t first,
                                                   std::int64_t count) const {
  if (!point.terms.has_rates() || !(point.curvature1 > 0.0 || point.curvature2 > 0.0)) {
    double shortest = kInfinity;
    for (std::int64_t i = 0; i < count; ++i) {
      shortest = std::min(shortest, sound_step(point, values_[i], 0.0, first + i));
    }
    return shortest;
  }
  const std::int64_t paired = count - count % 2;
  double lanes[2] = {kInfinity, kInfinity};
#if ROPESWEEP_X86_KERNELS
  if (vector_path() != VectorPath::kGeneric) {
    shortest_steps_sse2(point, values_.data(), slopes_.data(), first, paired, lanes);
  } else {
    shortest_steps_generic(point, values_.data(), slopes_.data(), first, paired, lanes);
  }
#else
  shortest_steps_generic(point, values_.data(), slopes_.data(), first, paired, lanes);
#endif
  double result = std::min(lanes[0], lanes[1]);
  for (std::int64_t i = paired; i < count; ++i) {
    result = std::min(result, sound_step(point, values_[i], slopes_[i], first + i));
  }
  return result;
}

// With Theta_t the ceilings of the frequencies, m theta'_t <= last Theta_t at every m <= last
// and every larger base: cos(m theta'_t) >= cos(last Theta_t) while that angle is at most pi.
bool MinimalBaseSearch::tail_holds(const Point& point, std::int64_t last) const {
  double tail = 0.0;
  for (double ceiling : point.ceilings) {
    const double angle = static_cast<double>(last) * ceiling;
    tail += angle <= M_PI ? std::cos(angle) : -1.0;
  }
  return tail >= point.eta;
}

void MinimalBaseSearch::retire(const Point& point) {
  while (retired_ < blocks() &&
         tail_holds(point, block_first(retired_) + block_count(retired_) - 1)) {
    ++retired_;
  }
}

void MinimalBaseSearch::record(double lower, double upper, Verdict verdict) {
  if (upper != kInfinity) upper = std::min(upper, kMaxSearchBase);
  if (!(upper > lower)) return;
  if (!segments_.empty() && segments_.back().verdict == verdict &&
      segments_.back().upper == lower) {
    segments_.back().upper = upper;
  } else {
    segments_.push_back({lower, upper, verdict});
  }
}

double MinimalBaseSearch::inadmissible_step(const Point& point) {
  // Recent witnesses first: one m with B(m) < -eta is a sound step. A full walk over
  // [1, L] looks for a better one before the march moves on by w (leaving bases
  // unresolved), and when the recent witnesses have weakened to a quarter of the best
  // step the last walk found and the points visited since that walk have cost as much
  // as a walk (so walking at most doubles the cost of the points it could have saved).
  const double floor = reference_step_ / 4.0;
  double best = 0.0;
  std::size_t best_index = 0;
  for (std::size_t i = 0; i < witnesses_.size() && best < std::max(floor, min_step_); ++i) {
    const auto [value, slope] = decay_at(point, witnesses_[i].first);
    witnesses_[i].second =
        value < -point.eta ? sound_step(point, value, slope, witnesses_[i].first) : 0.0;
    if (witnesses_[i].second > best) {
      best = witnesses_[i].second;
      best_index = i;
    }
  }
  ++points_since_walk_;
  const bool walk_due =
      static_cast<double>(points_since_walk_) * kPointCost >= static_cast<double>(length_);
  if (steps_on(point, best) && (best >= floor || !walk_due)) {
    std::rotate(witnesses_.begin(), witnesses_.begin() + best_index,
                witnesses_.begin() + best_index + 1);
  } else {
    points_since_walk_ = 0;
    // A walk over [1, L], the blocks with the best witnesses at their last walk first,
    // until a witness the march takes turns up; complete when none does, which also
    // certifies an admissible point.
    ++result_.full_walks;
    witnesses_.clear();
    retire(point);
    std::vector<std::int64_t> order;
    for (std::int64_t block = retired_; block < blocks(); ++block) order.push_back(block);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return block_score_[a] > block_score_[b];
    });
    const double target = min_step_;
    bool negative = false, uncertain = false;
    std::vector<double> horizons(blocks(), kInfinity);
    for (std::int64_t block : order) {
      const WalkOutcome outcome = walk_block(point, block);
      negative = negative || outcome.negative;
      uncertain = uncertain || outcome.uncertain;
      horizons[block] = outcome.step;
      if (negative && witnesses_.front().second >= target &&
          steps_on(point, witnesses_.front().second)) {
        break;
      }
    }
    if (!negative && !uncertain) {
      return admissible_stretch(point, std::move(horizons));
    }
    best = witnesses_.empty() ? 0.0 : witnesses_.front().second;
    reference_step_ = best;
  }
  const double certified = best > 0.0 ? reach(point, best) : point.base;
  if (steps_on(point, best)) {
    takes(best, last_step_);
    last_step_ = best;
    record(point.base, certified, Verdict::kInadmissible);
    return certified;
  }
  // Too short a step, or no certificate at all: move by w, the part not certified
  // recorded as unresolved.
  const double next = point.base * std::exp(min_step_);
  last_step_ = 0.0;
  record(point.base, certified, Verdict::kInadmissible);
  record(certified, next, Verdict::kUnresolved);
  return next;
}

bool MinimalBaseSearch::steps_on(const Point& point, double step) const {
  if (!(step > 0.0) || !(reach(point, step) > point.base)) return false;
  return step >= min_step_ || (step >= last_step_ && short_steps_ < kShortSteps);
}

bool MinimalBaseSearch::takes(double step, double previous) {
  if (step >= min_step_) {
    short_steps_ = 0;
    return true;
  }
  return step >= previous && ++short_steps_ <= kShortSteps;
}

double MinimalBaseSearch::admissible_stretch(const Point& start, std::vector<double> steps) {
  // Each block of distances is certified up to its own horizon; the stretch is certified
  // up to the lowest one, where that block is walked again.
  using Entry = std::pair<double, std::int64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> horizons;
  for (std::int64_t block = retired_; block < blocks(); ++block) {
    horizons.push({reach(start, steps[block]), block});
  }
  double stretch = start.base;    // where the current run of certified admissible bases began
  const double run = start.base;  // the same, across the unresolved gaps within the run
  while (true) {
    if (horizons.empty()) {
      // Every block holds the tail certificate.
      tail_reached_ = true;
      record(stretch, kInfinity, Verdict::kAdmissible);
      return kInfinity;
    }
    const auto [frontier, block] = horizons.top();
    if (extent_ == MarchExtent::kMinimalBase ||
        (extent_ == MarchExtent::kPockets && frontier >= kWideStretch * run)) {
      record(stretch, frontier, Verdict::kAdmissible);
      return kInfinity;
    }
    if (frontier >= kMaxSearchBase) {
      record(stretch, kMaxSearchBase, Verdict::kAdmissible);
      return kMaxSearchBase;
    }
    horizons.pop();
    const Point point = point_at(frontier);
    retire(point);
    if (block < retired_) continue;
    witnesses_.clear();
    const WalkOutcome outcome = walk_block(point, block);
    if (outcome.negative) {
      record(stretch, frontier, Verdict::kAdmissible);
      reference_step_ = outcome.step;
      last_step_ = 0.0;
      return frontier;
    }
    const double horizon = outcome.uncertain ? frontier : reach(point, outcome.step);
    if (horizon > frontier && takes(outcome.step, steps[block])) {
      steps[block] = outcome.step;
      horizons.push({horizon, block});
      continue;
    }
    // This block's steps shrink below w: some B(m) nears zero. The bases up to the lowest
    // horizon are certified; the march moves on by w, walks again there every block not
    // certified that far, and goes on with the others' horizons.
    double certified = horizons.empty() ? horizon : std::min(horizon, horizons.top().first);
    record(stretch, certified, Verdict::kAdmissible);
    std::vector<std::int64_t> stale{block};
    double jump = frontier;
    while (true) {
      jump *= std::exp(min_step_);
      record(certified, jump, Verdict::kUnresolved);
      while (!horizons.empty() && horizons.top().first < jump) {
        stale.push_back(horizons.top().second);
        horizons.pop();
      }
      const Point there = point_at(jump);
      retire(there);
      stale.erase(
          std::remove_if(stale.begin(), stale.end(), [&](std::int64_t b) { return b < retired_; }),
          stale.end());
      bool uncertain = false;
      std::vector<double> next(stale.size());
      for (std::size_t i = 0; i < stale.size(); ++i) {
        const WalkOutcome again = walk_block(there, stale[i]);
        if (again.negative) {
          reference_step_ = again.step;
          last_step_ = 0.0;
          return jump;
        }
        uncertain = uncertain || again.uncertain;
        next[i] = again.step;
      }
      if (!uncertain) {
        for (std::size_t i = 0; i < stale.size(); ++i) {
          steps[stale[i]] = next[i];
          horizons.push({reach(there, next[i]), stale[i]});
        }
        break;
      }
      certified = jump;
    }
    stretch = jump;
  }
}

MinimalBase MinimalBaseSearch::summarise() {
  MinimalBase& r = result_;
  r.tolerance = tolerance_;
  r.extent = extent_;
  r.b_min = r.b_min_lower = kInfinity;
  r.top = tail_reached_ ? kInfinity : segments_.back().upper;
  for (const Segment& s : segments_) {
    if (s.verdict != Verdict::kInadmissible && r.b_min_lower == kInfinity) r.b_min_lower = s.lower;
    if (s.verdict == Verdict::kAdmissible && r.b_min == kInfinity) r.b_min = s.lower;
  }
  r.resolved = r.b_min < kInfinity && r.b_min <= (1.0 + tolerance_) * r.b_min_lower;
  r.b_all_above = r.b_all_above_lower = std::numeric_limits<double>::quiet_NaN();
  if (extent_ == MarchExtent::kAllAbove) {
    r.b_all_above_lower = r.b_all_above = 1.0;
    for (const Segment& s : segments_) {
      if (s.verdict == Verdict::kInadmissible) r.b_all_above_lower = s.upper;
      if (s.verdict != Verdict::kAdmissible) r.b_all_above = s.upper;
    }
    if (!tail_reached_) r.b_all_above = kInfinity;
  }
  // A stretch: admissible segments with nothing but unresolved gaps (each narrower than
  // w) between them.
  if (extent_ != MarchExtent::kMinimalBase) {
    bool inside = false;
    for (const Segment& s : segments_) {
      if (s.verdict == Verdict::kAdmissible) {
        if (!inside) r.pockets.push_back({s.lower, s.upper});
        r.pockets.back().upper = s.upper;
        inside = true;
      } else if (s.verdict == Verdict::kInadmissible) {
        inside = false;
      }
    }
    const auto wide = std::find_if(r.pockets.begin(), r.pockets.end(), [&](const BaseRange& p) {
      return p.upper >= kWideStretch * p.lower || p.upper == kInfinity;
    });
    r.pockets.erase(wide, r.pockets.end());
  }
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].verdict != Verdict::kUnresolved) continue;
    const bool touches =
        (i > 0 && segments_[i - 1].verdict == Verdict::kAdmissible) ||
        (i + 1 < segments_.size() && segments_[i + 1].verdict == Verdict::kAdmissible);
    if (!touches) ++r.hidden_gaps;
  }
  return r;
}

MinimalBase MinimalBaseSearch::run() {
  // u = 0 itself is not a base; the march starts one step of the double grid above it.
  double base = std::nextafter(1.0, 2.0);
  while (base < kMaxSearchBase) {
    const Point point = point_at(base);
    base = inadmissible_step(point);
  }
  return summarise();
}

}  // namespace

void require_decay(const EncodingConfig& encoding, bool over_bases) {
  if (!has_frequencies(encoding.kind)) {
    throw Error("encoding '" + encoding_name(encoding.kind) +
                "' rotates nothing: B(m) = d/2 at every base, so decay and b_min are not defined");
  }
  const Encoding check(encoding);
  if (over_bases) check.frequency_drift_bound();
}

std::vector<std::string> extent_names() { return {"b_min", "pockets", "all_above"}; }

MarchExtent parse_extent(const std::string& name) {
  if (name == "b_min") return MarchExtent::kMinimalBase;
  if (name == "pockets") return MarchExtent::kPockets;
  if (name == "all_above") return MarchExtent::kAllAbove;
  throw Error("unknown extent '" + name + "' (known: b_min, pockets, all_above)");
}

MinimalBase minimal_base(const EncodingConfig& encoding, std::int64_t length, double tolerance,
                         MarchExtent extent) {
  require_decay(encoding, true);
  if (length < 1) throw Error("b_min: length must be >= 1");
  if (!(tolerance >= 1e-12 && tolerance <= 0.5)) {
    throw Error("b_min: tolerance must be in [1e-12, 0.5]");
  }
  return MinimalBaseSearch(encoding, length, tolerance, extent).run();
}

std::vector<RotationRow> rotation_table(const Encoding& encoding, double length) {
  require_frequencies(encoding.kind(), "rotation table");
  std::vector<RotationRow> rows(encoding.pairs());
  for (int t = 0; t < encoding.pairs(); ++t) {
    RotationRow& row = rows[t];
    row.t = t;
    row.theta = encoding.frequencies()[t];
    row.wavelength = row.theta > 0.0 ? 2.0 * M_PI / row.theta : kInfinity;
    row.turns = length * row.theta / (2.0 * M_PI);
  }
  return rows;
}

int critical_dim(const Encoding& encoding, double train_length) {
  require_frequencies(encoding.kind(), "critical dimension");
  if (!(train_length > 0.0)) throw Error("train_length must be > 0");
  // A period equal to the training length up to rounding does not count: the period
  // must be shorter by more than a relative 1e-9.
  int pairs = 0;
  for (double theta : encoding.frequencies()) {
    if (theta > 0.0 && std::log(train_length * theta / (2.0 * M_PI)) > 1e-9) ++pairs;
  }
  return 2 * pairs;
}

}  // namespace ropesweep
