#pragma once
// Long-term decay of RoPE (docs/science.md "Long-term decay", "Certified minimal base" and
// rotation counts"): B(m) = sum_t cos(m theta_t), its first negative distance,
// the minimal admissible base b_min(L, d), the rotation table and the critical
// dimension of Liu et al. (2023).
#include <cstdint>
#include <vector>

namespace ropesweep {

// Default cap on the search for the first negative B(m): 2^24 distances.
constexpr std::int64_t kDefaultFirstNegativeCap = std::int64_t{1} << 24;
// The b_min scan gives up above this base (reported as "not found").
constexpr double kMaxScanBase = 1e30;

// B(m) = sum_{t < d/2} cos(m theta_t), theta_t = b^(-2t/d), evaluated directly.
double long_term_decay(double base, int head_dim, double m);

struct FirstNegative {
  std::int64_t distance = -1;  // min { m >= 0 : B(m) < 0 }, or `cap` when capped
  bool capped = false;         // no negative B(m) for m < cap
  std::int64_t cap = 0;
};
FirstNegative first_negative(double base, int head_dim,
                             std::int64_t cap = kDefaultFirstNegativeCap);

// min_{m in {0..length}} B(m).
double min_decay(double base, int head_dim, std::int64_t length);
// B(m) >= 0 for every integer m in [0, length].
bool is_admissible(double base, int head_dim, std::int64_t length);

struct MinimalBase {
  double b_min = 0.0;        // smallest admissible base found (+inf if none)
  double b_all_above = 0.0;  // every scanned base above it is admissible (+inf if none)
  bool found = false;        // an admissible base exists below kMaxScanBase
  double resolution = 0.0;   // relative step of the scan
  double scan_top = 0.0;     // largest base scanned
  std::int64_t bases_evaluated = 0;
};
// Scan over base b_j = (1 + resolution)^j, j = 1, 2, ..., from just above 1 until
// the scan has covered a factor kAdmissibleMargin of bases above the last
// inadmissible one; each admissible/inadmissible transition that defines a result
// is then refined inside its scan interval (8-point sub-scan, then bisection) to a
// relative width of resolution / 64. See docs/science-notes.md.
constexpr double kAdmissibleMargin = 2.0;
MinimalBase minimal_base(std::int64_t length, int head_dim, double resolution);

struct RotationRow {
  int t = 0;
  double theta = 0.0;       // rad/token
  double wavelength = 0.0;  // tokens per full turn, 2 pi / theta
  double turns = 0.0;       // full turns over the length, L theta / (2 pi)
};
std::vector<RotationRow> rotation_table(double base, int head_dim, double length);

// d_extra = 2 ceil((d/2) log_b(L_train / (2 pi))), clamped to [0, d]: the number of
// dimensions whose period fits in the training length.
int critical_dim(double base, int head_dim, double train_length);

}  // namespace ropesweep
