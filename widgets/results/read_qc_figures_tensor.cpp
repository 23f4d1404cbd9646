// The tensor side of the read QC figures: the reads are turned back into sequences and Phred strings and counted by
// the exact trimmer's statistics (core/reads/trim_statistics.h), so the quality and adapter figures of a pipeline run
// show what `diffbio reads trim --qc-dir` would show for the same reads; the weights come from the last stage.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "core/ops/preprocessing/read_tensors.h"
#include "core/reads/read_trimmer.h"
#include "core/reads/trim_statistics.h"
#include "core/util/error.h"
#include "plots/quality_heatmap.h"
#include "plots/reads_qc_plots.h"
#include "widgets/results/read_qc_figures.h"

namespace diffbio::widgets {

namespace {

const ops::ReadTensors& readsOf(const ops::ValuePtr& value, const std::string& node) {
  if (!value || !value->holds<ops::ReadTensors>())
    throw InputError({}, "the output of '" + node + "' is not reads", "connect a reads node");
  return value->as<ops::ReadTensors>();
}

std::vector<float> floats(const at::Tensor& tensor) {
  const at::Tensor t = tensor.detach().to(at::kFloat).contiguous();
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

}  // namespace

std::vector<Figure> readQcFigures(const ReadQcSources& sources) {
  const ops::ReadTensors& in = readsOf(sources.input, sources.inputNode);
  const ops::ReadTensors& out = readsOf(sources.output, sources.outputNode);
  const std::int64_t n = in.reads(), length = in.length();
  if (out.reads() != n || out.length() != length)
    throw InputError({}, "'" + sources.outputNode + "' holds other reads than '" + sources.inputNode + "'",
                     "connect the stages one after the other");

  // The loaded reads as text: the base with the largest one-hot entry (N where all are 0), Phred + 33. FASTQ Phred
  // scores are integers and come back exactly; the seed's simulated scores are continuous and are counted at the
  // nearest integer.
  const auto [maxValue, maxIndex] = in.oneHot.detach().to(at::kFloat).max(-1);
  const std::vector<float> top = floats(maxValue), phred = floats(in.phred), mask = floats(in.mask);
  const at::Tensor indexTensor = maxIndex.to(at::kLong).contiguous();
  const std::int64_t* base = indexTensor.data_ptr<std::int64_t>();

  reads::ReadTrimSettings settings;
  if (!sources.adapter.empty()) {
    try {
      settings.adapter.emplace(reads::parseAdapter(sources.adapter).sequence, 0.1, sources.minOverlap);
    } catch (const std::invalid_argument& error) {
      throw InputError({}, std::string("adapter: ") + error.what(), "give the adapter in A, C, G, T (N = any)");
    }
  }
  const reads::ReadTrimmer trimmer(std::move(settings));
  reads::MateStatistics statistics;
  std::unordered_map<std::string, double> copies;
  std::vector<std::string> sequences(static_cast<std::size_t>(n));
  std::string qualities;
  // The quality heatmap's rows: every stride-th read, at most kHeatmapReads of them (the same rows on every run).
  constexpr std::int64_t kHeatmapReads = 2000;
  const std::int64_t stride = std::max<std::int64_t>(1, (n + kHeatmapReads - 1) / kHeatmapReads);
  plots::QualitySample heatmapRows;
  heatmapRows.readsSeen = static_cast<std::uint64_t>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    std::string& sequence = sequences[static_cast<std::size_t>(i)];
    qualities.clear();
    for (std::int64_t j = 0; j < length; ++j) {
      const std::size_t at = static_cast<std::size_t>(i * length + j);
      if (mask[at] < 0.5f) break;  // padding after the read
      sequence += top[at] > 0 ? "ACGT"[base[at]] : 'N';
      qualities += static_cast<char>(33 + std::clamp(static_cast<int>(std::lround(phred[at])), 0, reads::kMaxPhred));
    }
    statistics.countRead(sequence, qualities, 33, trimmer.trim(sequence, qualities));
    if (i % stride == 0) {
      std::vector<std::uint8_t> row(qualities.size());
      for (std::size_t j = 0; j < qualities.size(); ++j) row[j] = static_cast<std::uint8_t>(qualities[j] - 33);
      heatmapRows.phred.push_back(std::move(row));
      heatmapRows.names.push_back("read " + std::to_string(i + 1));
    }
    copies[sequence] += 1;
  }
  std::vector<double> multiplicities;
  multiplicities.reserve(sequences.size());
  for (const auto& sequence : sequences) multiplicities.push_back(copies[sequence]);

