#pragma once
// Bulk RNA-seq diagnostic plots as PlotModels: DESeq2's dispersion plot (plotDispEsts) and the sample PCA on the
// VST (plotPCA). Inputs are the tables `diffbio de` writes (--dispersions-out, --vst-out) and a sample sheet.
#include <QString>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/data/table.h"
#include "plots/plot_model.h"

namespace diffbio::stats {
struct DeExperiment;
}  // namespace diffbio::stats

namespace diffbio::plots {

// Dispersion plot: per gene, the gene-wise estimate (black) and the final dispersion (blue) against the mean of
// normalised counts, both on log10 axes, with the fitted trend (red) and the dispersion outliers (final = gene-wise,
// not shrunk) marked. Reads baseMean, dispGeneEst, dispFit, dispersion and (optional) dispOutlier; throws
// InputError naming `source` and the missing column otherwise. Genes with baseMean 0 are left out (no estimate).
PlotModel dispersionPlot(const data::Table& dispersions, const std::string& source = {}, const QString& title = {});
enum DispersionCategory { kGeneWise = 0, kFinal = 1, kDispersionOutlier = 2 };

// Sample PCA as DESeq2's plotPCA: the `top` genes with the largest variance across samples (rowVars), centred per
// gene, not scaled; principal components of the samples with each component's share of the variance.
struct SamplePca {
  std::vector<std::string> samples;
  std::vector<std::size_t> genes;              // rows of the input used, by decreasing variance
  std::vector<std::vector<double>> scores;     // scores[k][s]: sample s on component k
  std::vector<double> varianceFraction;        // per component, sums to 1
};
// `values` is genes x samples (the VST as written: one row per gene, one numeric column per sample).
SamplePca samplePca(const data::Table& values, std::size_t top = 500, const std::string& source = {});
// PC1 vs PC2 (or `first`, `second`: 0-based), coloured by `groups` (one label per sample; empty = one colour),
// every sample labelled, axis titles "PC1: 38% variance".
PlotModel pcaPlot(const SamplePca& pca, const std::vector<std::string>& groups = {}, const QString& colourTitle = {},
                  std::size_t first = 0, std::size_t second = 1, const QString& title = {});

}  // namespace diffbio::plots

namespace diffbio::plots {

// One gene's normalised counts by group, as DESeq2's plotCounts: log10(count + 0.5) per sample, jittered
// (deterministically) around its group's position. `values` is genes x samples (`diffbio de --normalized-out`),
// `groups` one label per sample column. Throws InputError when the gene is not a row.
PlotModel geneCountsPlot(const data::Table& values, const std::string& gene, const std::vector<std::string>& groups,
                         const std::string& source = {});
// The same from a DE experiment's raw counts (samples x genes) and its size factors: only that gene's normalised
// counts are computed. Used by the plot.gene_counts node and by the window's double-click on a gene.
PlotModel geneCountsPlot(const stats::DeExperiment& experiment, const Eigen::VectorXd& sizeFactors,
                         const std::string& gene, const std::vector<std::string>& groups,
                         const std::string& source = {});

// Library sizes: total counts per sample as bars (millions), `samples` and `totals` parallel.
PlotModel librarySizesPlot(const std::vector<std::string>& samples, const std::vector<double>& totals);

// Seed 000's exploration plots: per gene log10(mean + 1) of control against treatment (coloured by the simulated
// truth when `isDe` is given), and the distribution of observed log2 fold changes.
PlotModel groupMeansPlot(const std::vector<double>& controlMeans, const std::vector<double>& treatmentMeans,
                         const std::vector<std::string>& genes, const std::vector<bool>& isDe = {});
PlotModel foldChangeHistogram(const std::vector<double>& log2FoldChanges, double binWidth = 0.1);

}  // namespace diffbio::plots
