// Quality heatmap on trim_galore's illumina_10K.fastq.gz: a seeded uniform sample of 1,000 of its reads, each row the
// read's own Phred scores (checked against the file read here), rows by mean quality, each cell painted in the
// colour of its score where the frame puts it; the sample reaches the end of the file; the CSV summary equals
// per-position means computed here; SVG and PDF embed the cells as one image.
#include <QtTest/QtTest>

#include <cmath>
#include <map>

#include "core/io/fastq.h"
#include "plots/figure_export.h"
#include "plots/plot_painter.h"
#include "plots/quality_heatmap.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

const std::string kReads = "fastq_trimgalore_tests/illumina_10K.fastq.gz";

struct FileReads {
  std::map<std::string, std::pair<std::size_t, std::vector<std::uint8_t>>> byName;  // index in file, Phred
  std::size_t count = 0;
};

FileReads readEverything() {
  io::FastqReader reader(test::sharedData(kReads));
  data::ReadBatch batch;
  FileReads reads;
  while (reader.next(batch, 1000))
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::string name(batch.name(i));
      name = name.substr(0, name.find(' '));
      std::vector<std::uint8_t> phred;
      for (char c : batch.quality(i)) phred.push_back(std::uint8_t(c - 33));
      reads.byName[name] = {reads.count++, phred};
    }
  return reads;
}

}  // namespace

class QualityHeatmapTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sampleRowsAreTheFilesReads() {
    const FileReads file = readEverything();
    const QualitySample sample = sampleQualities(test::sharedData(kReads), 1000, 7);
    QCOMPARE(sample.readsSeen, std::uint64_t(file.count));
    QCOMPARE(sample.phred.size(), std::size_t(1000));
    std::size_t last = 0, firstHalf = 0;
    for (std::size_t r = 0; r < sample.phred.size(); ++r) {
      const auto found = file.byName.find(sample.names[r]);
      QVERIFY(found != file.byName.end());
      QCOMPARE(sample.phred[r], found->second.second);
      last = std::max(last, found->second.first);
      firstHalf += found->second.first < file.count / 2;
    }
    // Uniform over the file, not its first reads: the sample reaches the last tenth, and about half of it comes from
    // the first half (binomial sd ~16 for 1,000 draws; 5 sd allowed).
    QVERIFY(last >= file.count * 9 / 10);
    QVERIFY(std::abs(double(firstHalf) - 500) < 80);
    // Seeded: the same sample again.
    QCOMPARE(sampleQualities(test::sharedData(kReads), 1000, 7).names, sample.names);
    // Fewer reads than asked for: all of them.
    QCOMPARE(sampleQualities(test::sharedData(kReads), 20000).phred.size(), file.count);
    DIFFBIO_EXPECT_INPUT_ERROR(sampleQualities(test::sharedData("fastq_trimgalore_tests/no_such.fq"), 10), "no_such");
  }

  void cellsArePaintedInTheirScoresColour() {
    const QualitySample sample = sampleQualities(test::sharedData(kReads), 300, 3);
    const PlotModel model = qualityHeatmap(sample);
    QVERIFY(model.image.shown());
    QCOMPARE(model.image.image.height(), 300);
    const auto order = qualityHeatmapOrder(sample);
    auto mean = [&](std::size_t r) {
      double s = 0;
      for (auto q : sample.phred[r]) s += q;
      return s / double(sample.phred[r].size());
    };
    for (std::size_t k = 1; k < order.size(); ++k) QVERIFY(mean(order[k - 1]) >= mean(order[k]));

    QImage image(1200, 900, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 1200, 900));
    painter.end();
    // Rank 1 is the best read, drawn at the top (y = 300); check a spread of cells against the colour of their score.
    const auto& steps = model.colourBar.colours;
    int checked = 0;
    for (std::size_t rank : {1, 50, 150, 299})
      for (std::size_t position : {1, 20, 40}) {
        const auto& row = sample.phred[order[rank - 1]];
        if (position > row.size()) continue;
        const QColor expected = steps[std::min<std::size_t>(row[position - 1], steps.size() - 1)];
        const QColor seen = image.pixelColor(frame.map(double(position), double(300 + 1 - rank)).toPoint());
        QVERIFY2(seen == expected, qPrintable(QStringLiteral("rank %1 position %2: %3 vs %4")
                                                  .arg(rank).arg(position).arg(seen.name(), expected.name())));
        ++checked;
      }
    QVERIFY(checked >= 8);
  }

  void filesEmbedOneImageAndTheSummary() {
    const QualitySample sample = sampleQualities(test::sharedData(kReads), 500, 1);
    const PlotModel model = qualityHeatmap(sample);
    const auto dir = test::scratchDir("plots_qheatmap");
    exportFigure(model, (dir / "q.svg").string());
    const QByteArray svg = diffbio::test::readFileBytes(dir / "q.svg");
    QCOMPARE(svg.count("<image"), qsizetype(1));
    QVERIFY(svg.contains(">Phred</text>"));
    exportFigure(model, (dir / "q.pdf").string());
    QVERIFY(diffbio::test::readFileBytes(dir / "q.pdf").startsWith("%PDF-"));
    exportFigure(model, (dir / "q.png").string(), FigureSize{120, 90, 150});
    QImage png(QString::fromStdString((dir / "q.png").string()));
    QCOMPARE(png.width(), int(std::lround(120 / 25.4 * 150)));
    exportFigure(model, (dir / "q.csv").string());
    const QList<QByteArray> lines = diffbio::test::readFileBytes(dir / "q.csv").trimmed().split('\n');
    QCOMPARE(lines[0], QByteArray("position,reads,mean_phred,sd_phred"));
    double sum = 0;
    std::size_t n = 0;
    for (const auto& row : sample.phred)
      if (!row.empty()) sum += row[0], ++n;
    QVERIFY(std::abs(lines[1].split(',')[2].toDouble() - sum / double(n)) < 1e-9);
  }
};

QTEST_MAIN(QualityHeatmapTest)
#include "test_quality_heatmap.moc"
