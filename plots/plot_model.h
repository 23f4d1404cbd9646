#pragma once
// A plot as plain data, independent of widgets and output devices: what to draw, in data coordinates. The painter
// (plot_painter.h) draws it onto any QPaintDevice, so the screen, PNG, SVG and PDF all come from one description.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QStringList>
#include <QString>
#include <vector>

namespace diffbio::plots {

// A group of points sharing a colour and a legend entry ("up", "down", "not significant").
struct PointCategory {
  QString name;
  QColor colour;
  bool inLegend = true;
};

// The point cloud. Parallel vectors, one entry per point; `size` is the marker diameter in points (1/72 inch).
struct PointLayer {
  std::vector<double> x, y;
  std::vector<int> category;      // index into PlotModel::categories
  std::vector<float> size;        // empty = PlotModel::pointSize for every point (see PlotModel::fitSizesToSlots)
  std::vector<QString> names;     // gene names for tooltips, labels and CSV (may be empty)
  // A value behind the colour (expression, a QC metric) for tooltips and CSV; empty when colour is a category.
  std::vector<double> value;
  QString valueName;
  std::size_t count() const { return x.size(); }
};

// Straight guide lines across the whole plot area (thresholds, y = 0).
struct ReferenceLine {
  enum class Orientation { Horizontal, Vertical };
  Orientation orientation = Orientation::Horizontal;
  double value = 0;
  QColor colour = QColor(110, 110, 110);
  bool dashed = true;
};

// A polyline in data coordinates (the Q-Q diagonal) and a filled band between two curves (the Q-Q 95 % band).
struct Curve {
  std::vector<QPointF> points;
  QColor colour = QColor(60, 60, 60);
  bool dashed = false;
};
struct Band {
  std::vector<double> x, low, high;
  QColor fill = QColor(0, 0, 0, 40);
};

// Histogram bars: bin edges (n + 1) and heights (n).
struct Bars {
  std::vector<double> edges, heights;
  QColor fill = QColor(86, 180, 233);
  QColor outline = QColor(40, 90, 130);
};

// A continuous colour scale shown as a vertical bar right of the plot area. The points themselves carry a category
// each (one per colour step, not in the legend), so painting stays category-by-category for every colouring.
struct ColourBar {
  QString title;
  double low = 0, high = 1;
  // Evenly spaced from low to high; empty = no colour bar. The model's last colours.size() categories are these
  // steps (so a new colour map re-colours the points by editing categories).
  std::vector<QColor> colours;
  bool shown() const { return !colours.empty(); }
};

// A closed polygon in data coordinates (a box of a box plot, a violin), filled and outlined; drawn behind the points.
struct Shape {
  std::vector<QPointF> points;
  QColor fill = QColor(0, 0, 0, 40);
  QColor outline = QColor(60, 60, 60);
  double outlineWidth = 0.6;  // points; 0 = no outline
};

// A raster layer stretched over a data rectangle (a quality heatmap: one pixel per cell, drawn without smoothing so
// cells stay sharp). Pixel (0, 0) is at (xMin, yMax): row 0 is the top of the picture.
struct ImageLayer {
  QImage image;
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  bool shown() const { return !image.isNull(); }
};

// Marker sizes explained next to the plot (a dot plot's "fraction of cells"): one dot per entry.
struct SizeLegend {
  QString title;
  std::vector<std::pair<QString, float>> entries;  // text, marker diameter in points
  bool shown() const { return !entries.empty(); }
};

// What the CSV export writes when the points are not the plotted data (box statistics, a dot plot's cells).
struct DataTable {
  QStringList header;
  std::vector<QStringList> rows;
  bool empty() const { return header.isEmpty(); }
};

// Where the legend goes: one row above the plot (few categories) or a column on the right (clusters).
enum class LegendPosition { Top, Right };

struct PlotModel {
  QString title, xLabel, yLabel;
  QString note;  // a short remark inside the plot area, e.g. "λ = 1.02"
  Qt::Alignment noteAlignment = Qt::AlignLeft | Qt::AlignTop;  // the corner where the data leaves room
  // Data range shown; when `autoRange` the painter derives it from everything in the model.
  bool autoRange = true;
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;

  std::vector<PointCategory> categories;
  PointLayer points;
  float pointSize = 3.5f;
  // Per-point sizes (points.size) are shrunk, all by one factor, when the largest would not fit the distance between
  // two categories of a categorical axis (a dot plot drawn small): PlotFrame::markerScale.
  bool fitSizesToSlots = false;
  std::vector<std::size_t> labelled;  // indices of points to label with their names, most important first
  // Points by importance (most significant first) for "label the top N"; empty = by y, largest first.
  std::vector<std::size_t> labelPriority;

  // A categorical x axis (groups, samples): ticks at 0, 1, ... labelled with these names instead of numbers. Names
  // too wide for their slot are written vertically (the layout decides).
  std::vector<QString> xCategories;
  // The same for y (a dot plot's clusters): ticks at 0, 1, ... labelled with these names.
  std::vector<QString> yCategories;

  std::vector<ReferenceLine> lines;
  // Volcano thresholds the user may drag: the vertical lines at ±lfc move together, the horizontal one alone; on
  // release the points are re-coloured by the volcano rule (|x| >= lfc and y >= cut: up or down).
  bool thresholdsDraggable = false;
  std::vector<Curve> curves;
  std::vector<Band> bands;
  Bars bars;
  std::vector<Shape> shapes;
  ImageLayer image;

  // Legend entries show the number of points in each category ("up (1,203)").
  bool legendCounts = true;
  LegendPosition legendPosition = LegendPosition::Top;
  QString legendTitle;  // heading of a right-hand legend (the colouring column)
  ColourBar colourBar;
  SizeLegend sizeLegend;  // below the colour bar, in the right-hand panel
  DataTable table;        // non-empty: the CSV export writes this instead of the points
};

struct DataRange {
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
};
// The range fitRange would choose, without copying the model (point layers may hold 10^6 points).
DataRange fittedRange(const PlotModel& model);

// Fills xMin..yMax from the points, bars, curves and bands, with a small margin so markers are not cut at the edge.
void fitRange(PlotModel& model);

}  // namespace diffbio::plots
