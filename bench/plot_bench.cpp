// Plot speed, offscreen, next to the goals of the plots issue:
//   10^5-point volcano first paint <= 150 ms, pan/zoom frame <= 40 ms, 10^6-point embedding frame <= 100 ms,
//   10^5-point SVG and PDF export <= 2 s each.
// A "frame" is the whole update: the worker renders the point layer for the new range, then the widget paints it
// with axes and labels (PlotView::finishRendering + QWidget::grab). The GUI thread's own share (drawing the previous
// image moved to the new range while the worker runs) is printed too. Median of repeated runs.
#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "tests/synthetic_de_results.h"
#include "plots/de_plots.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
#include "plots/plot_view.h"

using namespace diffbio::plots;

namespace {

DeResults syntheticResults(std::size_t n) { return diffbio::test::syntheticResults(n, 5); }

Embedding syntheticEmbedding(std::size_t n, std::vector<std::string>& clusters) {
  std::mt19937_64 random(11);
  std::normal_distribution<double> normal(0, 1);
  Embedding e;
  for (std::size_t i = 0; i < n; ++i) {
    const int c = int(i % 12);
    e.x.push_back(8 * std::cos(c * 0.52) + normal(random));
    e.y.push_back(8 * std::sin(c * 0.52) + normal(random));
    clusters.push_back(std::to_string(c));
  }
  return e;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void report(const char* what, double ms, double goal) {
  std::printf("%-44s %9.1f ms   goal <= %6.0f ms   %s\n", what, ms, goal, ms <= goal ? "met" : "NOT MET");
}

// Times `change` followed by the complete frame (worker render of the point layer, then the widget's paint); and,
// separately, the GUI thread's paint right after a change (previous image moved onto the new range, axes).
void frames(PlotView& view, const char* what, double goal, const std::function<void(int)>& change) {
  std::vector<double> full, gui;
  for (int k = 0; k < 15; ++k) {
    QElapsedTimer timer;
    timer.start();
    change(k);
    view.finishRendering();
    view.grab();
    full.push_back(timer.nsecsElapsed() / 1e6);
  }
  for (int k = 0; k < 15; ++k) {
    change(k);
    QElapsedTimer timer;
    timer.start();
    view.grab();
    gui.push_back(timer.nsecsElapsed() / 1e6);
    view.finishRendering();
  }
  report(what, median(full), goal);
  std::printf("%-44s %9.1f ms   (GUI thread only, before the new layer lands)\n", "", median(gui));
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  std::printf("plot_bench (offscreen, widget 1200 x 800 px, %d cores)\n\n", QThread::idealThreadCount());

  const DeResults results = syntheticResults(100000);
  const PlotModel volcano = volcanoPlot(results);
  {
    std::vector<double> first;
    for (int k = 0; k < 5; ++k) {
      PlotView view;
      view.resize(1200, 800);
      view.show();
      QElapsedTimer timer;
      timer.start();
      view.setModel(volcano);
      view.finishRendering();
      view.grab();
      first.push_back(timer.nsecsElapsed() / 1e6);
    }
    report("10^5-point volcano: first paint", median(first), 150);

    PlotView view;
    view.resize(1200, 800);
    view.show();
    view.setModel(volcano);
    view.finishRendering();
    frames(view, "10^5-point volcano: pan frame", 40, [&](int k) { view.panBy(QPointF(k % 2 ? -25 : 25, 10)); });
    frames(view, "10^5-point volcano: zoom frame", 40,
           [&](int k) { view.zoomAt(QPointF(600, 400), k % 2 ? 1 / 1.25 : 1.25); });
  }
  {
    std::vector<std::string> clusters;
    const Embedding embedding = syntheticEmbedding(1000000, clusters);
    const PlotModel model = embeddingByCategory(embedding, clusters, "cluster");
    PlotView view;
    view.resize(1200, 800);
    view.show();
    QElapsedTimer timer;
    timer.start();
    view.setModel(model);
    view.finishRendering();
    view.grab();
    std::printf("%-44s %9.1f ms   (no goal: includes copying the model and counting the legend)\n",
                "10^6-point embedding: first paint", timer.nsecsElapsed() / 1e6);
    frames(view, "10^6-point embedding: pan frame", 100, [&](int k) { view.panBy(QPointF(k % 2 ? -25 : 25, 10)); });
    frames(view, "10^6-point embedding: zoom frame", 100,
           [&](int k) { view.zoomAt(QPointF(600, 400), k % 2 ? 1 / 1.25 : 1.25); });
  }
  {
    const auto dir = std::filesystem::temp_directory_path() / "diffbio_plot_bench";
    std::filesystem::create_directories(dir);
    DePlotOptions options;
    const PlotModel model = volcanoPlot(results, options);
    for (const char* suffix : {"svg", "pdf", "png"}) {
      const std::string path = (dir / (std::string("volcano.") + suffix)).string();
      QElapsedTimer timer;
      timer.start();
      exportFigure(model, path, FigureSize{120, 90, 300});
      const double ms = timer.nsecsElapsed() / 1e6;
      const std::string label = std::string("10^5-point export, every point: .") + suffix;
      report(label.c_str(), ms, 2000);
      std::printf("%-44s %9.1f MB\n", "", std::filesystem::file_size(path) / 1e6);
    }
    PaintOptions raster;
    raster.rasteriseAbove = 20000;
    for (const char* suffix : {"svg", "pdf"}) {
      const std::string path = (dir / (std::string("volcano_raster.") + suffix)).string();
      QElapsedTimer timer;
      timer.start();
      exportFigure(model, path, FigureSize{120, 90, 300}, raster);
      const double ms = timer.nsecsElapsed() / 1e6;
      const std::string label = std::string("10^5-point export, points as image: .") + suffix;
      report(label.c_str(), ms, 2000);
      std::printf("%-44s %9.1f MB\n", "", std::filesystem::file_size(path) / 1e6);
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}
