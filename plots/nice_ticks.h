#pragma once
// Axis ticks on "nice" numbers: steps of 1, 2 or 5 times a power of ten, as people write them by hand.
#include <QString>
#include <vector>

namespace diffbio::plots {

struct Ticks {
  double step = 0;
  std::vector<double> values;  // every multiple of `step` inside [low, high]
};

// About `target` ticks covering [low, high]; a degenerate range is widened so there is always a tick.
Ticks niceTicks(double low, double high, int target = 5);

// Widens [low, high] outwards to the nearest multiples of the nice step (for axis ranges that end on a tick).
void expandToNiceRange(double& low, double& high, int target = 5);

// A tick label with just enough decimals for `step` ("0.25", "10", "-2"), never "-0".
QString tickLabel(double value, double step);

}  // namespace diffbio::plots
