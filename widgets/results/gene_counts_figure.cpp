#include "widgets/results/gene_counts_figure.h"

#include <algorithm>

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

  // The sheet's rows paired with the experiment's samples by the design's own rule (pasilla: treated1fb -> treated1).
  const auto& sampleNames = source.design->as<stats::DeExperiment>().sampleNames;
  try {
    const data::Table sheet = io::matchSamples(samples->as<data::Table>(), sampleNames, {}).sheet;
    const data::Column* column = sheet.find(source.factor);
    if (!column) return std::nullopt;
    for (std::size_t row = 0; row < sampleNames.size(); ++row) source.groups.push_back(column->text(row));
  } catch (const InputError&) {
    return std::nullopt;  // the design node ran, so this cannot happen unless the sheet changed since
  }
  return source;
}

Figure geneCountsFigure(const GeneCountsSource& source, const std::string& gene) {
  const auto& experiment = source.design->as<stats::DeExperiment>();
  const auto& factors = source.sizeFactors->as<stats::ChosenSizeFactors>().factors;
  const auto found = std::find(experiment.geneNames.begin(), experiment.geneNames.end(), gene);
  if (found == experiment.geneNames.end())
    throw InputError({}, "there is no gene '" + gene + "' in the experiment", "pick a gene of the results table");
  const auto g = static_cast<Eigen::Index>(found - experiment.geneNames.begin());
  // One row (the gene) of the normalised counts as a genes x samples table, the layout geneCountsPlot reads.
  data::Table values(std::vector<std::string>{gene});
  values.indexName = "gene_id";
  for (Eigen::Index j = 0; j < experiment.counts.rows(); ++j)
    values.addColumn(data::Column(experiment.sampleNames[static_cast<std::size_t>(j)],
                                  std::vector<double>{experiment.counts(j, g) / factors[j]}));
  return {QStringLiteral("Counts: %1").arg(QString::fromStdString(gene)),
          plots::geneCountsPlot(values, gene, source.groups)};
}

}  // namespace diffbio::widgets
