#pragma once
// "Click a gene anywhere to open it": double-clicking a gene in a DE figure of the Plots dock (or a row of the
// results table) opens DESeq2's plotCounts for that gene — its normalised counts per sample, grouped by the tested
// factor. The numbers come from the finished DE pipeline that produced the results: the design node's experiment
// (raw counts, sample names), the size-factor node's factors and the sample sheet's column of the contrast factor.
#include <optional>
#include <string>
#include <vector>

#include "core/ops/operator.h"
#include "core/pipeline/graph.h"
#include "widgets/results/plots_panel.h"

namespace diffbio::widgets {

class JobRunner;

struct GeneCountsSource {
  ops::ValuePtr design;       // stats::DeExperiment, kept alive
  ops::ValuePtr sizeFactors;  // stats::ChosenSizeFactors, kept alive
  std::string factor;         // the contrast's factor ("condition")
  std::vector<std::string> groups;  // that factor's level for every sample of the experiment
};

// The sources of a finished de.design -> de.size_factors pipeline, or nothing (no such nodes done, or the sample
// sheet lacks the factor).
std::optional<GeneCountsSource> findGeneCountsSource(const pipeline::Graph& graph, const JobRunner& runner);

// The figure "Counts: GENE"; throws InputError when the gene is not in the experiment. Cheap (one gene), but run
// on a worker like every figure.
Figure geneCountsFigure(const GeneCountsSource& source, const std::string& gene);

}  // namespace diffbio::widgets
