#pragma once
// An interactive view of a PlotModel. The point layer (10^5-10^6 points) is rendered into a cached image on a worker
// thread (QtConcurrent); the GUI thread only draws that image plus axes, labels and selection with plot_painter, so
// the screen and exported files come from the same painting code. While a new render is under way the previous
// image is shown moved and scaled to the new range; a render that finishes after a newer request was made is dropped.
//
// Mouse: hover = tooltip (name and values); click = select the nearest point; drag = rectangle (or lasso, or box zoom,
// or pan, by tool); Shift adds to the selection, Ctrl/Alt removes; wheel zooms about the cursor; middle-drag pans;
// double-click resets the view; right-click opens a menu (tools, labels, colours, copy). Volcano threshold lines can
// be dragged (thresholdsChanged).
#include <QFutureWatcher>
#include <QImage>
#include <QPainterPath>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "plots/colour_maps.h"
#include "plots/plot_painter.h"
#include "plots/point_index.h"

namespace diffbio::plots {

class PlotView : public QWidget {
  Q_OBJECT

 public:
  enum class Tool { Select, Lasso, Zoom, Pan, Label };
  enum class SelectionMode { Replace, Add, Remove };

  explicit PlotView(QWidget* parent = nullptr);
  ~PlotView() override;

  // Shows `model`; the view range is reset unless `keepView`, the selection is cleared (indices would not match).
  void setModel(PlotModel model, bool keepView = false);
  const PlotModel& model() const { return *model_; }

  // The data range on screen. Zoom/pan/reset change it and re-render the point layer.
  DataRange viewRange() const { return range_; }
  void setViewRange(const DataRange& range);
  void resetView();
  // Zooms by `factor` (> 1 zooms in) keeping the data point under `widgetPos` fixed.
  void zoomAt(QPointF widgetPos, double factor);
  void panBy(QPointF widgetDelta);

  void setTool(Tool tool) { tool_ = tool; }
  Tool tool() const { return tool_; }

  // Sorted point indices. setSelection shows a selection coming from elsewhere (a table) and emits nothing.
  const std::vector<std::size_t>& selection() const { return selection_; }
  void setSelection(std::vector<std::size_t> indices);
  // Applies a selection made here (as the mouse does) and emits selectionChanged.
  void select(const std::vector<std::size_t>& indices, SelectionMode mode);

  // Labels (placed by label_placement): the N most significant, the points whose names are in `names`
  // (case-insensitive; returns how many were found), or one point toggled.
  void labelTop(std::size_t n);
  std::size_t labelNames(const QStringList& names);
  void toggleLabel(std::size_t index);
  void clearLabels();

  // Colours: one category's colour, or the continuous map of a plot with a colour bar.
  void setCategoryColour(std::size_t category, const QColor& colour);
  void setColourMap(ColourMap map);

  // Hit-testing in widget coordinates: the point under `widgetPos` (within a few pixels), or -1.
  long pointAt(QPointF widgetPos) const;
  QString tooltipText(std::size_t index) const;
  // Widget position of a data point, and the frame of the current layout (layout units are widget pixels / scale()).
  QPointF widgetPosition(double x, double y) const;
  PlotFrame currentFrame() const;
  double scale() const;  // layout units (points) to widget pixels: the screen shows the figure at its printed size

  // Selection by shapes in widget coordinates (what the mouse does), exposed for tests and the GUI.
  std::vector<std::size_t> pointsInWidgetRect(const QRectF& rect) const;
  std::vector<std::size_t> pointsInWidgetPath(const QPainterPath& lasso) const;

  // The figure as on screen (all layers, current range and selection) at `pixelRatio`; and to the clipboard.
  QImage renderFigure(double pixelRatio = 2) const;
  void copyToClipboard() const;

  // Blocks until the point layer for the current state is rendered and shown (tests, benchmarks, screenshots).
  void finishRendering();
  bool renderPending() const { return inFlight_ || renderQueued_; }

 Q_SIGNALS:
  void selectionChanged(const std::vector<std::size_t>& indices);
  void thresholdsChanged(double lfc, double significanceCut);
  void pointActivated(std::size_t index);  // double-click on a point: open that gene or cell elsewhere
  void pointLayerRendered();
  void viewRangeChanged(const DataRange& range);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  struct Rendered {
    std::uint64_t generation = 0;
    QImage image;
    DataRange range;
    QSize size;
    double pixelRatio = 1;
    PlotFrame frame;  // the layout the image was drawn with
  };
  enum class Drag { None, Rectangle, Lasso, ZoomBox, Pan, VerticalLine, HorizontalLine };

  PlotFrame frameFor(const DataRange& range) const;
  QRectF layoutRect() const;
  QPointF toLayout(QPointF widgetPos) const { return widgetPos / scale(); }
  void requestRender();
  void startRender();
  void renderFinished();
  PlotModel& editModel();  // copy-on-write: a running render keeps reading the model it was given
  void invalidateLayout();
  const PointIndex& index() const;
  static SelectionMode modeFor(Qt::KeyboardModifiers modifiers);
  void applyThresholdRule();

  std::shared_ptr<PlotModel> model_;
  DataRange range_, home_;
  std::vector<std::size_t> selection_;
  std::vector<std::uint8_t> selectedMask_;
  Tool tool_ = Tool::Select;

  // Worker rendering: one job at a time; a request while one runs is queued and replaces older requests.
  QFutureWatcher<Rendered> watcher_;
  std::uint64_t generation_ = 0;
  bool renderQueued_ = false;
  bool inFlight_ = false;
  Rendered shown_;

  // Hit-testing index over layout positions for the current range and size; built on first use.
  mutable std::optional<PointIndex> index_;
  mutable std::optional<PlotFrame> frame_;  // layout of the current range and size
  mutable std::optional<std::vector<LegendEntry>> legend_;  // counts per category: O(n), independent of the range

  Drag drag_ = Drag::None;
  QPointF pressAt_, lastAt_;
  QPainterPath lasso_;
  Qt::KeyboardModifiers pressModifiers_;
  long hovered_ = -1;
  double dragLine_ = 0;  // data value of a threshold line being dragged
};

}  // namespace diffbio::plots
