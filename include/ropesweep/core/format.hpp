#pragma once
// Text forms of numbers, durations and byte counts shared by messages, tables and
// progress lines, so that every command writes a number the same way.
#include <ctime>
#include <string>
#include <vector>

namespace ropesweep {

// Shortest decimal text that reads back as the same double ("0.1", not
// "0.10000000000000001").
std::string format_number(double value);

// `value` with at most `digits` significant digits (printf's %g).
std::string format_significant(double value, int digits);

// Every digit of `value` (printf's %.17g): the exact text of the canonical form.
std::string format_exact(double value);

// Human durations: "0.05s", "3.2s", "42s", "7m05s", "3h20m", "2d04h".
std::string format_duration(double seconds);

// Decimal units: 512 bytes, 1.2 kB, 3.4 GB.
std::string format_bytes(double bytes);

// A moment in UTC, ISO 8601 to the second: "2024-05-01T12:00:00Z".
std::string format_utc(std::time_t moment);

// items joined by `separator`: "a, b, c".
std::string join(const std::vector<std::string>& items, const char* separator = ", ");

}  // namespace ropesweep
