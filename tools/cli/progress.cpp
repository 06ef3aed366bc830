#include "tools/cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace sdsim::cli {

namespace {

std::string human_seconds(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  return buf;
}

}  // namespace

ProgressMeter::ProgressMeter(std::FILE* out) : out_(out), start_(std::chrono::steady_clock::now()) {
  if (const char* after = std::getenv("SDSIM_PROGRESS_AFTER")) {
    char* end = nullptr;
    const double v = std::strtod(after, &end);
    if (end != after && v >= 0) first_after_ = v;
  }
}

bool ProgressMeter::is_terminal(std::FILE* out) { return ::isatty(::fileno(out)) == 1; }

std::string ProgressMeter::format(const RunProgress& p, double wall_s) {
  char buf[256];
  double fraction = 0;
  std::string where;
  if (p.duration && *p.duration > 0) {
    fraction = std::min(1.0, p.now / *p.duration);
    std::snprintf(buf, sizeof buf, "%.4g s of %.4g s simulated", p.now, *p.duration);
    where = buf;
  } else if (p.requests && *p.requests > 0) {
    fraction = std::min(1.0, static_cast<double>(p.issued) / static_cast<double>(*p.requests));
    std::snprintf(buf, sizeof buf, "%llu of %llu requests issued (t=%.4g s)",
                  static_cast<unsigned long long>(p.issued),
                  static_cast<unsigned long long>(*p.requests), p.now);
    where = buf;
  }
  std::string left;
  if (!p.issuing) {
    std::snprintf(buf, sizeof buf, "draining (%llu open)",
                  static_cast<unsigned long long>(p.issued > p.ended ? p.issued - p.ended : 0));
    left = buf;
  } else if (fraction > 0) {
    left = "~" + human_seconds(wall_s * (1 - fraction) / fraction) + " left";
  }
  std::snprintf(buf, sizeof buf, "sdsim: %s (%.0f%%), %llu requests done, %s", where.c_str(),
                100 * fraction, static_cast<unsigned long long>(p.ended), left.c_str());
  return buf;
}

void ProgressMeter::update(const RunProgress& p) {
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (wall < first_after_) return;
  if (last_ >= 0 && wall - last_ < kRefreshSeconds) return;
  last_ = wall;
  std::string line = format(p, wall);
  const std::size_t len = line.size();
  if (len < width_) line.append(width_ - len, ' ');  // cover the end of a longer line
  width_ = len;
  std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
}

void ProgressMeter::clear() {
  if (last_ < 0) return;
  std::fprintf(out_, "\r%s\r", std::string(width_, ' ').c_str());
  std::fflush(out_);
  last_ = -1;
  width_ = 0;
}

}  // namespace sdsim::cli
