#pragma once
// DE plots as PlotModels, built from the columns of a results table. Each is a plain function: data in, model out;
// painting and export are the painter's business.
#include "plots/de_results.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

struct DePlotOptions {
  double alpha = 0.05;        // significance: padj < alpha
  double lfcThreshold = 1.0;  // volcano: |log2FoldChange| >= this to count as up / down
  bool volcanoUsesPadj = false;  // volcano y axis: -log10 pvalue (default) or -log10 padj
  std::size_t labelTop = 10;  // label the N most significant genes (0 = none)
  QString title;              // empty = a default title per plot
};

// Category indices of the DE plots' point layers.
enum DeCategory { kNotSignificant = 0, kDown = 1, kUp = 2 };

// Volcano: log2FoldChange vs -log10 p. Up / down = significant and beyond ±lfcThreshold; threshold lines at
// ±lfcThreshold and at the largest p (on the y axis' scale) still called significant. p = 0 is drawn at the top
// of the finite range (marked in the note) rather than dropped.
PlotModel volcanoPlot(const DeResults& results, const DePlotOptions& options = {});
// MA: log10 baseMean vs log2FoldChange, coloured up / down / not significant by padj alone (DESeq2's plotMA).
PlotModel maPlot(const DeResults& results, const DePlotOptions& options = {});
// Histogram of p-values in 0.05-wide bins: flat with a spike near 0 is healthy.
PlotModel pvalueHistogram(const DeResults& results, const DePlotOptions& options = {});
// Q-Q of observed vs expected -log10 p with the 95 % band of uniform order statistics and λ in the note.
PlotModel qqPlot(const std::vector<double>& pvalues, const DePlotOptions& options = {});

// The N indices with the smallest p-values (NaN last), for labels.
std::vector<std::size_t> mostSignificant(const std::vector<double>& p, std::size_t n);

}  // namespace diffbio::plots
