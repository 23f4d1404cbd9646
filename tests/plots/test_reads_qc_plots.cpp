// Read QC plots built from a real trimming run (Trim Galore's illumina_10K), checked against fastp 0.23.2's JSON
// report for the same file (per-position mean quality and Q20/Q30 bases before filtering), and rendered to PNG.
#include "test_support.h"

#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/reads/trim_runner.h"
#include "plots/figure_export.h"
#include "plots/reads_qc_plots.h"

using namespace diffbio;

class ReadsQcPlotsTest : public QObject {
  Q_OBJECT

 private:
  reads::TrimStatistics stats_;

 private Q_SLOTS:
  void initTestCase() {
    const auto dir = test::scratchDir("reads_qc_plots");
    reads::TrimJob job;
    job.input1 = test::sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz");
    job.output1 = (dir / "out.fq").string();
    job.qualityCutoffBack = 20;
    job.adapter1 = reads::parseAdapter("AGATCGGAAGAGC");
    job.minOverlap = 1;
    job.minLength = 20;
    stats_ = reads::runTrim(job);
  }

  void qualityMatchesFastp() {
    QFile file(QString::fromStdString(
        test::sharedData("fastq_trimgalore_tests/reference_debian_fastp_cutadapt/fastp_se_default.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject fastp = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonArray means = fastp["read1_before_filtering"].toObject()["quality_curves"].toObject()["mean"].toArray();
    const plots::PlotModel model = plots::perPositionQualityPlot(stats_.first.qualityIn, "quality before", 20);
    QCOMPARE(model.curves.size(), std::size_t(1));
    const auto& points = model.curves[0].points;
    QCOMPARE(points.size(), std::size_t(means.size()));
    double worst = 0;
    for (int j = 0; j < means.size(); ++j) worst = std::max(worst, std::abs(points[j].y() - means[j].toDouble()));
    qInfo("per-position mean quality vs fastp: largest difference %.2e over %lld positions", worst,
          static_cast<long long>(means.size()));
    QVERIFY(worst < 1e-3);  // fastp prints 4 decimals
    QCOMPARE(model.bands[0].x.size(), points.size());
    const QJsonObject before = fastp["summary"].toObject()["before_filtering"].toObject();
    QCOMPARE(std::llround(stats_.first.qualityIn.fractionAtLeast(20) * 1500000), before["q20_bases"].toInteger());
    QCOMPARE(std::llround(stats_.first.qualityIn.fractionAtLeast(30) * 1500000), before["q30_bases"].toInteger());
    // After trimming at Q20 the quality of what is kept is higher.
    QVERIFY(stats_.first.qualityOut.fractionAtLeast(20) > stats_.first.qualityIn.fractionAtLeast(20));
  }

  void lengthsAdaptersRetention() {
    const plots::PlotModel lengths = plots::lengthDistributionPlot(stats_.first.lengthsOut, "lengths");
    double reads = 0;
    for (double h : lengths.bars.heights) reads += h;
    QCOMPARE(reads, 9923.0);
    QCOMPARE(lengths.bars.edges.size(), lengths.bars.heights.size() + 1);
    const plots::PlotModel adapters = plots::adapterContentPlot(stats_.first.adapterStarts, stats_.readsIn, 150, "adapters");
    QCOMPARE(adapters.curves[0].points.size(), std::size_t(150));
    QCOMPARE(adapters.curves[0].points.back().y(), 63.82);  // 6,382 of 10,000 reads
    const plots::PlotModel retention = plots::retentionPlot(stats_);
    QCOMPARE(retention.bars.heights[0], 99.23);
    QVERIFY(std::abs(retention.bars.heights[2] - 100.0 * 1300218 / 1500000) < 1e-9);
  }

  void weightsAndDuplication() {
    const plots::PlotModel weights = plots::readWeightHistogram({1.0, 1.0, 0.5, 0.5, 1.0 / 3, 0.25});
    QCOMPARE(weights.bars.heights.back(), 2.0);
    QCOMPARE(weights.bars.heights[10], 2.0);
    // Three sequences: one unique, one twice, one three times -> 6 reads, 3 distinct: rate 50 %.
    const plots::PlotModel dup = plots::duplicationPlot({1, 2, 2, 3, 3, 3});
    QVERIFY(dup.note.contains("50.00 %"));
    QCOMPARE(dup.bars.edges.size(), dup.bars.heights.size() + 1);
    QCOMPARE(dup.bars.heights[0], 100.0 / 6);
  }

  void rendersToPng() {
    const auto dir = test::scratchDir("reads_qc_plots_png");
    const std::vector<plots::PlotModel> models = {
        plots::perPositionQualityPlot(stats_.first.qualityIn, "quality", 20),
        plots::lengthDistributionPlot(stats_.first.lengthsOut, "lengths"),
        plots::adapterContentPlot(stats_.first.adapterStarts, stats_.readsIn, 150, "adapters"),
        plots::retentionPlot(stats_), plots::readWeightHistogram({1, 0.5}), plots::duplicationPlot({1, 2, 2})};
    for (std::size_t i = 0; i < models.size(); ++i) {
      const std::string path = (dir / ("plot" + std::to_string(i) + ".png")).string();
      plots::exportFigure(models[i], path);
      QVERIFY(std::filesystem::file_size(path) > 1000);
    }
  }
};

QTEST_MAIN(ReadsQcPlotsTest)
#include "test_reads_qc_plots.moc"
