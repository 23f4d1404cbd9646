// Read QC in the Plots dock. The reads template (seed 003's simulated reads through the soft quality filter, adapter
// removal and duplicate weighting) shows six QC figures whose retention and read-weight numbers are the sums of the
// summary node's per-read table; an edit of the quality threshold re-runs and redraws them. On real reads
// (illumina_10K.fastq.gz through reads.load_fastq) the quality-by-position and adapter-content curves equal the
// statistics of the exact trimmer (`diffbio reads trim`, cutadapt 4.2's semantics) on the same file, and the
// duplication rate equals the share of repeated sequences in the file.
#include "test_support.h"

#include <QSignalSpy>

#include <cmath>
#include <set>

#include "core/data/read_batch.h"
#include "core/io/fastq.h"
#include "core/reads/trim_runner.h"
#include "plots/plot_view.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/main_window.h"
#include "widgets/resources_path.h"
#include "widgets/results/plots_panel.h"
#include "widgets/results/results_panel.h"

using namespace diffbio;
using namespace diffbio::widgets;

Q_DECLARE_METATYPE(diffbio::widgets::RunOutcome)

namespace {

const QString kGroup = QStringLiteral("Read QC");

// Runs the window's pipeline and waits for the run and then for the read QC figures.
bool runAndWaitForQc(MainWindow& window, bool start = true) {
  QSignalSpy runs(&window, &MainWindow::runCompleted);
  QSignalSpy plotted(window.results()->plots(), &PlotsPanel::plotsReady);
  if (start) window.runPipeline();
  if (!runs.wait(300000)) return false;
  if (!qvariant_cast<RunOutcome>(runs.first().first()).summary.ok()) return false;
  return plotted.count() > 0 || plotted.wait(60000);
}

// The figure named `name` as the view shows it.
const plots::PlotModel& show(PlotsPanel& plots, const QString& name) {
  plots.selectPlot(name);
  return plots.view()->model();
}

double columnSum(const data::Table& table, const std::string& column) {
  double sum = 0;
  for (double v : table.column(column).floats()) sum += v;
  return sum;
}

}  // namespace

class ReadQcViewTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");
    QCoreApplication::setApplicationName("read_qc_view");
    qRegisterMetaType<RunOutcome>();
  }

  void seedReadsShowQcAndRedrawAfterAnEdit() {
    MainWindow window;
    const auto out = test::scratchDir("widgets_read_qc_seed");
    window.setOutputFolder(QString::fromStdString(out.string()));
    window.setAutoRun(false);
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.openTemplate(resourcesDir() + "/pipelines/reads_preprocessing.json"));
    QVERIFY(runAndWaitForQc(window));
    PlotsPanel& plots = *window.results()->plots();
    QCOMPARE(plots.groupPlotNames(kGroup).size(), 7);

    const auto& summary = window.runner()->output("summary", "table")->as<data::Table>();
    QCOMPARE(summary.nRows(), std::size_t{100});
    const double bases = columnSum(summary, "length"), retained = columnSum(summary, "retained_bases");
    const double weights = columnSum(summary, "read_weight");
    const auto& retention = show(plots, "Read QC: retention");
    QCOMPARE(retention.bars.heights.size(), std::size_t{3});
    QCOMPARE(retention.bars.heights[0], 100.0 * std::llround(weights) / 100.0);
    QVERIFY(std::abs(retention.bars.heights[2] - 100.0 * retained / bases) <= 100.0 / bases);  // within one base
    const double keptBefore = retention.bars.heights[2];
    qInfo("threshold 35: %.2f %% of the bases kept", keptBefore);

    // Read weights: the histogram of the summary's read_weight column.
    const auto& histogram = show(plots, "Read QC: read weights");
    std::vector<double> expected(20, 0);
    for (double w : summary.column("read_weight").floats()) expected[std::min(19, static_cast<int>(w * 20))] += 1;
    QCOMPARE(histogram.bars.heights, expected);

    // Quality: 50 positions; the mean over positions is the mean of the reads' mean quality (the seed's continuous
    // scores are counted at the nearest integer: within 0.05).
    const auto& quality = show(plots, "Read QC: quality by position");
    QCOMPARE(quality.curves.front().points.size(), std::size_t{50});
    double meanOfCurve = 0;
    for (const QPointF& p : quality.curves.front().points) meanOfCurve += p.y() / 50;
    QVERIFY(std::abs(meanOfCurve - columnSum(summary, "mean_quality") / 100) < 0.05);
    QCOMPARE(quality.lines.front().value, 35.0);  // the filter's threshold

    // The heatmap: all 100 reads as rows (fewer than its 2,000-row sample), 50 positions, one pixel per base.
    const auto& heatmap = show(plots, "Read QC: quality heatmap");
    QVERIFY(heatmap.image.shown());
    QCOMPARE(heatmap.image.image.height(), 100);
    QCOMPARE(heatmap.image.image.width(), 50);

    // An edit of the threshold re-runs the stages and redraws: more bases kept at 20, the line moves.
    QVERIFY(plots.selectPlot(QStringLiteral("Read QC: retention")));
    window.setAutoRun(true);
    window.document()->setParameter("quality_filter", "threshold", ops::ParameterValue(20.0));
    QVERIFY(runAndWaitForQc(window, false));
    QCOMPARE(plots.currentPlotName(), QStringLiteral("Read QC: retention"));  // the re-run keeps the figure shown
    const double keptAfter = plots.view()->model().bars.heights[2];
    qInfo("threshold 20: %.2f %% of the bases kept", keptAfter);
    QVERIFY(keptAfter > keptBefore + 10);
    const auto& summaryAfter = window.runner()->output("summary", "table")->as<data::Table>();
    QVERIFY(std::abs(keptAfter - 100.0 * columnSum(summaryAfter, "retained_bases") / bases) <= 100.0 / bases);
    QCOMPARE(show(plots, "Read QC: quality by position").lines.front().value, 20.0);

    // Exported like every plot.
    const QString svg = QString::fromStdString((out / "quality.svg").string());
    auto done = plots.exportCurrentPlot(svg);
    done.waitForFinished();
    QCOMPARE(done.result(), QString());
    QVERIFY(std::filesystem::file_size(svg.toStdString()) > 1000);
    QVERIFY(window.grab().save(QString::fromStdString((out / "read_qc_window.png").string())));
  }

  void realReadsMatchTheExactTrimmersStatistics() {
    const std::string fastq = test::sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz");
    MainWindow window;
    const auto out = test::scratchDir("widgets_read_qc_illumina");
    window.setOutputFolder(QString::fromStdString(out.string()));
    window.setAutoRun(false);
    QVERIFY(window.openTemplate(resourcesDir() + "/pipelines/reads_preprocessing.json"));
    PipelineDocument& document = *window.document();
    document.removeNodes({"reads", "learn_threshold"});
    const std::string loader = document.addNode("reads.load_fastq", {0, 80}, {{"path", fastq}});
    document.connectPorts({loader, "reads", "quality_filter", "reads"});
    QVERIFY(runAndWaitForQc(window));
    PlotsPanel& plots = *window.results()->plots();

    reads::TrimJob job;
    job.input1 = fastq;
    job.output1 = (out / "trimmed.fq").string();
    job.adapter1 = reads::parseAdapter("AGATCGGAAGAGC");
    job.maxErrors = 0.1;
    job.minOverlap = 3;  // the template's adapter node
    const reads::TrimStatistics reference = reads::runTrim(job);
    QCOMPARE(reference.readsIn, std::uint64_t{10000});

    const auto& quality = show(plots, "Read QC: quality by position");
    const auto& curve = quality.curves.front().points;
    QCOMPARE(curve.size(), reference.first.qualityIn.positions());
    for (std::size_t j = 0; j < curve.size(); ++j) {
      QCOMPARE(curve[j].x(), double(j + 1));
      QVERIFY(std::abs(curve[j].y() - reference.first.qualityIn.mean(j)) < 1e-12);
      QVERIFY(std::abs(quality.bands.front().high[j] - quality.bands.front().low[j] -
                       2 * reference.first.qualityIn.standardDeviation(j)) < 1e-9);
    }

    const auto& adapter = show(plots, "Read QC: adapter content");
    std::uint64_t cumulative = 0;
    for (std::size_t j = 0; j < adapter.curves.front().points.size(); ++j) {
      if (j < reference.first.adapterStarts.size()) cumulative += reference.first.adapterStarts[j];
      QVERIFY(std::abs(adapter.curves.front().points[j].y() - 100.0 * double(cumulative) / 10000.0) < 1e-9);
    }
    QCOMPARE(cumulative, reference.first.readsWithAdapter);
    qInfo("adapter in %llu of 10,000 reads (exact trimmer)", static_cast<unsigned long long>(cumulative));

    // Duplication rate: 1 - distinct sequences / reads, counted here from the file.
    io::FastqReader reader(fastq);
    data::ReadBatch batch;
    reader.next(batch, 20000);
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < batch.size(); ++i) distinct.insert(std::string(batch.sequence(i)));
    const double rate = 100.0 * (1.0 - double(distinct.size()) / double(batch.size()));
    const auto& duplication = show(plots, "Read QC: duplication");
    QVERIFY2(duplication.note == QStringLiteral("duplication rate %1 %").arg(rate, 0, 'f', 2), qPrintable(duplication.note));
    qInfo("%s", qPrintable(duplication.note));
  }
};

QTEST_MAIN(ReadQcViewTest)
#include "test_read_qc_view.moc"
