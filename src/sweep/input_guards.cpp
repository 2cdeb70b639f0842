#include "input_guards.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "axis_forms.hpp"

namespace ropesweep::detail {
namespace {

// Position of the first byte that is not valid UTF-8 (offset), or npos.
std::size_t first_invalid_utf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    std::size_t length = 0;
    std::uint32_t code = 0, minimum = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > size) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code = (code << 6) | (bytes[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8.
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string::npos;
}

// Line and column (1-based, columns in bytes) of a byte offset.
std::pair<int, int> line_and_column(const std::string& text, std::size_t offset) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, line_start = i + 1;
  }
  return {line, int(offset - line_start) + 1};
}

// What YAML::Load silently accepts but a spec must not have: a key given twice
// in one mapping (the loaded node would keep one of them), keys that are not
// plain text, and more than one document. Works on parser events, so aliases
// are seen once and never expanded.
class StructureCheck : public YAML::EventHandler {
 public:
  explicit StructureCheck(std::string path) : path_(std::move(path)) {}

  const std::vector<SpecError>& problems() const { return problems_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { value(mark, nullptr); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { value(mark, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& text) override {
    value(mark, &text);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool is_map = false;
    bool expecting_key = true;
    std::map<std::string, YAML::Mark> keys;
  };

  SourceLocation at(const YAML::Mark& mark) const {
    return SourceLocation{path_, mark.line + 1, mark.column + 1};
  }

  // A node starts: as a key, it is checked; as a value, the mapping awaits its next key.
  bool starting_key(const YAML::Mark& mark, const std::string* text) {
    if (frames_.empty() || !frames_.back().is_map) return false;
    Frame& frame = frames_.back();
    if (!frame.expecting_key) {
      frame.expecting_key = true;
      return false;
    }
    frame.expecting_key = false;
    if (!text) {
      problems_.emplace_back(at(mark), "a key must be plain text, not a list, mapping or alias");
      return true;
    }
    const auto [found, inserted] = frame.keys.emplace(*text, mark);
    if (!inserted) {
      problems_.emplace_back(at(mark),
                             one_line("key '" + *text + "' appears twice in one mapping (also at " +
                                      at(found->second).str() + ")"));
    }
    return true;
  }

  void value(const YAML::Mark& mark, const std::string* text) { starting_key(mark, text); }
  void open(const YAML::Mark& mark, bool is_map) {
    starting_key(mark, nullptr);
    frames_.push_back(Frame{is_map, true, {}});
  }
  void close() {
    if (!frames_.empty()) frames_.pop_back();
  }

  std::string path_;
  std::vector<Frame> frames_;
  std::vector<SpecError> problems_;
};

// Only notes where a document starts: the check for a second document.
class DocumentStart : public YAML::EventHandler {
 public:
  YAML::Mark start;
  bool seen = false;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!seen) start = mark, seen = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The size and encoding guards, on bytes; false after adding a problem.
bool text_fits(const std::string& text, SpecProblems& problems) {
  if (text.size() > kMaxSpecBytes) {
    problems.add(SourceLocation{problems.path(), 0, 0}, too_large(text.size()));
    return false;
  }
  const std::size_t bad = first_invalid_utf8(text);
  if (bad == std::string::npos) return true;
  const auto [line, column] = line_and_column(text, bad);
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", unsigned(static_cast<unsigned char>(text[bad])));
  problems.add(SourceLocation{problems.path(), line, column},
               std::string("not UTF-8 text (byte ") + byte + "); a spec must be UTF-8");
  return false;
}

// The structure guards, on parser events (throws YAML exceptions); false after
// adding problems.
bool structure_fits(const std::string& text, SpecProblems& problems) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  const std::size_t before = problems.count();
  StructureCheck structure(problems.path());
  if (parser.HandleNextDocument(structure)) {
    DocumentStart next;
    if (parser.HandleNextDocument(next) && next.seen) {
      problems.add(problems.where(next.start),
                   "a second YAML document; a spec is a single document");
    }
  }
  problems.add_all(structure.problems());
  return problems.count() == before;
}

}  // namespace

std::string too_large(std::uintmax_t bytes) {
  return "the spec is " + std::to_string(bytes) + " bytes, above the limit of " +
         std::to_string(kMaxSpecBytes) +
         " bytes (long axes have compact forms: " + axis_form_names() + ")";
}

std::optional<YAML::Node> load_spec_yaml(const std::string& text, SpecProblems& problems) {
  if (!text_fits(text, problems)) return std::nullopt;
  try {
    if (!structure_fits(text, problems)) return std::nullopt;
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    problems.add(problems.where(e.mark), "YAML nested too deeply (a spec needs only a few levels)");
  } catch (const YAML::Exception& e) {
    problems.add(problems.where(e.mark), "YAML syntax error: " + e.msg);
  }
  return std::nullopt;
}

}  // namespace ropesweep::detail
