#pragma once
// Size factors: per-sample scaling that makes counts comparable across sequencing depths.
//
// All functions take counts as samples x genes (the CountMatrix orientation) and return one factor per sample.
// - Ratio:          DESeq2's median of ratios to the per-gene geometric mean (genes with a zero are skipped).
// - PosCounts:      DESeq2's `type="poscounts"`: geometric means over positive counts, ratios of positive counts,
//                   factors scaled to a geometric mean of one. Works when every gene has a zero.
// - UpperQuartile:  edgeR's upper-quartile normalisation, expressed as DESeq2-style size factors.
// - Tmm:            edgeR's trimmed mean of M values (logratioTrim 0.3, sumTrim 0.05, precision weights), likewise.
// - Mode:           the mode of each sample's log-ratio distribution (Gaussian kernel density, refined by mean
//                   shift). Unlike the median it is not dragged by a large set of genes that all move one way.
#include <Eigen/Core>
#include <string>

#include "core/data/count_matrix.h"
#include "core/stats/kernel_density_mode.h"  // kernelDensityMode, used by Mode and the auto diagnostic
#include "core/stats/r_summaries.h"  // median and quantileType7, used here and by callers

namespace diffbio::stats {

enum class SizeFactorMethod { Ratio, PosCounts, UpperQuartile, Tmm, Mode };

const char* sizeFactorMethodName(SizeFactorMethod method);
// Accepts "ratio", "poscounts", "upperquartile", "tmm", "mode"; throws std::invalid_argument listing them.
SizeFactorMethod parseSizeFactorMethod(const std::string& name);

using Counts = data::CountMatrix::Dense;  // samples x genes

// Throws InputError (naming the method and the fix) when the data cannot support the method, e.g. every gene has a
// zero for Ratio, or a sample with no counts.
Eigen::VectorXd estimateSizeFactors(const Counts& counts, SizeFactorMethod method);

// The per-sample log ratios used by Ratio and Mode: log(count) - mean log(count) over samples, for the genes whose
// counts are all positive. Column j holds sample j's ratios.
Eigen::MatrixXd logRatiosToGeometricMean(const Counts& counts);

}  // namespace diffbio::stats
