#pragma once
// Places point labels so they do not overlap each other, the labelled markers or the plot edge, and cover as few other
// points as possible. Greedy, in order of importance: each label tries 8 positions around its point on a few rings
// and takes the one covering the fewest points (nearest ring first on ties); a label that fits nowhere without
// overlapping another label is left out rather than drawn over it.
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <functional>
#include <vector>

namespace diffbio::plots {

struct PlacedLabel {
  std::size_t item = 0;  // index into the input vectors
  QRectF box;            // where the text goes
  bool needsLeader = false;  // far from its point: draw a line back to it
};

// `anchors` and `sizes` are parallel (layout units); `markerRadius` keeps text off the labelled markers.
// `pointsUnder` counts the data points a box would cover (null: every free box is as good as another).
using PointCounter = std::function<std::size_t(const QRectF&)>;
std::vector<PlacedLabel> placeLabels(const std::vector<QPointF>& anchors, const std::vector<QSizeF>& sizes,
                                     const QRectF& bounds, double markerRadius, const PointCounter& pointsUnder = {});

}  // namespace diffbio::plots
