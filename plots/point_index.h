#pragma once
// A uniform grid over point positions (layout or screen units) for hit-testing and selection. Building is O(n);
// a hover query looks at the few cells within the pick radius instead of every point, which keeps tooltips instant
// on 10^5-10^6 points. Selections are exact: the grid only skips cells that cannot contain a hit.
#include <QPainterPath>
#include <QPointF>
#include <QRectF>
#include <cstdint>
#include <vector>

namespace diffbio::plots {

class PointIndex {
 public:
  PointIndex() = default;
  // Points with a NaN coordinate are left out. `cellSize` near the usual pick radius works well.
  explicit PointIndex(std::vector<QPointF> positions, double cellSize = 8);

  // The point nearest to `at` within `radius`, or -1. Ties go to the point drawn last (the one on top).
  long nearest(QPointF at, double radius) const;
  // Indices (ascending) of the points inside the rectangle (edges included) or the closed lasso path.
  std::vector<std::size_t> inRect(const QRectF& rect) const;
  std::vector<std::size_t> inPath(const QPainterPath& lasso) const;

  std::size_t size() const { return positions_.size(); }

 private:
  template <typename Visit>
  void forCellsIn(const QRectF& box, Visit visit) const;
  long cellOf(double v, double origin, long cells) const;

  std::vector<QPointF> positions_;
  double cell_ = 8;
  double x0_ = 0, y0_ = 0;
  long columns_ = 0, rows_ = 0;
  std::vector<std::uint32_t> cellStart_;  // CSR layout: points of cell c are order_[cellStart_[c] .. cellStart_[c+1])
  std::vector<std::uint32_t> order_;
};

}  // namespace diffbio::plots
