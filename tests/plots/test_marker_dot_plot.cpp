// Marker dot plot and violin plot on scanpy's pbmc68k_reduced (raw/X: log-normalised values of 765 genes, 700 cells
// in 10 bulk_labels groups) with scanpy's stored rank_genes_groups markers: the fraction expressing and mean per
// gene and group equal a direct count over the matrix here (sparse and dense input alike), dots sit where the
// frame puts them in the colour of their mean, names that do not fit are turned; the violin's per-group values,
// medians and densities are checked the same way, and every cell is in the SVG.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "core/io/h5ad.h"
#include "core/io/sample_sheet.h"
#include "plots/figure_export.h"
#include "plots/marker_dot_plot.h"
#include "plots/plot_painter.h"
#include "plots/violin_plot.h"
#include "test_support.h"
#include "tests/plots/scanpy_markers.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

const std::string kExport = "sc_pbmc68k_reduced_scanpy/plain_export/";

io::LoadedCounts pbmcRaw() {
  io::CountReadOptions options;
  options.h5adMatrix = "raw/X";
  return io::readH5ad(test::sharedData("sc_pbmc68k_reduced_scanpy/10x_pbmc68k_reduced.h5ad"), options);
}

// bulk_labels as clusters of the matrix's cells (in the label's natural order).
CellClusters bulkLabels(const data::CountMatrix& matrix) {
  const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
  CellClusters clusters;
  std::vector<std::string> labels;
  for (const auto& cell : matrix.obsNames()) {
    const auto& rows = obs.rowNames();
    const auto at = std::size_t(std::find(rows.begin(), rows.end(), cell) - rows.begin());
    labels.push_back(obs.column("bulk_labels").text(at));
  }
  clusters.names = labels;
  std::sort(clusters.names.begin(), clusters.names.end());
  clusters.names.erase(std::unique(clusters.names.begin(), clusters.names.end()), clusters.names.end());
  for (const auto& label : labels)
    clusters.codes.push_back(
        std::int32_t(std::find(clusters.names.begin(), clusters.names.end(), label) - clusters.names.begin()));
  return clusters;
}

}  // namespace

class MarkerDotPlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void topMarkersFollowScanpysRanking() {
    const data::Table markers = test::scanpyMarkers();
    const auto genes = topMarkerGenes(markers, 2, {"Dendritic"});
    // Dendritic first (as asked), then the table's order; scanpy's top genes of each group, no repeats.
    QCOMPARE(genes.size(), std::size_t(20));
    std::size_t firstRow = 0;
    while (markers.column("group").text(firstRow) != "Dendritic") ++firstRow;
    QCOMPARE(genes[0], markers.column("gene").text(firstRow));
    QCOMPARE(genes[1], markers.column("gene").text(firstRow + 1));
    QCOMPARE(genes[2], markers.column("gene").text(0));  // CD4+/CD25 T Reg, rank 0
    std::vector<std::string> sorted = genes;
    std::sort(sorted.begin(), sorted.end());
    QVERIFY(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    DIFFBIO_EXPECT_INPUT_ERROR(topMarkerGenes(io::readSampleSheet(test::sharedData(kExport + "obs.csv")), 2, {}, "o"),
                               "'group' and 'gene'");
  }

  void statisticsEqualADirectCount() {
    const io::LoadedCounts loaded = pbmcRaw();
    const data::CountMatrix& m = loaded.matrix;
    QCOMPARE(m.nObs(), std::int64_t(700));
    const CellClusters clusters = bulkLabels(m);
    QCOMPARE(clusters.names.size(), std::size_t(10));
    const auto genes = topMarkerGenes(test::scanpyMarkers(), 3,
                                      clusters.names);
    const MarkerDotStatistics sparse = markerDotStatistics(m.isSparse() ? m : m.toSparse(), clusters, genes);
    const MarkerDotStatistics dense = markerDotStatistics(m.isSparse() ? m.toDense() : m, clusters, genes);
    QCOMPARE(sparse.clusterSizes[0], std::size_t(129));  // CD14+ Monocyte
    for (std::size_t k = 0; k < genes.size(); ++k) {
      const auto column = std::int64_t(std::find(m.geneNames().begin(), m.geneNames().end(), genes[k]) -
                                       m.geneNames().begin());
      for (std::size_t c = 0; c < clusters.names.size(); ++c) {
        double sum = 0, expressing = 0, n = 0;
        for (std::int64_t cell = 0; cell < m.nObs(); ++cell) {
          if (clusters.codes[std::size_t(cell)] != std::int32_t(c)) continue;
          const double v = m.at(cell, column);
          sum += v, expressing += v > 0, n += 1;
        }
        QVERIFY(std::abs(sparse.fraction[k][c] - expressing / n) < 1e-12);
        QVERIFY(std::abs(sparse.mean[k][c] - sum / n) < 1e-5 * std::max(1.0, std::abs(sum / n)));
        QVERIFY(std::abs(dense.fraction[k][c] - sparse.fraction[k][c]) < 1e-12);
        QVERIFY(std::abs(dense.mean[k][c] - sparse.mean[k][c]) < 1e-5);
      }
    }
    DIFFBIO_EXPECT_INPUT_ERROR(markerDotStatistics(m, clusters, {"NOT_A_GENE"}, "m"), "NOT_A_GENE");
    CellClusters shorter = clusters;
    shorter.codes.pop_back();
    DIFFBIO_EXPECT_INPUT_ERROR(markerDotStatistics(m, shorter, genes, "m"), "699 cluster labels for 700 cells");
  }

