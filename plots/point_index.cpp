#include "plots/point_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace diffbio::plots {

namespace {
bool finite(QPointF p) { return std::isfinite(p.x()) && std::isfinite(p.y()); }
}  // namespace

PointIndex::PointIndex(std::vector<QPointF> positions, double cellSize)
    : positions_(std::move(positions)), cell_(cellSize > 0 ? cellSize : 8) {
  double x1 = -std::numeric_limits<double>::infinity(), y1 = x1;
  x0_ = y0_ = std::numeric_limits<double>::infinity();
  for (const auto& p : positions_) {
    if (!finite(p)) continue;
    x0_ = std::min(x0_, p.x());
    y0_ = std::min(y0_, p.y());
    x1 = std::max(x1, p.x());
    y1 = std::max(y1, p.y());
  }
  if (!std::isfinite(x0_)) return;  // no finite points: an empty index
  // Cap the grid at ~4 cells per point so a wide, sparse cloud cannot allocate a huge grid.
  const double cap = std::max(1.0, std::sqrt(4.0 * positions_.size()));
  cell_ = std::max({cell_, (x1 - x0_) / cap, (y1 - y0_) / cap});
  columns_ = long((x1 - x0_) / cell_) + 1;
  rows_ = long((y1 - y0_) / cell_) + 1;

  // Counting sort of points into cells.
  std::vector<std::uint32_t> cellOfPoint(positions_.size(), std::uint32_t(-1));
  cellStart_.assign(std::size_t(columns_ * rows_) + 1, 0);
  for (std::size_t i = 0; i < positions_.size(); ++i) {
    if (!finite(positions_[i])) continue;
    const long c = cellOf(positions_[i].y(), y0_, rows_) * columns_ + cellOf(positions_[i].x(), x0_, columns_);
    cellOfPoint[i] = std::uint32_t(c);
    ++cellStart_[c + 1];
  }
  for (std::size_t c = 1; c < cellStart_.size(); ++c) cellStart_[c] += cellStart_[c - 1];
  order_.resize(cellStart_.back());
  std::vector<std::uint32_t> fill(cellStart_.begin(), cellStart_.end() - 1);
  for (std::size_t i = 0; i < positions_.size(); ++i)
    if (cellOfPoint[i] != std::uint32_t(-1)) order_[fill[cellOfPoint[i]]++] = std::uint32_t(i);
}

long PointIndex::cellOf(double v, double origin, long cells) const {
  return std::clamp(long(std::floor((v - origin) / cell_)), 0L, cells - 1);
}

template <typename Visit>
void PointIndex::forCellsIn(const QRectF& box, Visit visit) const {
  if (columns_ == 0) return;
  const QRectF r = box.normalized();
  if (r.right() < x0_ || r.bottom() < y0_ || r.left() > x0_ + columns_ * cell_ || r.top() > y0_ + rows_ * cell_)
    return;
  const long cx0 = cellOf(r.left(), x0_, columns_), cx1 = cellOf(r.right(), x0_, columns_);
  const long cy0 = cellOf(r.top(), y0_, rows_), cy1 = cellOf(r.bottom(), y0_, rows_);
  for (long cy = cy0; cy <= cy1; ++cy)
    for (long cx = cx0; cx <= cx1; ++cx) {
      const long c = cy * columns_ + cx;
      for (std::uint32_t k = cellStart_[c]; k < cellStart_[c + 1]; ++k) visit(order_[k]);
    }
}

long PointIndex::nearest(QPointF at, double radius) const {
  long best = -1;
  double bestDistance = radius * radius;
  forCellsIn(QRectF(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius), [&](std::uint32_t i) {
    const double dx = positions_[i].x() - at.x(), dy = positions_[i].y() - at.y();
    const double d = dx * dx + dy * dy;
    if (d < bestDistance || (d == bestDistance && long(i) > best)) {
      bestDistance = d;
      best = long(i);
    }
  });
  return best;
}

std::vector<std::size_t> PointIndex::inRect(const QRectF& rect) const {
  const QRectF r = rect.normalized();
  std::vector<std::size_t> hits;
  forCellsIn(r, [&](std::uint32_t i) {
    const QPointF& p = positions_[i];
    if (p.x() >= r.left() && p.x() <= r.right() && p.y() >= r.top() && p.y() <= r.bottom()) hits.push_back(i);
  });
  std::sort(hits.begin(), hits.end());
  return hits;
}

std::vector<std::size_t> PointIndex::inPath(const QPainterPath& lasso) const {
  std::vector<std::size_t> hits;
  // The grid narrows the candidates to the lasso's bounding box; QPainterPath::contains decides each one, so the
  // answer is exactly what a test of every point would give.
  forCellsIn(lasso.boundingRect(), [&](std::uint32_t i) {
    if (lasso.contains(positions_[i])) hits.push_back(i);
  });
  std::sort(hits.begin(), hits.end());
  return hits;
}

}  // namespace diffbio::plots
