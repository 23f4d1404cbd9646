#include "plots/label_placement.h"

#include <cmath>

namespace diffbio::plots {

namespace {

// The box of a label of `size` whose nearest corner or edge sits `gap` away from `anchor` in direction (dx, dy).
QRectF boxAround(QPointF anchor, QSizeF size, int dx, int dy, double gap) {
  double left = anchor.x() - size.width() / 2;
  if (dx > 0) left = anchor.x() + gap;
  if (dx < 0) left = anchor.x() - gap - size.width();
  double top = anchor.y() - size.height() / 2;
  if (dy > 0) top = anchor.y() + gap;
  if (dy < 0) top = anchor.y() - gap - size.height();
  return QRectF(left, top, size.width(), size.height());
}

bool overlapsAny(const QRectF& box, const std::vector<QRectF>& taken) {
  for (const auto& other : taken)
    if (box.intersects(other)) return true;
  return false;
}

}  // namespace

std::vector<PlacedLabel> placeLabels(const std::vector<QPointF>& anchors, const std::vector<QSizeF>& sizes,
                                     const QRectF& bounds, double markerRadius, const PointCounter& pointsUnder) {
  // Right, left, above, below first (easiest to read), then the diagonals.
  static const int directions[8][2] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
  constexpr int kRings = 4;
  std::vector<QRectF> taken;
  for (const auto& anchor : anchors)
    if (std::isfinite(anchor.x()) && std::isfinite(anchor.y()))
      taken.emplace_back(anchor.x() - markerRadius, anchor.y() - markerRadius, 2 * markerRadius, 2 * markerRadius);

  std::vector<PlacedLabel> placed;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    if (!std::isfinite(anchors[i].x()) || !std::isfinite(anchors[i].y())) continue;
    QRectF best;
    int bestRing = -1;
    std::size_t bestCovered = std::size_t(-1);
    for (int ring = 0; ring < kRings && bestCovered > 0; ++ring) {
      const double gap = markerRadius + 1 + ring * (sizes[i].height() + 2);
      for (const auto& d : directions) {
        const QRectF box = boxAround(anchors[i], sizes[i], d[0], d[1], gap);
        if (!bounds.contains(box) || overlapsAny(box, taken)) continue;
        const std::size_t covered = pointsUnder ? pointsUnder(box) : 0;
        if (covered < bestCovered) {
          best = box;
          bestRing = ring;
          bestCovered = covered;
          if (covered == 0) break;
        }
      }
    }
    if (bestRing < 0) continue;
    taken.push_back(best);
    placed.push_back({i, best, bestRing > 0});
  }
  return placed;
}

}  // namespace diffbio::plots
