#include "plots/plot_operators.h"

#include <cmath>
#include <unordered_map>

#include "core/data/table.h"
#include "core/io/loaded_counts.h"
#include "core/io/sample_sheet.h"
#include "core/ops/registry.h"
#include "core/singlecell/cell_values.h"
#include "core/stats/deseq_steps.h"
#include "core/stats/dispersion.h"
#include "core/util/error.h"
#include "plots/bulk_qc_plots.h"
#include "plots/count_distribution_plot.h"
#include "plots/de_plots.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
#include "plots/gene_lookup.h"
#include "plots/marker_dot_plot.h"
#include "plots/panel_figure.h"
#include "plots/training_comparison_plot.h"
#include "plots/violin_plot.h"
#include "plots/offscreen_gui.h"

namespace diffbio::plots {

namespace {

using namespace diffbio::ops;

constexpr const char* kCategory = "Figures";

std::vector<ParameterSpec> figureParameters(const std::string& file) {
  return {outputPathParameter("path", file, "figure file: .png, .svg or .pdf (or .csv for the plotted data)"),
          floatParameter("width_mm", 120, "figure width in millimetres").range(20, 1000),
          floatParameter("height_mm", 90, "figure height in millimetres").range(15, 1000),
          intParameter("dpi", 300, "PNG resolution").range(50, 1200),
          stringParameter("title", "", "figure title (empty: the plot's default)")};
}

std::vector<ParameterSpec> deParameters(const std::string& file) {
  auto parameters = figureParameters(file);
  parameters.push_back(floatParameter("alpha", 0.05, "significance: padj below this").range(0, 1));
  parameters.push_back(floatParameter("lfc", 1.0, "volcano: |log2 fold change| at least this").range(0, 20));
  parameters.push_back(intParameter("label_top", 10, "label the N most significant genes").range(0, 200));
  return parameters;
}

void writeFigure(const PlotModel& model, const ParameterValues& p, RunContext& context) {
  ensureGuiApplication();
  FigureSize size;
  size.widthMm = p.real("width_mm");
  size.heightMm = p.real("height_mm");
  size.dpi = double(p.integer("dpi"));
  context.checkCancelled();
  exportFigure(model, context.resolveOutputPath(p.text("path")), size);
}

DePlotOptions deOptions(const ParameterValues& p) {
  DePlotOptions options;
  options.alpha = p.real("alpha");
  options.lfcThreshold = p.real("lfc");
  options.labelTop = std::size_t(p.integer("label_top"));
  options.title = QString::fromStdString(p.text("title"));
  return options;
}

enum class DeKind { Volcano, Ma, Qq, PHist };

class DePlotOperator : public Operator {
 public:
  explicit DePlotOperator(DeKind kind) : kind_(kind) {}
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const DeResults results = deResultsFromTable(in.get<data::Table>("results"), context.nodeId());
    const DePlotOptions options = deOptions(p);
    PlotModel model;
    switch (kind_) {
      case DeKind::Volcano: model = volcanoPlot(results, options); break;
      case DeKind::Ma: model = maPlot(results, options); break;
      case DeKind::Qq: model = qqPlot(results.pvalue, options); break;
      case DeKind::PHist: model = pvalueHistogram(results, options); break;
    }
    writeFigure(model, p, context);
    return {};
  }

 private:
  DeKind kind_;
};

class DispersionPlotOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& d = in.get<stats::DispersionResult>("dispersions");
    // The dispersions carry no gene names; the plot's table form uses row numbers.
    auto column = [](const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
    std::vector<std::string> rows(std::size_t(d.baseMean().size()));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = std::to_string(i + 1);
    data::Table table(rows);
    table.addColumn(data::Column("baseMean", column(d.baseMean())));
    table.addColumn(data::Column("dispGeneEst", column(d.dispGeneEst())));
    table.addColumn(data::Column("dispFit", column(d.dispFit)));
    table.addColumn(data::Column("dispersion", column(d.dispersion())));
    table.addColumn(data::Column::boolean(
        "dispOutlier", std::vector<std::uint8_t>(d.map.dispOutlier.begin(), d.map.dispOutlier.end())));
    writeFigure(dispersionPlot(table, context.nodeId(), QString::fromStdString(p.text("title"))), p, context);
    return {};
  }
};

class PcaPlotOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const SamplePca pca = samplePca(in.get<data::Table>("values"), std::size_t(p.integer("top")), context.nodeId());
    std::vector<std::string> groups;
    QString colourTitle;
    const std::string colour = p.text("color");
    if (in.has("samples") && !colour.empty()) {
      // The same pairing rule as the DE design (exact names, else pasilla's `treated1fb` <-> `treated1`).
      groups = io::sampleColumn(in.get<data::Table>("samples"), colour, pca.samples, context.nodeId());
      colourTitle = QString::fromStdString(colour);
    }
    writeFigure(pcaPlot(pca, groups, colourTitle, 0, 1, QString::fromStdString(p.text("title"))), p, context);
    return {};
  }
};

// The `color` column of the sample sheet for `samples` (paired as the DE design pairs them); empty when the sheet is
// not connected or `color` is empty.
std::vector<std::string> sampleGroups(const OperatorInputs& in, const std::string& colour,
                                      const std::vector<std::string>& samples, const std::string& node) {
  if (!in.has("samples") || colour.empty()) return {};
  return io::sampleColumn(in.get<data::Table>("samples"), colour, samples, node);
}

class CountDistributionOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& experiment = in.get<stats::DeExperiment>("design");
    const auto& factors = in.get<stats::ChosenSizeFactors>("size_factors").factors;
    const auto counts =
        data::CountMatrix::fromDense(experiment.counts, experiment.sampleNames, experiment.geneNames);
    const CountDistribution distribution = countDistribution(counts, factors, context.nodeId());
    const auto groups = sampleGroups(in, p.text("color"), experiment.sampleNames, context.nodeId());
    writeFigure(countDistributionPlot(distribution, groups, QString::fromStdString(p.text("title"))), p, context);
    return {};
  }
};

class GeneCountsOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& experiment = in.get<stats::DeExperiment>("design");
    const auto& factors = in.get<stats::ChosenSizeFactors>("size_factors").factors;
    const std::string gene = p.text("gene");
    if (gene.empty()) throw InputError({context.nodeId()}, "no gene chosen", "set `gene` to a gene ID of the counts");
    const auto groups = sampleGroups(in, p.text("color"), experiment.sampleNames, context.nodeId());
    PlotModel model = geneCountsPlot(experiment, factors, gene, groups, context.nodeId());
    if (!p.text("title").empty()) model.title = QString::fromStdString(p.text("title"));
    writeFigure(model, p, context);
    return {};
  }
};

class LibrarySizesOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& counts = in.get<io::LoadedCounts>("counts").matrix;
    const Eigen::VectorXd totals = counts.obsSums();
    PlotModel model =
        librarySizesPlot(counts.obsNames(), std::vector<double>(totals.data(), totals.data() + totals.size()));
    if (!p.text("title").empty()) model.title = QString::fromStdString(p.text("title"));
    writeFigure(model, p, context);
    return {};
  }
};

