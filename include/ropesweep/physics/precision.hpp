#pragma once
// Numeric precisions of docs/science.md ("Precision"): rounding of single values and
// of arrays to fp64, fp32, bf16 or fp16 (round to nearest, ties to even).
//
// The 16-bit formats use Eigen::bfloat16 and Eigen::half, which convert from
// fp32. A double is first brought to fp32 with round-to-odd, so the result is the
// correctly rounded 16-bit value of the double itself (no double-rounding error).
#include <cstddef>
#include <string>
#include <vector>

namespace ropesweep {

enum class Precision { kFp64, kFp32, kBf16, kFp16 };

Precision parse_precision(const std::string& name);  // throws Error on unknown names
std::string precision_name(Precision precision);
std::vector<std::string> precision_names();

// True for the precisions whose arithmetic (angles, rotation, accumulation) is fp32.
inline bool uses_fp32_arithmetic(Precision precision) { return precision != Precision::kFp64; }

double round_to(double value, Precision precision);
float round_to(float value, Precision precision);

// Bulk rounding in place.
void round_to(double* values, std::size_t count, Precision precision);
void round_to(float* values, std::size_t count, Precision precision);

}  // namespace ropesweep
