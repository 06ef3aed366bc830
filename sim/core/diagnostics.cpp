#include "sim/core/diagnostics.hpp"

#include <algorithm>
#include <sstream>

namespace sdsim {

void Diagnostics::error(SourceMark at, std::string message) {
  items_.push_back({Diagnostic::Severity::kError, at, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(SourceMark at, std::string message) {
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
