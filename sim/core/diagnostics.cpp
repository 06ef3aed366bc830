#include "sim/core/diagnostics.hpp"

#include <algorithm>
#include <sstream>

namespace sdsim {

void Diagnostics::add_virtual_line(int line, std::string label) {
  virtual_lines_[line] = std::move(label);
}

namespace {

// A mark on a virtual line becomes a whole-file mark and the line's label leads the message.
void relocate(const std::map<int, std::string>& virtual_lines, SourceMark& at,
              std::string& message) {
  if (virtual_lines.empty()) return;
  auto it = virtual_lines.find(at.line);
  if (it == virtual_lines.end()) return;
  message = it->second + ": " + message;
  at = {};
}

}  // namespace

void Diagnostics::error(SourceMark at, std::string message) {
  if (const auto it = empty_values_.find({at.line, at.column}); it != empty_values_.end())
    for (const std::string& key : it->second)
      if (message.find(key) != std::string::npos) return;  // see note_empty_value
  relocate(virtual_lines_, at, message);
  items_.push_back({Diagnostic::Severity::kError, at, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(SourceMark at, std::string message) {
  relocate(virtual_lines_, at, message);
  items_.push_back({Diagnostic::Severity::kWarning, at, std::move(message)});
}

std::string Diagnostics::format() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.mark.line != b.mark.line ? a.mark.line < b.mark.line : a.mark.column < b.mark.column;
  });
  std::ostringstream out;
  for (const Diagnostic& d : sorted) {
    out << file_;
    if (d.mark.line > 0) out << ':' << d.mark.line << ':' << d.mark.column;
    out << (d.severity == Diagnostic::Severity::kError ? ": error: " : ": warning: ") << d.message
        << '\n';
  }
  return out.str();
}

}  // namespace sdsim
