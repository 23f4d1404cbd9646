#include "plots/nice_ticks.h"

#include <algorithm>
#include <cmath>

namespace diffbio::plots {

namespace {

double niceStep(double span, int target) {
  const double raw = span / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  // Pick the 1-2-5 step closest to the raw step (geometric midpoints between the candidates).
  double nice = 10;
  if (fraction < std::sqrt(2.0)) nice = 1;
  else if (fraction < std::sqrt(10.0)) nice = 2;
  else if (fraction < std::sqrt(50.0)) nice = 5;
  return nice * magnitude;
}

void widenDegenerate(double& low, double& high) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0;
    high = 1;
  }
  if (low > high) std::swap(low, high);
  if (high - low <= 1e-12 * std::max(1.0, std::abs(low))) {
    const double pad = low == 0 ? 1 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
}

}  // namespace

Ticks niceTicks(double low, double high, int target) {
  widenDegenerate(low, high);
  Ticks ticks;
  ticks.step = niceStep(high - low, target);
  // Integer multiples avoid accumulating rounding error (0.1 + 0.1 + 0.1 != 0.3).
  const double tolerance = ticks.step * 1e-9;
  const long long first = static_cast<long long>(std::ceil((low - tolerance) / ticks.step));
  const long long last = static_cast<long long>(std::floor((high + tolerance) / ticks.step));
  for (long long k = first; k <= last; ++k) ticks.values.push_back(static_cast<double>(k) * ticks.step);
  return ticks;
}

void expandToNiceRange(double& low, double& high, int target) {
  widenDegenerate(low, high);
  const double step = niceStep(high - low, target);
  low = std::floor(low / step + 1e-9) * step;
  high = std::ceil(high / step - 1e-9) * step;
}

QString tickLabel(double value, double step) {
  if (std::abs(value) < step * 1e-6) value = 0;  // no "-0" or "1e-17"
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e6 || magnitude < 1e-4) return QString::number(value, 'g', 3);
  return QString::number(value, 'f', decimals);
}

}  // namespace diffbio::plots