// The embedding node's `color`: empty = the labels (or one colour); the labels' own name ("leiden"); a column of
// the annotations table (a QC metric such as pct_counts_mt, or an annotation); or a gene of the connected counts
// (its expression on a continuous colour map).
class EmbeddingPlotOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& e = in.get<sc::CellEmbedding>("embedding");
    const std::string node = context.nodeId();
    if (e.values.cols() < 2)
      throw InputError({node}, "the embedding has fewer than two dimensions", "plot a 2-D embedding");
    Embedding embedding;
    embedding.names = e.cells;
    for (Eigen::Index i = 0; i < e.values.rows(); ++i) {
      embedding.x.push_back(e.values(i, 0));
      embedding.y.push_back(e.values(i, 1));
    }
    const QString base = e.name == "X_pca" ? QStringLiteral("PC") : e.name == "X_tsne" ? QStringLiteral("t-SNE ")
                                                                                          : QStringLiteral("UMAP ");
    embedding.xLabel = base + "1";
    embedding.yLabel = base + "2";
    EmbeddingOptions options;
    options.title = QString::fromStdString(p.text("title"));
    colourMapFromName(QString::fromStdString(p.text("colormap")), options.colourMap);
    writeFigure(colouredModel(in, embedding, p.text("color"), options, node), p, context);
    return {};
  }

 private:
  static PlotModel byLabels(const sc::CellLabels& labels, const Embedding& embedding, const EmbeddingOptions& options,
                            const std::string& node) {
    if (labels.codes.size() != embedding.x.size())
      throw InputError({node}, "the labels are for " + std::to_string(labels.codes.size()) +
                                   " cells, the embedding has " + std::to_string(embedding.x.size()),
                       "connect labels and an embedding of the same cells");
    std::vector<std::string> text(labels.codes.size());
    for (std::size_t i = 0; i < text.size(); ++i)
      if (labels.codes[i] >= 0 && std::size_t(labels.codes[i]) < labels.levels.size())
        text[i] = labels.levels[std::size_t(labels.codes[i])];
    return embeddingByCategory(embedding, text, QString::fromStdString(labels.name), options, labels.levels);
  }

  static PlotModel colouredModel(const OperatorInputs& in, const Embedding& embedding, const std::string& colour,
                                 const EmbeddingOptions& options, const std::string& node) {
    const sc::CellLabels* labels = in.has("labels") ? &in.get<sc::CellLabels>("labels") : nullptr;
    if (colour.empty()) return labels ? byLabels(*labels, embedding, options, node) : embeddingPlain(embedding, options);
    if (labels && labels->name == colour) return byLabels(*labels, embedding, options, node);
    if (in.has("annotations")) {
      const auto& table = in.get<data::Table>("annotations");
      if (table.find(colour)) {
        std::unordered_map<std::string, std::size_t> rowOf;
        for (std::size_t r = 0; r < table.nRows(); ++r) rowOf.emplace(table.rowNames()[r], r);
        std::vector<std::size_t> rows;
        for (const auto& cell : embedding.names) {
          const auto found = rowOf.find(cell);
          if (found == rowOf.end())
            throw InputError({node}, "the annotations have no row for cell '" + cell + "'",
                             "connect a table with one row per cell (e.g. sc.qc's qc output)");
          rows.push_back(found->second);
        }
        return embeddingByColumn(embedding, table.selectRows(rows).column(colour), options);
      }
    }
    if (in.has("counts")) {
      const auto& counts = in.get<io::LoadedCounts>("counts");
      if (const auto gene = findGene(counts, colour))
        return embeddingByValue(embedding, geneValues(counts.matrix, *gene, embedding.names),
                                QString::fromStdString(colour), options);
    }
    std::string known = labels ? "'" + labels->name + "' (the labels)" : std::string();
    if (in.has("annotations"))
      for (const auto& column : in.get<data::Table>("annotations").columns())
        known += (known.empty() ? "'" : ", '") + column.name() + "'";
    if (in.has("counts")) known += std::string(known.empty() ? "" : ", ") + "a gene of the counts";
    throw InputError({node}, "nothing called '" + colour + "' to colour by",
                     known.empty() ? "connect labels, annotations (e.g. sc.qc's qc) or counts, or leave `color` empty"
                                   : "set `color` to one of: " + known);
  }
};

// The labels as clusters of the matrix's cells (by barcode); cells without a label get -1 (left out).
CellClusters clustersFor(const data::CountMatrix& matrix, const sc::CellLabels& labels, const std::string& node) {
  std::unordered_map<std::string, std::int32_t> codeOf;
  for (std::size_t i = 0; i < labels.cells.size() && i < labels.codes.size(); ++i)
    codeOf.emplace(labels.cells[i], labels.codes[i]);
  CellClusters clusters;
  clusters.names = labels.levels;
  std::size_t matched = 0;
  for (const auto& cell : matrix.obsNames()) {
    const auto found = codeOf.find(cell);
    clusters.codes.push_back(found == codeOf.end() ? -1 : found->second);
    matched += found != codeOf.end();
  }
  if (matched == 0)
    throw InputError({node}, "no cell of the expression matrix has a label",
                     "connect labels and counts of the same cells");
  return clusters;
}

class MarkerDotsOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const std::string node = context.nodeId();
    const auto& counts = in.get<io::LoadedCounts>("counts");
    const auto& labels = in.get<sc::CellLabels>("labels");
    std::vector<std::string> genes;
    for (const auto& name : p.genes("genes")) {
      const auto gene = findGene(counts, name);
      if (!gene) throw InputError({node}, "no gene '" + name + "' in the counts", "check the gene list");
      genes.push_back(counts.matrix.geneNames()[std::size_t(*gene)]);
    }
    if (genes.empty()) {
      if (!in.has("markers"))
        throw InputError({node}, "no genes to show", "connect the markers of sc.markers or list genes in `genes`");
      genes = topMarkerGenes(in.get<data::Table>("markers"), std::size_t(p.integer("per_cluster")), labels.levels,
                             node);
    }
    if (genes.empty()) throw InputError({node}, "the marker table lists no genes", "check the markers node");
    context.checkCancelled();
    const auto statistics = markerDotStatistics(counts.matrix, clustersFor(counts.matrix, labels, node), genes, node);
    MarkerDotOptions options;
    options.title = QString::fromStdString(p.text("title"));
    options.scalePerGene = p.text("scale") == "gene";
    writeFigure(markerDotPlot(statistics, options), p, context);
    return {};
  }
};

class ViolinOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const std::string node = context.nodeId();
    const auto& counts = in.get<io::LoadedCounts>("counts");
    const auto& labels = in.get<sc::CellLabels>("labels");
    const auto gene = findGene(counts, p.text("gene"));
    if (!gene)
      throw InputError({node}, "no gene '" + p.text("gene") + "' in the counts", "set `gene` to a gene of the counts");
    const std::string name = counts.matrix.geneNames()[std::size_t(*gene)];
    const CellClusters clusters = clustersFor(counts.matrix, labels, node);
    const auto shapes = violinShapes(counts.matrix, clusters, name, node);
    const QString title = p.text("title").empty() ? QString::fromStdString(p.text("gene"))
                                                  : QString::fromStdString(p.text("title"));
    writeFigure(violinPlot(shapes, clusters, name, counts.matrix.obsNames(), p.flag("show_cells"), title), p, context);
    return {};
  }
};

class TrainingComparisonOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const TrainingComparison comparison =
        compareTraining(in.get<data::Table>("before"), in.get<data::Table>("after"), p.real("threshold"),
                        p.text("label_column"), context.nodeId());
    ensureGuiApplication();
    FigureSize size;
    size.widthMm = p.real("width_mm");
    size.heightMm = p.real("height_mm");
    size.dpi = double(p.integer("dpi"));
    context.checkCancelled();
    exportPanelFigure(trainingComparisonFigure(comparison, QString::fromStdString(p.text("title"))),
                      context.resolveOutputPath(p.text("path")), size);
    return {};
  }
};

OperatorSpec deSpec(const std::string& id, const std::string& name, const std::string& help, const std::string& file) {
  return {id, name, kCategory, help, {{"results", PortType::Table, true, "DE results (baseMean, log2FoldChange, pvalue, padj)"}},
          {}, deParameters(file)};
}

}  // namespace

