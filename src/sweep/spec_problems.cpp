#include "spec_problems.hpp"

#include <cstdio>

namespace ropesweep::detail {

std::string one_line(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", unsigned(byte));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ropesweep::detail
