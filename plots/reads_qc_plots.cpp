#include "plots/reads_qc_plots.h"

#include <algorithm>
#include <cmath>

namespace diffbio::plots {

namespace {

const QColor kBlue(0, 114, 178);
const QColor kOrange(230, 159, 0);

}  // namespace

PlotModel perPositionQualityPlot(const reads::PositionQuality& quality, const QString& title, int cutoff) {
  PlotModel model;
  model.title = title;
  model.xLabel = QStringLiteral("position in read");
  model.yLabel = QStringLiteral("Phred quality");
  Curve mean;
  mean.colour = kBlue;
  Band band;
  band.fill = QColor(0, 114, 178, 50);
  for (std::size_t j = 0; j < quality.positions(); ++j) {
    if (quality.bases(j) == 0) continue;
    const double x = static_cast<double>(j + 1);
    const double m = quality.mean(j), sd = quality.standardDeviation(j);
    mean.points.emplace_back(x, m);
    band.x.push_back(x);
    band.low.push_back(m - sd);
    band.high.push_back(m + sd);
  }
  // Phred from 0, so the cutoff line and the note (bottom left) do not collide with the curve.
  double top = 41;
  for (const double h : band.high) top = std::max(top, h);
  model.autoRange = false;
  model.xMin = 0;
  model.xMax = static_cast<double>(quality.positions()) + 1;
  model.yMin = 0;
  model.yMax = top + 2;
  model.curves.push_back(std::move(mean));
  model.bands.push_back(std::move(band));
  if (cutoff > 0) model.lines.push_back({ReferenceLine::Orientation::Horizontal, double(cutoff), QColor(213, 94, 0)});
  model.note = QStringLiteral("mean %1; Q20 %2 %, Q30 %3 %")
                   .arg(quality.overallMean(), 0, 'f', 1)
                   .arg(100 * quality.fractionAtLeast(20), 0, 'f', 1)
                   .arg(100 * quality.fractionAtLeast(30), 0, 'f', 1);
  model.noteAlignment = Qt::AlignLeft | Qt::AlignBottom;
  model.legendCounts = false;
  return model;
}

PlotModel lengthDistributionPlot(const std::vector<std::uint64_t>& readsByLength, const QString& title) {
  PlotModel model;
  model.title = title;
  model.xLabel = QStringLiteral("read length");
  model.yLabel = QStringLiteral("reads");
  std::uint64_t total = 0;
  double sum = 0;
  for (std::size_t length = 0; length < readsByLength.size(); ++length) {
    model.bars.edges.push_back(length - 0.5);
    model.bars.heights.push_back(static_cast<double>(readsByLength[length]));
    total += readsByLength[length];
    sum += static_cast<double>(readsByLength[length]) * static_cast<double>(length);
  }
  if (!readsByLength.empty()) model.bars.edges.push_back(readsByLength.size() - 0.5);
  model.note = QStringLiteral("%1 reads, mean length %2").arg(total).arg(total ? sum / total : 0.0, 0, 'f', 1);
  model.noteAlignment = Qt::AlignLeft | Qt::AlignTop;
  model.legendCounts = false;
  return model;
}

PlotModel adapterContentPlot(const std::vector<std::uint64_t>& adapterStarts, std::uint64_t reads,
                             std::size_t readLength, const QString& title) {
  PlotModel model;
  model.title = title;
  model.xLabel = QStringLiteral("position in read");
  model.yLabel = QStringLiteral("% reads with adapter");
  Curve curve;
  curve.colour = kOrange;
  const std::size_t positions = std::max(readLength, adapterStarts.size());
  std::uint64_t cumulative = 0;
  for (std::size_t j = 0; j < positions; ++j) {
    if (j < adapterStarts.size()) cumulative += adapterStarts[j];
    curve.points.emplace_back(double(j + 1), reads ? 100.0 * static_cast<double>(cumulative) / static_cast<double>(reads) : 0.0);
  }
  model.curves.push_back(std::move(curve));
  model.autoRange = false;
  model.xMin = 0;
  model.xMax = static_cast<double>(std::max<std::size_t>(positions, 1)) + 1;
  model.yMin = 0;
  model.yMax = 100;
  model.note = QStringLiteral("%1 of %2 reads with adapter").arg(cumulative).arg(reads);
  model.legendCounts = false;
  return model;
}

PlotModel retentionPlot(const reads::TrimStatistics& s) {
  PlotModel model;
  model.title = QStringLiteral("Retention after trimming");
  model.xLabel = QStringLiteral("1 = reads, 2 = bases");
  model.yLabel = QStringLiteral("% kept");
  const double basesIn = static_cast<double>(s.first.basesIn + s.second.basesIn);
  const double basesOut = static_cast<double>(s.first.basesOut + s.second.basesOut);
  const double reads = s.readsIn ? 100.0 * static_cast<double>(s.readsOut) / static_cast<double>(s.readsIn) : 0.0;
  const double bases = basesIn > 0 ? 100.0 * basesOut / basesIn : 0.0;
  model.bars.edges = {0.6, 1.4, 1.6, 2.4};
  model.bars.heights = {reads, 0.0, bases};  // the middle "bar" is the gap between the two
  model.lines.push_back({ReferenceLine::Orientation::Horizontal, 100.0, QColor(110, 110, 110)});
  model.autoRange = false;
  model.xMin = 0.4;
  model.xMax = 2.6;
  model.yMin = 0;
  model.yMax = 105;
  model.note = QStringLiteral("reads %1 -> %2 (%3 %); bases %4 -> %5 (%6 %)")
                   .arg(s.readsIn)
                   .arg(s.readsOut)
                   .arg(reads, 0, 'f', 1)
                   .arg(static_cast<qulonglong>(basesIn))
                   .arg(static_cast<qulonglong>(basesOut))
                   .arg(bases, 0, 'f', 1);
  model.noteAlignment = Qt::AlignLeft | Qt::AlignBottom;
  model.legendCounts = false;
  return model;
}

PlotModel readWeightHistogram(const std::vector<double>& weights) {
  PlotModel model;
  model.title = QStringLiteral("Read weights");
  model.xLabel = QStringLiteral("read weight (1 = unique)");
  model.yLabel = QStringLiteral("reads");
  constexpr int kBins = 20;
  for (int b = 0; b <= kBins; ++b) model.bars.edges.push_back(double(b) / kBins);
  model.bars.heights.assign(kBins, 0);
  double sum = 0;
  std::size_t counted = 0;
  for (const double w : weights) {
    if (!(w >= 0 && w <= 1)) continue;
    model.bars.heights[std::min(kBins - 1, int(w * kBins))] += 1;
    sum += w;
    ++counted;
  }
  model.lines.push_back({ReferenceLine::Orientation::Vertical, 1.0, QColor(213, 94, 0)});
  model.note = QStringLiteral("%1 reads, mean weight %2").arg(counted).arg(counted ? sum / counted : 0.0, 0, 'f', 3);
  model.noteAlignment = Qt::AlignLeft | Qt::AlignTop;
  model.legendCounts = false;
  return model;
}

PlotModel duplicationPlot(const std::vector<double>& multiplicities) {
  PlotModel model;
  model.title = QStringLiteral("Duplication levels");
  model.xLabel = QStringLiteral("copies of the sequence (10 = 10 or more)");
  model.yLabel = QStringLiteral("% reads");
  constexpr int kLevels = 10;
  std::vector<double> reads(kLevels, 0);
  double distinct = 0;
  for (const double m : multiplicities) {
    if (!(m >= 1)) continue;
    reads[std::min(kLevels, static_cast<int>(std::lround(m))) - 1] += 1;
    distinct += 1 / m;  // a sequence with m copies contributes m reads of weight 1/m
  }
  const double total = static_cast<double>(multiplicities.size());
  for (int level = 1; level <= kLevels; ++level) {
    model.bars.edges.push_back(level - 0.4);
    model.bars.heights.push_back(total > 0 ? 100.0 * reads[level - 1] / total : 0.0);
    if (level < kLevels) {
      model.bars.edges.push_back(level + 0.4);
      model.bars.heights.push_back(0.0);  // gap between levels
    }
  }
  model.bars.edges.push_back(kLevels + 0.4);
  const double rate = total > 0 ? 1 - distinct / total : 0.0;
  model.note = QStringLiteral("duplication rate %1 %").arg(100 * rate, 0, 'f', 2);
  model.noteAlignment = Qt::AlignRight | Qt::AlignTop;
  model.legendCounts = false;
  return model;
}

}  // namespace diffbio::plots