  void dotsAreSizedAndColouredWhereTheFramePutsThem() {
    const io::LoadedCounts loaded = pbmcRaw();
    const CellClusters clusters = bulkLabels(loaded.matrix);
    const auto genes = topMarkerGenes(test::scanpyMarkers(), 3,
                                      clusters.names);
    const MarkerDotStatistics statistics = markerDotStatistics(loaded.matrix, clusters, genes);
    const PlotModel model = markerDotPlot(statistics);
    QVERIFY(model.colourBar.shown());
    QVERIFY(model.sizeLegend.shown());
    QCOMPARE(model.yCategories.size(), std::size_t(10));
    QCOMPARE(model.table.rows.size(), genes.size() * 10);

    QImage image(1400, 800, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 1400, 800));
    painter.end();
    QVERIFY(frame.xLabelsVertical);  // 30 gene names do not fit side by side
    // The biggest dot: its centre has its category's colour; halfway to the next gene it is white.
    std::size_t biggest = 0;
    for (std::size_t i = 0; i < model.points.count(); ++i)
      if (model.points.size[i] > model.points.size[biggest]) biggest = i;
    const QColor expected = model.categories[std::size_t(model.points.category[biggest])].colour;
    const QColor seen = image.pixelColor(frame.map(model.points.x[biggest], model.points.y[biggest]).toPoint());
    QVERIFY2(std::abs(seen.red() - expected.red()) + std::abs(seen.green() - expected.green()) +
                     std::abs(seen.blue() - expected.blue()) < 12,
             qPrintable(seen.name() + " vs " + expected.name()));
    QVERIFY(image.pixelColor(frame.map(model.points.x[biggest] + 0.5, model.points.y[biggest] + 0.5).toPoint())
                .lightness() > 245);
    // Higher mean, later colour step.
    std::size_t low = 0, high = 0;
    for (std::size_t i = 0; i < model.points.count(); ++i) {
      if (model.points.value[i] < model.points.value[low]) low = i;
      if (model.points.value[i] > model.points.value[high]) high = i;
    }
    QVERIFY(model.points.category[high] > model.points.category[low]);

    const auto dir = test::scratchDir("plots_dotplot");
    exportFigure(model, (dir / "dots.svg").string(), FigureSize{180, 120, 300});
    const QByteArray svg = diffbio::test::readFileBytes(dir / "dots.svg");
    // Every dot, plus the five size-legend markers.
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(model.points.count() + 5));
    exportFigure(model, (dir / "dots.csv").string());
    QCOMPARE(diffbio::test::readFileBytes(dir / "dots.csv").trimmed().split('\n').size(), qsizetype(genes.size() * 10 + 1));
  }

  void violinOfOneGeneByGroup() {
    const io::LoadedCounts loaded = pbmcRaw();
    const data::CountMatrix& m = loaded.matrix;
    const CellClusters clusters = bulkLabels(m);
    const std::string gene = "CD79A";  // a B-cell marker
    const auto shapes = violinShapes(m, clusters, gene);
    QCOMPARE(shapes.size(), std::size_t(10));
    const auto column =
        std::int64_t(std::find(m.geneNames().begin(), m.geneNames().end(), gene) - m.geneNames().begin());
    std::size_t cells = 0;
    for (std::size_t c = 0; c < shapes.size(); ++c) {
      std::vector<double> values;
      for (std::int64_t cell = 0; cell < m.nObs(); ++cell)
        if (clusters.codes[std::size_t(cell)] == std::int32_t(c)) values.push_back(m.at(cell, column));
      QCOMPARE(shapes[c].values, values);
      std::sort(values.begin(), values.end());
      const std::size_t n = values.size();
      const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      QVERIFY(std::abs(shapes[c].median - median) < 1e-12);
      QCOMPARE(shapes[c].y.front(), values.front());
      QCOMPARE(shapes[c].y.back(), values.back());
      // A density: its trapezoid integral over the data range is at most 1 (tails beyond the range are cut).
      double area = 0;
      for (std::size_t k = 1; k < shapes[c].y.size(); ++k)
        area += (shapes[c].y[k] - shapes[c].y[k - 1]) * (shapes[c].density[k] + shapes[c].density[k - 1]) / 2;
      QVERIFY(area <= 1.0 + 1e-6);
      cells += n;
    }
    QCOMPARE(cells, std::size_t(700));
    // CD79A is a B-cell marker: the B cells' median is the highest.
    const std::size_t bCells =
        std::size_t(std::find(clusters.names.begin(), clusters.names.end(), "CD19+ B") - clusters.names.begin());
    for (std::size_t c = 0; c < shapes.size(); ++c) QVERIFY(shapes[c].median <= shapes[bCells].median);

    const PlotModel model = violinPlot(shapes, clusters, gene, m.obsNames());
    QCOMPARE(model.points.count(), std::size_t(700));
    QCOMPARE(model.shapes.size(), std::size_t(10));
    QImage image(1000, 600, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 1000, 600));
    painter.end();
    // Left of the B cells' violin at its median height there is white; on its outline side there is colour.
    QVERIFY(image.pixelColor(frame.map(double(bCells) - 0.49, shapes[bCells].median).toPoint()).lightness() > 245);
    const auto dir = test::scratchDir("plots_violin");
    exportFigure(model, (dir / "violin.svg").string());
    const QByteArray svg = diffbio::test::readFileBytes(dir / "violin.svg");
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(700));
    DIFFBIO_EXPECT_INPUT_ERROR(violinShapes(m, clusters, "NOPE", "v"), "NOPE");
  }
};

QTEST_MAIN(MarkerDotPlotTest)
#include "test_marker_dot_plot.moc"
