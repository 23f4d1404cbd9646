#include "widgets/results/gene_counts_figure.h"

#include "core/data/table.h"
#include "core/io/sample_sheet.h"
#include "core/stats/deseq_steps.h"
#include "core/util/error.h"
#include "plots/bulk_qc_plots.h"
#include "widgets/jobs/job_runner.h"

namespace diffbio::widgets {

namespace {

const pipeline::Node* doneNodeOf(const pipeline::Graph& graph, const JobRunner& runner, const std::string& operatorId) {
  for (const auto& node : graph.nodes())
    if (node.operatorId == operatorId && runner.status(node.id).state == pipeline::NodeState::Done) return &node;
  return nullptr;
}

// The node and port feeding `toNode`'s input `toPort`.
const pipeline::Edge* edgeInto(const pipeline::Graph& graph, const std::string& toNode, const std::string& toPort) {
  for (const auto& edge : graph.edges())
    if (edge.toNode == toNode && edge.toPort == toPort) return &edge;
  return nullptr;
}

}  // namespace

std::optional<GeneCountsSource> findGeneCountsSource(const pipeline::Graph& graph, const JobRunner& runner) {
  const pipeline::Node* design = doneNodeOf(graph, runner, "de.design");
  const pipeline::Node* sizeFactors = doneNodeOf(graph, runner, "de.size_factors");
  if (!design || !sizeFactors || !design->parameters.has("contrast")) return std::nullopt;
  const pipeline::Edge* samplesEdge = edgeInto(graph, design->id, "samples");
  if (!samplesEdge) return std::nullopt;

  GeneCountsSource source;
  source.design = runner.output(design->id, "design");
  source.sizeFactors = runner.output(sizeFactors->id, "size_factors");
  const ops::ValuePtr samples = runner.output(samplesEdge->fromNode, samplesEdge->fromPort);
  if (!source.design || !source.sizeFactors || !samples || !samples->holds<data::Table>() ||
      !source.design->holds<stats::DeExperiment>() || !source.sizeFactors->holds<stats::ChosenSizeFactors>())
    return std::nullopt;
  const std::string& contrast = design->parameters.text("contrast");
  source.factor = contrast.substr(0, contrast.find(','));

  try {
    source.groups = io::sampleColumn(samples->as<data::Table>(), source.factor,
                                     source.design->as<stats::DeExperiment>().sampleNames);
  } catch (const InputError&) {
    return std::nullopt;  // the sheet lacks the factor (the design node ran, so the samples pair)
  }
  return source;
}

Figure geneCountsFigure(const GeneCountsSource& source, const std::string& gene) {
  return {QStringLiteral("Counts: %1").arg(QString::fromStdString(gene)),
          plots::geneCountsPlot(source.design->as<stats::DeExperiment>(),
                                source.sizeFactors->as<stats::ChosenSizeFactors>().factors, gene, source.groups)};
}

}  // namespace diffbio::widgets
