// Training comparison figure on real results: pasilla's DESeq2 results for ~condition as "before" and those for
// ~type + condition as "after", with the genes the fuller model calls at padj < 0.01 as the labels. Precision,
// recall and F1 equal counts made here; both volcano panels share one range; each gene is drawn in its outcome's
// colour where its panel's frame puts it; SVG keeps every gene of both panels, CSV the table.
#include <QtTest/QtTest>

#include <cmath>

#include "core/io/sample_sheet.h"
#include "plots/panel_figure.h"
#include "plots/plot_painter.h"
#include "plots/training_comparison_plot.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";

struct Inputs {
  data::Table before, after;
};

Inputs pasilla() {
  Inputs in{io::readSampleSheet(test::sharedData(kReference + "design_condition_results_wald.csv.gz")),
            io::readSampleSheet(test::sharedData(kReference + "design_type_condition_results_wald.csv.gz"))};
  std::vector<std::uint8_t> label;
  for (std::size_t g = 0; g < in.after.nRows(); ++g) label.push_back(in.after.column("padj").number(g).value_or(1) < 0.01);
  in.after.addColumn(data::Column::boolean("label", std::move(label)));
  return in;
}

}  // namespace

class TrainingComparisonPlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void scoresEqualDirectCounts() {
    const Inputs in = pasilla();
    const TrainingComparison c = compareTraining(in.before, in.after, 0.05);
    QCOMPARE(c.genes.size(), in.after.nRows());
    std::size_t labelled = 0, callsBefore = 0, tpBefore = 0, callsAfter = 0, tpAfter = 0, callsExact = 0, tpExact = 0;
    for (std::size_t g = 0; g < in.after.nRows(); ++g) {
      const bool truth = in.after.column("padj").number(g).value_or(1) < 0.01;
      const bool before = in.before.column("pvalue").number(g).value_or(1) < 0.05;  // same gene order in both files
      const bool after = in.after.column("pvalue").number(g).value_or(1) < 0.05;
      const bool exact = in.before.column("padj").number(g).value_or(1) < 0.05;
      QCOMPARE(in.before.rowNames()[g], in.after.rowNames()[g]);
      labelled += truth;
      callsBefore += before, tpBefore += before && truth;
      callsAfter += after, tpAfter += after && truth;
      callsExact += exact, tpExact += exact && truth;
    }
    QVERIFY(labelled > 100);
    QCOMPARE(c.before.calls, callsBefore);
    QCOMPARE(c.before.truePositives, tpBefore);
    QCOMPARE(c.after.calls, callsAfter);
    QCOMPARE(c.exact.calls, callsExact);
    QVERIFY(std::abs(c.before.precision - double(tpBefore) / double(callsBefore)) < 1e-15);
    QVERIFY(std::abs(c.after.recall - double(tpAfter) / double(labelled)) < 1e-15);
    const double p = double(tpExact) / double(callsExact), r = double(tpExact) / double(labelled);
    QVERIFY(std::abs(c.exact.f1 - 2 * p * r / (p + r)) < 1e-15);

    data::Table unlabelled = in.before;
    DIFFBIO_EXPECT_INPUT_ERROR(compareTraining(in.before, unlabelled, 0.05, "label", "t.tsv"), "no column 'label'");
  }

  void panelsShareARangeAndDrawEveryGene() {
    const Inputs in = pasilla();
    const TrainingComparison c = compareTraining(in.before, in.after, 0.05);
    const PanelFigure figure = trainingComparisonFigure(c);
    QCOMPARE(figure.panels.size(), std::size_t(2));
    QCOMPARE(figure.table.rows.size(), std::size_t(3));
    const PlotModel& before = figure.panels[0];
    const PlotModel& after = figure.panels[1];
    QCOMPARE(before.xMin, after.xMin);
    QCOMPARE(before.yMax, after.yMax);
    QCOMPARE(figure.table.rows[1][1], QString::number(c.after.precision, 'f', 3));

    // 510 x 312 points (180 x 110 mm) at 4 pixels per point: a 2.2-point dot covers whole pixels at its centre.
    constexpr double kScale = 4;
    QImage image(int(510 * kScale), int(312 * kScale), QImage::Format_RGB32);
    QPainter painter(&image);
    painter.scale(kScale, kScale);
    const std::vector<QRectF> boxes = paintPanelFigure(painter, figure, QRectF(0, 0, 510, 312));
    painter.end();
    QCOMPARE(boxes.size(), std::size_t(2));
    // The gene with the smallest p after training stands alone at the top of the right panel, in its colour.
    std::size_t top = 0;
    for (std::size_t i = 0; i < after.points.count(); ++i)
      if (std::isfinite(after.points.y[i]) && after.points.y[i] > after.points.y[top]) top = i;
    const PlotFrame frame = layoutPlot(after, boxes[1]);
    const QColor expected = after.categories[std::size_t(after.points.category[top])].colour;
    const QColor seen =
        image.pixelColor((frame.map(after.points.x[top], after.points.y[top]) * kScale).toPoint());
    QVERIFY2(std::abs(seen.red() - expected.red()) + std::abs(seen.green() - expected.green()) +
                     std::abs(seen.blue() - expected.blue()) < 12,
             qPrintable(seen.name() + " vs " + expected.name()));

    const auto dir = test::scratchDir("plots_training_comparison");
    exportPanelFigure(figure, (dir / "t.svg").string(), FigureSize{180, 110, 300});
    const QByteArray svg = diffbio::test::readFileBytes(dir / "t.svg");
    std::size_t drawn = 0;
    for (const PlotModel* panel : {&before, &after})
      for (std::size_t i = 0; i < panel->points.count(); ++i)
        drawn += std::isfinite(panel->points.x[i]) && std::isfinite(panel->points.y[i]);
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(drawn + 6));  // + 3 legend markers per panel
    QVERIFY(svg.contains(">precision</text>"));
    exportPanelFigure(figure, (dir / "t.pdf").string(), FigureSize{180, 110, 300});
    QVERIFY(diffbio::test::readFileBytes(dir / "t.pdf").startsWith("%PDF-"));
    exportPanelFigure(figure, (dir / "t.png").string(), FigureSize{180, 110, 100});
    QCOMPARE(QImage(QString::fromStdString((dir / "t.png").string())).width(), int(std::lround(180 / 25.4 * 100)));
    exportPanelFigure(figure, (dir / "t.csv").string());
    QCOMPARE(diffbio::test::readFileBytes(dir / "t.csv").trimmed().split('\n').size(), qsizetype(4));
  }
};

QTEST_MAIN(TrainingComparisonPlotTest)
#include "test_training_comparison_plot.moc"
