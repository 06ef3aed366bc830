#include "models/client/rate_profile.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sdsim {

RateProfile::RateProfile(std::vector<Piece> pieces, Seconds cycle)
    : pieces_(std::move(pieces)), cycle_(cycle) {
  if (pieces_.empty() || pieces_.front().start != 0)
    throw std::invalid_argument("RateProfile: the first piece must start at 0");
  if (cycle_ > 0) {
    if (pieces_.back().start >= cycle_)
      throw std::invalid_argument("RateProfile: the cycle must end after the last piece starts");
    for (std::size_t i = 0; i < pieces_.size(); ++i)
      cycle_mass_ += piece_mass(i, pieces_[i].start, end_of(i));
  } else if (pieces_.back().slope != 0) {
    throw std::invalid_argument("RateProfile: the last piece of an endless profile is constant");
  }
}

std::size_t RateProfile::piece_of(Seconds local) const {
  const auto it = std::upper_bound(pieces_.begin(), pieces_.end(), local,
                                   [](Seconds t, const Piece& p) { return t < p.start; });
  return static_cast<std::size_t>(std::max<std::ptrdiff_t>(it - pieces_.begin() - 1, 0));
}

Seconds RateProfile::end_of(std::size_t i) const {
  if (i + 1 < pieces_.size()) return pieces_[i + 1].start;
  return cycle_ > 0 ? cycle_ : kNever;
}

double RateProfile::piece_mass(std::size_t i, Seconds from, Seconds to) const {
  const Piece& p = pieces_[i];
  const double r0 = p.rate + p.slope * (from - p.start);
  const double len = to - from;
  return r0 * len + 0.5 * p.slope * len * len;
}

double RateProfile::rate_at(Seconds t) const {
  if (cycle_ > 0) t -= std::floor(t / cycle_) * cycle_;
  const Piece& p = pieces_[piece_of(t)];
  return p.rate + p.slope * (t - p.start);
}

double RateProfile::integral(Seconds a, Seconds b) const {
  // Lambda(t), the integral from 0 to t.
  const auto lambda = [&](Seconds t) {
    double total = 0;
    if (cycle_ > 0) {
      const double k = std::floor(t / cycle_);
      total += k * cycle_mass_;
      t -= k * cycle_;
    }
    for (std::size_t i = 0; i < pieces_.size() && pieces_[i].start < t; ++i)
      total += piece_mass(i, pieces_[i].start, std::min(t, end_of(i)));
    return total;
  };
  return lambda(b) - lambda(a);
}

Seconds RateProfile::invert(Seconds s, double mass) const {
  if (!(mass > 0)) return s;
  Seconds base = 0;
  Seconds local = s;
  if (cycle_ > 0) {
    base = std::floor(s / cycle_) * cycle_;
    local = s - base;
    if (local >= cycle_) {  // rounding
      base += cycle_;
      local = 0;
    }
  }
  std::size_t i = piece_of(local);
  for (;;) {
    const Piece& p = pieces_[i];
    const double r0 = p.rate + p.slope * (local - p.start);
    const Seconds end = end_of(i);
    if (end == kNever) return r0 > 0 ? base + local + mass / r0 : kNever;
    const double m = piece_mass(i, local, end);
    if (m > 0 && mass <= m) {
      // r0 d + slope d^2 / 2 = mass: the root >= 0, in the form without cancellation.
      const double d =
          p.slope == 0 ? mass / r0
                       : 2 * mass / (r0 + std::sqrt(std::max(0.0, r0 * r0 + 2 * p.slope * mass)));
      return base + std::min(local + d, end);
    }
    mass -= std::max(m, 0.0);
    local = end;
    if (++i < pieces_.size()) continue;
    // End of a cycle: skip whole cycles at once.
    if (!(cycle_mass_ > 0)) return kNever;
    i = 0;
    local = 0;
    base += cycle_;
    if (mass > cycle_mass_) {
      const double k = std::floor(mass / cycle_mass_);
      mass -= k * cycle_mass_;
      base += k * cycle_;
      if (!(mass > 0)) return base;
    }
  }
}

RateProfile RateProfile::with_windows(const std::vector<Window>& windows) const {
  if (cycle_ > 0) throw std::invalid_argument("RateProfile: windows on a repeating profile");
  std::vector<Seconds> breaks;
  for (const Piece& p : pieces_) breaks.push_back(p.start);
  for (const Window& w : windows) {
    breaks.push_back(w.at);
    breaks.push_back(w.at + w.length);
  }
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  std::vector<Piece> out;
  for (Seconds b : breaks) {
    const Piece& p = pieces_[piece_of(b)];
    double factor = 1;
    for (const Window& w : windows)
      if (w.at <= b && b < w.at + w.length) factor *= w.factor;
    out.push_back({b, (p.rate + p.slope * (b - p.start)) * factor, p.slope * factor});
  }
  return RateProfile(std::move(out));
}

}  // namespace sdsim