void registerPlotOperators(Registry& registry) {
  if (registry.contains("plot.volcano")) return;  // already registered: start-up code may run twice in tests
  registry.registerOperator(
      deSpec("plot.volcano", "Volcano plot",
             "log2 fold change against -log10 p: up, down and not significant genes with counts, threshold lines "
             "and the most significant genes labelled.",
             "volcano.png"),
      [] { return std::make_unique<DePlotOperator>(DeKind::Volcano); });
  registry.registerOperator(
      deSpec("plot.ma", "MA plot", "Mean of normalised counts (log10) against log2 fold change, as DESeq2's plotMA.",
             "ma.png"),
      [] { return std::make_unique<DePlotOperator>(DeKind::Ma); });
  registry.registerOperator(
      deSpec("plot.qq", "Q-Q plot of p-values",
             "Observed against expected -log10 p with the 95 % band of uniform order statistics and the genomic "
             "inflation factor λ.",
             "qq.png"),
      [] { return std::make_unique<DePlotOperator>(DeKind::Qq); });
  registry.registerOperator(
      deSpec("plot.pvalue_histogram", "p-value histogram",
             "Histogram of p-values in 0.05 bins: flat with a spike near 0 is healthy.", "pvalue_histogram.png"),
      [] { return std::make_unique<DePlotOperator>(DeKind::PHist); });

  OperatorSpec dispersion{"plot.dispersion", "Dispersion plot", kCategory,
                          "DESeq2's dispersion plot: gene-wise estimates, the fitted trend, final (shrunk) "
                          "dispersions and outliers against the mean of normalised counts.",
                          {{"dispersions", PortType::Dispersions, true, "from de.dispersions"}},
                          {},
                          figureParameters("dispersion.png")};
  registry.registerOperator(std::move(dispersion), [] { return std::make_unique<DispersionPlotOperator>(); });

  auto pcaParameters = figureParameters("pca.png");
  pcaParameters.push_back(intParameter("top", 500, "number of most variable genes (DESeq2's ntop)").range(2, 100000));
  pcaParameters.push_back(stringParameter("color", "condition", "sample-sheet column that colours the samples"));
  OperatorSpec pca{"plot.pca", "Sample PCA", kCategory,
                   "PCA of samples on the most variable genes of a transformed matrix (VST), as DESeq2's plotPCA: "
                   "the share of variance in the axis titles, samples labelled and coloured by a sample-sheet "
                   "column.",
                   {{"values", PortType::Table, true, "genes x samples, e.g. from de.vst"},
                    {"samples", PortType::SampleTable, false, "sample sheet for the colours"}},
                   {},
                   std::move(pcaParameters)};
  registry.registerOperator(std::move(pca), [] { return std::make_unique<PcaPlotOperator>(); });

  auto countParameters = figureParameters("count_distribution.png");
  countParameters.push_back(stringParameter("color", "condition", "sample-sheet column that colours the boxes"));
  registry.registerOperator(
      {"plot.count_distribution", "Count distribution", kCategory,
       "Box plots of log2(normalised count + 1) per sample, coloured by a sample-sheet column: quartiles, whiskers "
       "to 1.5 IQR, genes beyond them as points.",
       {{"design", PortType::Design, true, "counts of the analysis"},
        {"size_factors", PortType::SizeFactors, true, "from de.size_factors"},
        {"samples", PortType::SampleTable, false, "sample sheet for the colours"}},
       {},
       std::move(countParameters)},
      [] { return std::make_unique<CountDistributionOperator>(); });

  auto geneParameters = figureParameters("gene_counts.png");
  geneParameters.push_back(stringParameter("gene", "", "gene ID (a row of the counts)"));
  geneParameters.push_back(stringParameter("color", "condition", "sample-sheet column that groups the samples"));
  registry.registerOperator(
      {"plot.gene_counts", "Counts of one gene", kCategory,
       "One gene's normalised counts per sample by group, as DESeq2's plotCounts (log10(count + 0.5)).",
       {{"design", PortType::Design, true, "counts of the analysis"},
        {"size_factors", PortType::SizeFactors, true, "from de.size_factors"},
        {"samples", PortType::SampleTable, false, "sample sheet for the groups"}},
       {},
       std::move(geneParameters)},
      [] { return std::make_unique<GeneCountsOperator>(); });

  registry.registerOperator(
      {"plot.library_sizes", "Library sizes", kCategory, "Total counts per sample as bars (millions).",
       {{"counts", PortType::Counts, true, "samples x genes"}},
       {},
       figureParameters("library_sizes.png")},
      [] { return std::make_unique<LibrarySizesOperator>(); });

  auto dotParameters = figureParameters("marker_dots.png");
  for (auto& parameter : dotParameters) {  // genes x clusters with names on both axes need more room than a scatter
    if (parameter.name == "width_mm") parameter.defaultValue = 180.0;
    if (parameter.name == "height_mm") parameter.defaultValue = 120.0;
  }
  dotParameters.push_back(geneListParameter("genes", "genes to show (empty: the top markers of each cluster)"));
  dotParameters.push_back(intParameter("per_cluster", 3, "top markers per cluster when `genes` is empty").range(1, 50));
  dotParameters.push_back(enumParameter("scale", {"none", "gene"}, "none",
                                        "colour by the mean, or by the mean scaled 0..1 within each gene"));
  registry.registerOperator(
      {"plot.marker_dots", "Marker dot plot", kCategory,
       "Genes x clusters: dot area = fraction of the cluster's cells expressing the gene, colour = mean expression "
       "(as scanpy's dotplot); the top markers of each cluster by default.",
       {{"counts", PortType::Counts, true, "expression, e.g. log-normalised (cells x genes)"},
        {"labels", PortType::Labels, true, "clusters"},
        {"markers", PortType::Table, false, "marker table (group, rank, gene) from sc.markers"}},
       {},
       std::move(dotParameters)},
      [] { return std::make_unique<MarkerDotsOperator>(); });

  auto violinParameters = figureParameters("violin.png");
  violinParameters.push_back(stringParameter("gene", "", "the gene (name or symbol)"));
  violinParameters.push_back(boolParameter("show_cells", true, "draw every cell as a dot over the violins"));
  registry.registerOperator(
      {"plot.violin", "Violin plot", kCategory,
       "One gene's expression by cluster: kernel densities of equal width, the median, and the cells.",
       {{"counts", PortType::Counts, true, "expression, e.g. log-normalised (cells x genes)"},
        {"labels", PortType::Labels, true, "clusters"}},
       {},
       std::move(violinParameters)},
      [] { return std::make_unique<ViolinOperator>(); });

  auto comparisonParameters = figureParameters("training_comparison.png");
  for (auto& parameter : comparisonParameters) {
    if (parameter.name == "width_mm") parameter.defaultValue = 180.0;
    if (parameter.name == "height_mm") parameter.defaultValue = 110.0;
  }
  comparisonParameters.push_back(
      floatParameter("threshold", 0.05, "a call is p < threshold (padj for the exact pipeline)").range(1e-12, 0.5));
  comparisonParameters.push_back(stringParameter("label_column", "label", "column of `after` with the known labels"));
  registry.registerOperator(
      {"plot.training_comparison", "Training comparison", kCategory,
       "Volcano before and after training side by side, genes coloured by their call against the known labels, "
       "with precision, recall and F1 before, after and for the exact pipeline's padj calls.",
       {{"before", PortType::Table, true, "the exact results (de.results)"},
        {"after", PortType::Table, true, "the trained results with their label column (train.de_labels)"}},
       {},
       std::move(comparisonParameters)},
      [] { return std::make_unique<TrainingComparisonOperator>(); });

  auto embeddingParameters = figureParameters("embedding.png");
  embeddingParameters.push_back(stringParameter(
      "color", "", "what colours the cells: empty = the labels; a column of the annotations (a QC metric, an "
                   "annotation); or a gene of the counts (its expression)"));
  embeddingParameters.push_back(enumParameter("colormap", {"viridis", "magma", "inferno", "plasma", "cividis", "greys"},
                                              "viridis", "colour map for numbers (QC metrics, expression)"));
  OperatorSpec embedding{"plot.embedding", "Embedding plot", kCategory,
                         "Cells on two embedding dimensions (UMAP, PCA), coloured by cluster labels (a legend with "
                         "counts), by an annotation or QC column, or by a gene's expression (a colour bar).",
                         {{"embedding", PortType::Embedding, true, "cells x dimensions"},
                          {"labels", PortType::Labels, false, "clusters or another labelling"},
                          {"annotations", PortType::Table, false, "one row per cell: QC metrics, annotations"},
                          {"counts", PortType::Counts, false, "expression (e.g. log-normalised) for gene colours"}},
                         {},
                         std::move(embeddingParameters)};
  registry.registerOperator(std::move(embedding), [] { return std::make_unique<EmbeddingPlotOperator>(); });
}

}  // namespace diffbio::plots
