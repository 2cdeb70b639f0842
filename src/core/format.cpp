#include "ropesweep/core/format.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ropesweep {

std::string format_number(double value) {
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string format_significant(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::string format_exact(double value) { return format_significant(value, 17); }

std::string format_duration(double seconds) {
  char text[32];
  if (seconds < 0.1) {
    std::snprintf(text, sizeof text, "%.2gs", seconds);
  } else if (seconds < 10) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.0fs", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  } else if (seconds < 86400) {
    const long m = std::lround(seconds / 60);
    std::snprintf(text, sizeof text, "%ldh%02ldm", m / 60, m % 60);
  } else {
    const long h = std::lround(seconds / 3600);
    std::snprintf(text, sizeof text, "%ldd%02ldh", h / 24, h % 24);
  }
  return text;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 5) bytes /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string format_utc(std::time_t moment) {
  std::tm parts{};
  gmtime_r(&moment, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace ropesweep
