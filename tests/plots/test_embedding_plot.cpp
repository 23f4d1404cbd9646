// Embedding scatter on scanpy's pbmc68k_reduced UMAP: categories keep scanpy's labels and counts, values map onto the
// colour scale, each point is painted in its colour where the frame puts it, and SVG export keeps all 700 cells.
#include <QtTest/QtTest>
#include <QRegularExpression>

#include "core/io/sample_sheet.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
#include "test_support.h"
#include "pbmc68k_populations.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

const std::string kExport = "sc_pbmc68k_reduced_scanpy/plain_export/";

Embedding pbmcUmap() {
  const data::Table umap = io::readSampleSheet(test::sharedData(kExport + "X_umap.csv"));
  Embedding embedding;
  embedding.names = umap.rowNames();
  embedding.x = umap.column("UMAP1").floats();
  embedding.y = umap.column("UMAP2").floats();
  return embedding;
}

int colourDistance(QColor a, QColor b) {
  return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

}  // namespace

class EmbeddingPlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void categoriesCarryScanpysLabelsAndCounts() {
    const Embedding embedding = pbmcUmap();
    const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
    QCOMPARE(obs.rowNames(), embedding.names);
    const PlotModel model = embeddingByColumn(embedding, obs.column("bulk_labels"));
    QCOMPARE(model.points.count(), std::size_t(700));
    QCOMPARE(model.legendPosition, LegendPosition::Right);
    QCOMPARE(model.legendTitle, QStringLiteral("bulk_labels"));
    // The README's counts of the 10 sorted populations.
    const std::map<std::string, int>& expected = diffbio::test::pbmc68kSortedPopulations();
    QCOMPARE(model.categories.size(), expected.size());  // no missing labels, so no NA entry
    const auto entries = legendEntries(model);
    QCOMPARE(entries.size(), expected.size());
    for (const auto& entry : entries) {
      const QString name = model.categories[entry.category].name;
      QVERIFY2(expected.count(name.toStdString()), qPrintable(name));
      QCOMPARE(entry.text, QStringLiteral("%1 (%2)").arg(name).arg(expected.at(name.toStdString())));
    }
    // Ten categories: ten distinct colours.
    for (std::size_t a = 0; a < model.categories.size(); ++a)
      for (std::size_t b = a + 1; b < model.categories.size(); ++b)
        QVERIFY(colourDistance(model.categories[a].colour, model.categories[b].colour) > 40);
  }

  void integerClustersAreCategoriesInNaturalOrder() {
    const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
    const PlotModel model = embeddingByColumn(pbmcUmap(), obs.column("louvain"));
    QCOMPARE(model.categories.size(), std::size_t(11));  // louvain: 11 clusters, 0..10
    QCOMPARE(model.categories.front().name, QStringLiteral("0"));
    QCOMPARE(model.categories[2].name, QStringLiteral("2"));
    QCOMPARE(model.categories.back().name, QStringLiteral("10"));
    QVERIFY(!model.colourBar.shown());
  }

  void valuesMapOntoTheColourBar() {
    const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
    const PlotModel model = embeddingByColumn(pbmcUmap(), obs.column("percent_mito"));
    QVERIFY(model.colourBar.shown());
    const auto& mito = obs.column("percent_mito").floats();
    QCOMPARE(model.colourBar.low, *std::min_element(mito.begin(), mito.end()));
    QCOMPARE(model.colourBar.high, *std::max_element(mito.begin(), mito.end()));
    QCOMPARE(model.points.value, mito);
    // The cell with the largest value gets the top colour, the smallest the bottom colour.
    const std::size_t top = std::max_element(mito.begin(), mito.end()) - mito.begin();
    const std::size_t bottom = std::min_element(mito.begin(), mito.end()) - mito.begin();
    QCOMPARE(model.categories[model.points.category[top]].colour, colourAt(ColourMap::Viridis, 1));
    QCOMPARE(model.categories[model.points.category[bottom]].colour, colourAt(ColourMap::Viridis, 0));
    QCOMPARE(colourAt(ColourMap::Viridis, 0), QColor(0x44, 0x01, 0x54));
    QCOMPARE(colourAt(ColourMap::Viridis, 1), QColor(0xFD, 0xE7, 0x25));
    // Missing values are grey, listed in the legend, and drawn first (category 0).
    std::vector<double> withNa = mito;
    withNa[5] = std::nan("");
    const PlotModel na = embeddingByValue(pbmcUmap(), withNa, "percent_mito");
    QCOMPARE(na.points.category[5], 0);
    QVERIFY(na.categories[0].inLegend);
    QCOMPARE(na.categories[0].colour, missingColour());
  }

  void pointsArePaintedInTheirColours() {
    const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
    EmbeddingOptions options;
    options.pointSize = 6;
    const PlotModel model = embeddingByColumn(pbmcUmap(), obs.column("bulk_labels"), options);
    QImage image(900, 650, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 900, 650));
    painter.end();
    QVERIFY(frame.side.width() > 60);               // the legend column is beside the plot...
    QVERIFY(frame.side.left() >= frame.area.right());  // ...not over it
    // A point drawn last (no later point within its marker) must show its own colour at its centre.
    std::vector<QPointF> positions = pointPositions(model, frame);
    int checked = 0;
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const int category = model.points.category[i];
      bool covered = false;
      for (std::size_t j = 0; j < positions.size() && !covered; ++j) {
        if (j == i) continue;
        const bool later = model.points.category[j] > category || (model.points.category[j] == category && j > i);
        covered = later && QLineF(positions[i], positions[j]).length() < 8;
      }
      if (covered) continue;
      ++checked;
      QVERIFY(colourDistance(image.pixelColor(positions[i].toPoint()), model.categories[category].colour) < 30);
    }
    QVERIFY(checked > 100);
  }

  void svgKeepsEveryCellAndTheColourBar() {
    const auto dir = test::scratchDir("plots_embedding");
    const data::Table obs = io::readSampleSheet(test::sharedData(kExport + "obs.csv"));
    const PlotModel model = embeddingByColumn(pbmcUmap(), obs.column("n_genes"));
    QVERIFY(model.colourBar.shown());  // n_genes: an integer column with hundreds of values is a scale
    exportFigure(model, (dir / "umap.svg").string(), FigureSize{120, 90, 300});
    QFile file(QString::fromStdString((dir / "umap.svg").string()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray svg = file.readAll();
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(700));  // NA not present: no legend marker
    QVERIFY(svg.contains(">n_genes</text>"));
    exportFigure(model, (dir / "umap.csv").string());
    QFile csv(QString::fromStdString((dir / "umap.csv").string()));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readLine().trimmed(), QByteArray("name,UMAP 1,UMAP 2,category,n_genes"));
    QVERIFY(csv.readLine().startsWith("AAAGCCTGGCTAAC-1,-1.991863,8.576417,,1003"));
  }
};

QTEST_MAIN(EmbeddingPlotTest)
#include "test_embedding_plot.moc"
