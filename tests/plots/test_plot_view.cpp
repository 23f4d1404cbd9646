// The interactive view, offscreen: the worker-rendered point layer puts colours where the frame says, hovering and
// clicking find the right gene of DESeq2's pasilla results, a lasso drawn with the mouse selects exactly what a
// brute-force point-in-polygon test selects, Shift adds and Ctrl removes, zoom keeps the point under the cursor,
// a dragged volcano threshold re-colours the points, and stale renders never reach the screen.
#include <QtTest/QtTest>
#include <QApplication>
#include <random>

#include "core/io/sample_sheet.h"
#include "plots/de_plots.h"
#include "plots/plot_view.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

bool near(QColor a, QColor b, int tolerance = 12) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

QColor pixelAt(const QImage& image, QPointF widgetPos) {
  return image.pixelColor((widgetPos * image.devicePixelRatio()).toPoint());
}

QImage shot(PlotView& view) {
  view.finishRendering();
  return view.grab().toImage();
}

void send(QWidget& w, QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons buttons,
          Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  QMouseEvent event(type, at, w.mapToGlobal(at), button, buttons, modifiers);
  QApplication::sendEvent(&w, &event);
}

void drag(QWidget& w, const std::vector<QPointF>& path, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  send(w, QEvent::MouseButtonPress, path.front(), Qt::LeftButton, Qt::LeftButton, modifiers);
  for (std::size_t i = 1; i < path.size(); ++i)
    send(w, QEvent::MouseMove, path[i], Qt::NoButton, Qt::LeftButton, modifiers);
  send(w, QEvent::MouseButtonRelease, path.back(), Qt::LeftButton, Qt::NoButton, modifiers);
}

// Even-odd ray casting, written independently of Qt's path code.
bool insidePolygon(QPointF p, const std::vector<QPointF>& polygon) {
  bool inside = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const QPointF a = polygon[i], b = polygon[j];
    if ((a.y() > p.y()) != (b.y() > p.y()) && p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x())
      inside = !inside;
  }
  return inside;
}

PlotModel randomCloud(std::size_t n, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0, 1);
  PlotModel model;
  model.categories = {{"a", QColor(0, 114, 178)}, {"b", QColor(213, 94, 0)}};
  for (std::size_t i = 0; i < n; ++i) {
    model.points.x.push_back(normal(random));
    model.points.y.push_back(normal(random));
    model.points.category.push_back(int(i % 2));
    model.points.names.push_back(QStringLiteral("p%1").arg(i));
  }
  model.pointSize = 2;
  return model;
}

DeResults pasillaResults() {
  return deResultsFromTable(
      io::readSampleSheet(test::sharedData("pasilla/deseq2_1.38.3_reference/design_condition_results_wald.csv.gz")));
}

}  // namespace

class PlotViewTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pointLayerIsRenderedWherePointsAre() {
    PlotModel model;
    model.autoRange = false;
    model.xMin = 0, model.xMax = 10, model.yMin = 0, model.yMax = 10;
    model.categories = {{"red", QColor(255, 0, 0)}, {"blue", QColor(0, 0, 255)}};
    model.points.x = {2, 5, 8};
    model.points.y = {2, 7, 4};
    model.points.category = {0, 1, 0};
    model.pointSize = 8;
    PlotView view;
    view.resize(600, 400);
    view.show();
    view.setModel(model);
    const QImage image = shot(view);
    QVERIFY(near(pixelAt(image, view.widgetPosition(2, 2)), Qt::red));
    QVERIFY(near(pixelAt(image, view.widgetPosition(5, 7)), Qt::blue));
    QVERIFY(near(pixelAt(image, view.widgetPosition(8, 4)), Qt::red));
    QVERIFY(near(pixelAt(image, view.widgetPosition(5, 2)), Qt::white));
    // The view shows the same pixels as the figure rendered directly (one painting path).
    const QImage figure = view.renderFigure(image.devicePixelRatio());
    QVERIFY(near(figure.pixelColor((view.widgetPosition(5, 7) * image.devicePixelRatio()).toPoint()), Qt::blue));
  }

  void hoverAndClickFindTheRightGene() {
    const DeResults results = pasillaResults();
    PlotView view;
    view.resize(800, 600);
    view.show();
    view.setModel(volcanoPlot(results));
    view.finishRendering();
    QSignalSpy selected(&view, &PlotView::selectionChanged);
    // The five most significant genes: isolated at the top of the volcano.
    for (std::size_t gene : mostSignificant(results.pvalue, 5)) {
      const QPointF at = view.widgetPosition(results.log2FoldChange[gene], -std::log10(results.pvalue[gene]));
      QCOMPARE(view.pointAt(at + QPointF(1, -1)), long(gene));
      QVERIFY(view.tooltipText(gene).contains(QString::fromStdString(results.genes[gene])));
      send(view, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
      send(view, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
      QCOMPARE(view.selection(), std::vector<std::size_t>{gene});
    }
    QCOMPARE(selected.count(), 5);
    // Far from every point: nothing; a click there clears the selection.
    const QPointF empty = view.widgetPosition(-9, view.viewRange().yMax * 0.95);
    QCOMPARE(view.pointAt(empty), -1L);
    send(view, QEvent::MouseButtonPress, empty, Qt::LeftButton, Qt::LeftButton);
    send(view, QEvent::MouseButtonRelease, empty, Qt::LeftButton, Qt::NoButton);
    QVERIFY(view.selection().empty());
  }

  void lassoSelectionIsExact() {
    const PlotModel model = randomCloud(20000, 7);
    PlotView view;
    view.resize(700, 560);
    view.show();
    view.setModel(model);
    view.finishRendering();
    // A star-shaped (non-convex) lasso around the middle of the cloud, drawn with the mouse.
    const QPointF centre = view.widgetPosition(0, 0);
    std::vector<QPointF> lasso;
    for (int k = 0; k <= 40; ++k) {
      const double angle = 2 * M_PI * k / 40;
      const double radius = (k % 2 ? 70 : 170);
      lasso.push_back(centre + QPointF(std::cos(angle) * radius, std::sin(angle) * radius * 0.8));
    }
    view.setTool(PlotView::Tool::Lasso);
    QSignalSpy changed(&view, &PlotView::selectionChanged);
    drag(view, lasso);
    QCOMPARE(changed.count(), 1);
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < model.points.count(); ++i)
      if (insidePolygon(view.widgetPosition(model.points.x[i], model.points.y[i]), lasso)) expected.push_back(i);
    QVERIFY(expected.size() > 1000);
    QCOMPARE(view.selection(), expected);

    // Ctrl removes what a rectangle covers; Shift adds it back.
    view.setTool(PlotView::Tool::Select);
    const QRectF box(centre - QPointF(40, 40), centre + QPointF(40, 40));
    std::vector<std::size_t> inBox;
    for (std::size_t i = 0; i < model.points.count(); ++i)
      if (box.contains(view.widgetPosition(model.points.x[i], model.points.y[i]))) inBox.push_back(i);
    QVERIFY(!inBox.empty());
    drag(view, {box.topLeft(), box.center(), box.bottomRight()}, Qt::ControlModifier);
    std::vector<std::size_t> remaining;
    std::set_difference(expected.begin(), expected.end(), inBox.begin(), inBox.end(), std::back_inserter(remaining));
    QCOMPARE(view.selection(), remaining);
    drag(view, {box.topLeft(), box.center(), box.bottomRight()}, Qt::ShiftModifier);
    std::vector<std::size_t> restored;
    std::set_union(remaining.begin(), remaining.end(), inBox.begin(), inBox.end(), std::back_inserter(restored));
    QCOMPARE(view.selection(), restored);

    // A selection from elsewhere is shown without echoing a signal.
    const int before = changed.count();
    view.setSelection({3, 1, 2});
    QCOMPARE(view.selection(), (std::vector<std::size_t>{1, 2, 3}));
    QCOMPARE(changed.count(), before);
  }

  void zoomKeepsThePointUnderTheCursor() {
    PlotView view;
    view.resize(640, 480);
    view.show();
    view.setModel(randomCloud(5000, 3));
    view.finishRendering();
    const DataRange home = view.viewRange();
    const QPointF cursor = view.widgetPosition(0.5, -0.25);
    view.zoomAt(cursor, 2);
    const DataRange zoomed = view.viewRange();
    QVERIFY(std::abs((zoomed.xMax - zoomed.xMin) - (home.xMax - home.xMin) / 2) < 1e-9);
    QVERIFY(std::abs((zoomed.yMax - zoomed.yMin) - (home.yMax - home.yMin) / 2) < 1e-9);
    const QPointF after = view.widgetPosition(0.5, -0.25);
    QVERIFY(QLineF(after, cursor).length() < 0.5);

    // The wheel zooms by 1.25 per notch about the cursor; panning shifts the range; reset restores it.
    QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    QVERIFY(std::abs((view.viewRange().xMax - view.viewRange().xMin) - (zoomed.xMax - zoomed.xMin) / 1.25) < 1e-9);
    const DataRange beforePan = view.viewRange();
    view.panBy(QPointF(100, 0));
    QVERIFY(view.viewRange().xMin < beforePan.xMin);
    QVERIFY(std::abs((view.viewRange().xMax - view.viewRange().xMin) - (beforePan.xMax - beforePan.xMin)) < 1e-9);

    // Box zoom with the mouse: the new range is the box.
    view.resetView();
    QCOMPARE(view.viewRange().xMin, home.xMin);
    view.setTool(PlotView::Tool::Zoom);
    const QPointF a = view.widgetPosition(-1, 1), b = view.widgetPosition(1, -1);
    drag(view, {a, (a + b) / 2, b});
    QVERIFY(std::abs(view.viewRange().xMin + 1) < 0.02 && std::abs(view.viewRange().xMax - 1) < 0.02);
    QVERIFY(std::abs(view.viewRange().yMin + 1) < 0.02 && std::abs(view.viewRange().yMax - 1) < 0.02);
  }

  void staleRendersAreDropped() {
    PlotModel model = randomCloud(3, 1);
    model.points.x = {0, 10, 20};
    model.points.y = {0, 10, 20};
    model.pointSize = 10;
    PlotView view;
    view.resize(600, 400);
    view.show();
    view.setModel(model);
    QSignalSpy rendered(&view, &PlotView::pointLayerRendered);
    // Several range changes in a row: only the last one's image may be shown.
    for (int k = 0; k < 5; ++k) view.setViewRange({-5.0 + k, 5.0 + k, -5.0 + k, 5.0 + k});
    view.setViewRange({5, 15, 5, 15});
    const QImage image = shot(view);
    QVERIFY(rendered.count() <= 2);
    QVERIFY(near(pixelAt(image, view.widgetPosition(10, 10)), QColor(213, 94, 0)));  // point 1 (category b)
  }

  void draggingAVolcanoThresholdRecolours() {
    const DeResults results = pasillaResults();
    PlotView view;
    view.resize(800, 600);
    view.show();
    view.setModel(volcanoPlot(results));
    view.finishRendering();
    QVERIFY(view.model().thresholdsDraggable);
    QSignalSpy changed(&view, &PlotView::thresholdsChanged);
    const double y = (view.viewRange().yMin + view.viewRange().yMax) / 2;
    drag(view, {view.widgetPosition(1, y), view.widgetPosition(1.5, y), view.widgetPosition(2, y)});
    QCOMPARE(changed.count(), 1);
    const double lfc = changed.first().at(0).toDouble(), cut = changed.first().at(1).toDouble();
    QVERIFY(std::abs(lfc - 2) < 0.05);
    std::size_t up = 0, expectedUp = 0;
    const auto& p = view.model().points;
    for (std::size_t i = 0; i < p.count(); ++i) {
      up += p.category[i] == kUp;
      expectedUp += p.y[i] >= cut && p.x[i] >= lfc;
    }
    QCOMPARE(up, expectedUp);
    QVERIFY(up > 10);
  }

  void labelsAndColours() {
    const DeResults results = pasillaResults();
    PlotView view;
    view.resize(800, 600);
    view.show();
    view.setModel(volcanoPlot(results));
    view.labelTop(3);
    QCOMPARE(view.model().labelled, mostSignificant(results.pvalue, 3));
    QCOMPARE(view.labelNames({"fbgn0039155", "FBgn0025111", "no-such-gene"}), std::size_t(2));
    view.clearLabels();
    QVERIFY(view.model().labelled.empty());
    view.setCategoryColour(kUp, QColor(0, 200, 0));
    QCOMPARE(view.model().categories[kUp].colour, QColor(0, 200, 0));
  }
};

QTEST_MAIN(PlotViewTest)
#include "test_plot_view.moc"