  // The stages' weights: a read's weight (duplicates) and each base's retained weight (quality, adapter).
  const std::vector<float> readWeights = floats(out.readWeights);
  const std::vector<float> baseWeights = floats(out.baseWeights);
  std::vector<double> weights(readWeights.begin(), readWeights.end());
  double readsKept = 0, basesIn = 0, basesKept = 0;
  std::vector<std::uint64_t> retainedLengths;
  for (std::int64_t i = 0; i < n; ++i) {
    readsKept += readWeights[static_cast<std::size_t>(i)];
    double retained = 0;
    for (std::int64_t j = 0; j < length; ++j) {
      const std::size_t at = static_cast<std::size_t>(i * length + j);
      basesIn += mask[at];
      retained += mask[at] * baseWeights[at];
    }
    basesKept += retained;
    const auto rounded = static_cast<std::size_t>(std::llround(retained));
    if (retainedLengths.size() <= rounded) retainedLengths.resize(rounded + 1, 0);
    ++retainedLengths[rounded];
  }
  reads::TrimStatistics retention;
  retention.readsIn = static_cast<std::uint64_t>(n);
  retention.readsOut = static_cast<std::uint64_t>(std::llround(readsKept));
  retention.first.basesIn = static_cast<std::uint64_t>(std::llround(basesIn));
  retention.first.basesOut = static_cast<std::uint64_t>(std::llround(basesKept));

  std::vector<Figure> figures;
  const QString loaded = QString::fromStdString(sources.inputNode);
  const int threshold = static_cast<int>(std::lround(sources.qualityThreshold));
  Figure quality{QStringLiteral("Read QC: quality by position"),
                 plots::perPositionQualityPlot(statistics.qualityIn,
                                               QStringLiteral("Quality of the reads from '%1' (mean \u00b1 sd)").arg(loaded),
                                               threshold)};
  if (threshold > 0) quality.model.note += QStringLiteral("; dashed: quality filter threshold %1").arg(threshold);
  figures.push_back(std::move(quality));
  plots::QualityHeatmapOptions heatmapOptions;
  heatmapOptions.title = QStringLiteral("Base quality per read ('%1'; %2 of %3 reads)")
                             .arg(loaded)
                             .arg(heatmapRows.phred.size())
                             .arg(n);
  figures.push_back({QStringLiteral("Read QC: quality heatmap"), plots::qualityHeatmap(heatmapRows, heatmapOptions)});
  Figure kept{QStringLiteral("Read QC: retention"), plots::retentionPlot(retention)};
  kept.model.title = QStringLiteral("Kept after the filters (summed weights, up to '%1')")
                         .arg(QString::fromStdString(sources.outputNode));
  figures.push_back(std::move(kept));
  figures.push_back({QStringLiteral("Read QC: read weights"), plots::readWeightHistogram(weights)});
  figures.push_back(
      {QStringLiteral("Read QC: adapter content"),
       plots::adapterContentPlot(statistics.adapterStarts, static_cast<std::uint64_t>(n), static_cast<std::size_t>(length),
                                 sources.adapter.empty()
                                     ? QStringLiteral("Adapter content (no adapter-removal stage)")
                                     : QStringLiteral("Adapter %1 by position (error rate 0.1, overlap >= %2)")
                                           .arg(QString::fromStdString(sources.adapter))
                                           .arg(sources.minOverlap))});
  figures.push_back({QStringLiteral("Read QC: retained bases per read"),
                     plots::lengthDistributionPlot(retainedLengths, QStringLiteral("Retained bases per read (weights summed)"))});
  figures.push_back({QStringLiteral("Read QC: duplication"), plots::duplicationPlot(multiplicities)});
  return figures;
}

}  // namespace diffbio::widgets
