#pragma once
// Read-preprocessing QC plots as PlotModels, from the statistics of a trimming run (core/reads/trim_statistics.h)
// and the weights of the differentiable pipeline. Plain functions: data in, model out.
#include <cstdint>
#include <vector>

#include "core/reads/trim_statistics.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Mean Phred score per position (curve) with a band of +- one standard deviation; a dashed line at `cutoff`
// (the quality-trimming cutoff) when it is above 0.
PlotModel perPositionQualityPlot(const reads::PositionQuality& quality, const QString& title, int cutoff = 0);

// Histogram of read lengths (one bar per length) from a histogram indexed by length.
PlotModel lengthDistributionPlot(const std::vector<std::uint64_t>& readsByLength, const QString& title);

// Adapter content by position: the percentage of reads whose adapter starts at or before each position (as FastQC
// shows it), from adapter start positions indexed by position and the number of reads.
PlotModel adapterContentPlot(const std::vector<std::uint64_t>& adapterStarts, std::uint64_t reads,
                             std::size_t readLength, const QString& title);

// Retention: percentages of reads and of bases kept (bars at x = 1 and 2), before = 100 %.
PlotModel retentionPlot(const reads::TrimStatistics& statistics);

// Histogram of read weights from the differentiable pipeline (1 = unique read) in 20 bins over [0, 1].
PlotModel readWeightHistogram(const std::vector<double>& weights);

// Duplication levels: percentage of reads whose sequence occurs 1, 2, 3, ..., 9 and >= 10 times (bars at x =
// level), from per-read multiplicities (e.g. 1 / exact read weight). The note gives the duplication rate
// (1 - distinct sequences / reads).
PlotModel duplicationPlot(const std::vector<double>& multiplicities);

}  // namespace diffbio::plots
