#pragma once
// Long-term decay B(m) = sum_t cos(m theta'_t) over an encoding's effective frequencies
// (docs/science.md#long-term-decay, #decay-for-other-encodings): its first negative
// distance, its minimum over a context, the certified minimal base
// (docs/science.md#certified-minimal-base), the rotation table and the critical
// dimension. Every function takes its frequencies from an Encoding; the minimal base
// builds one Encoding per base it visits.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/physics/encoding.hpp"

namespace ropesweep {

// Default cap on the search for the first negative B(m): 2^24 distances.
constexpr std::int64_t kDefaultFirstNegativeCap = std::int64_t{1} << 24;
// The minimal-base search gives up above this base.
constexpr double kMaxSearchBase = 1e30;
// Default relative tolerance R of the minimal-base search.
constexpr double kDefaultTolerance = 1e-6;
// A stretch of admissible bases is wide when its upper end is at least this factor
// above its lower end; the admissible stretches below the first wide one are pockets.
constexpr double kWideStretch = 1.1;

// ALiBi and NoPE rotate nothing: B(m) = d/2 at every base, so none of the quantities
// here is defined for them (each function below throws Error for them).
bool has_frequencies(EncodingKind kind);

// Throws Error unless `encoding` is valid (but for its base) and has a decay, and, for a
// search over the base (`over_bases`: minimal_base), a drift bound.
void require_decay(const EncodingConfig& encoding, bool over_bases);

// B(m), evaluated directly (one cos per rotated pair).
double long_term_decay(const Encoding& encoding, double m);

struct FirstNegative {
  std::int64_t distance = -1;  // min { m >= 0 : B(m) < 0 }, or `cap` when capped
  bool capped = false;         // no negative B(m) for m < cap
  std::int64_t cap = 0;
};
FirstNegative first_negative(const Encoding& encoding, std::int64_t cap = kDefaultFirstNegativeCap);

// min_{m in {0..length}} B(m).
double min_decay(const Encoding& encoding, std::int64_t length);

// How far the search goes: to b_min (the first certified admissible base), to the first
// wide stretch (so that every pocket below it is known), or to the tail certificate (so
// that b_all_above is known). Each costs more than the one before.
enum class MarchExtent { kMinimalBase, kPockets, kAllAbove };
// Their names, as the sweeps and the command line give them: b_min, pockets, all_above.
std::vector<std::string> extent_names();
MarchExtent parse_extent(const std::string& name);  // throws Error on an unknown name

// A range of bases [lower, upper].
struct BaseRange {
  double lower = 0.0;
  double upper = 0.0;
};

// The certified minimal base of docs/science.md#certified-minimal-base. Every base the
// search passed, (1, top), is certified inadmissible, certified admissible, or unresolved
// (a stretch narrower than w = ln(1 + tolerance) / 64 where neither certificate holds).
struct MinimalBase {
  double b_min = 0.0;        // first certified admissible base (+inf if none below 1e30)
  double b_min_lower = 0.0;  // every base below it is certified inadmissible
  bool resolved = false;     // b_min <= (1 + tolerance) b_min_lower
  // kAllAbove only (NaN otherwise): every base above b_all_above is certified admissible
  // (+inf when the tail certificate is not reached below 1e30); b_all_above_lower is the
  // largest certified inadmissible base.
  double b_all_above = 0.0;
  double b_all_above_lower = 0.0;
  // kPockets and kAllAbove: the stretches of certified admissible bases below the first
  // wide one (kWideStretch), lowest first. A stretch has no certified inadmissible base
  // inside, but may have unresolved gaps.
  std::vector<BaseRange> pockets;
  int hidden_gaps = 0;  // unresolved stretches touching no admissible base
  double tolerance = 0.0;
  MarchExtent extent = MarchExtent::kAllAbove;
  double top = 0.0;  // the search classified every base in (1, top)
  // Cost: bases visited, walks over [1, L] for witnesses, walks of one block of 1024
  // distances (those of the walks over [1, L] included).
  std::int64_t points = 0;
  std::int64_t full_walks = 0;
  std::int64_t block_walks = 0;
};
// `encoding` fixes everything but the base, which the search varies; `length` is L.
MinimalBase minimal_base(const EncodingConfig& encoding, std::int64_t length,
                         double tolerance = kDefaultTolerance,
                         MarchExtent extent = MarchExtent::kAllAbove);

struct RotationRow {
  int t = 0;
  double theta = 0.0;       // rad/token, 0 for a pair that is not rotated
  double wavelength = 0.0;  // tokens per full turn, 2 pi / theta (+inf when not rotated)
  double turns = 0.0;       // full turns over the length, L theta / (2 pi)
};
std::vector<RotationRow> rotation_table(const Encoding& encoding, double length);

// d_extra: twice the number of rotated pairs whose period 2 pi / theta'_t is shorter than
// the training length (docs/science.md#critical-dimension).
int critical_dim(const Encoding& encoding, double train_length);

}  // namespace ropesweep
