#include "plots/plot_operators.h"

#include <cmath>

#include "core/data/table.h"
#include "core/io/sample_sheet.h"
#include "core/ops/registry.h"
#include "core/singlecell/cell_values.h"
#include "core/stats/dispersion.h"
#include "core/util/error.h"
#include "plots/bulk_qc_plots.h"
#include "plots/de_plots.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
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
      const io::SampleMatch match = io::matchSamples(in.get<data::Table>("samples"), pca.samples, context.nodeId());
      const data::Column* column = match.sheet.find(colour);
      if (!column)
        throw InputError({context.nodeId()}, "the sample table has no column '" + colour + "'",
                         "set `color` to a column of the sample sheet, or leave it empty");
      for (std::size_t row = 0; row < column->size(); ++row)
        groups.push_back(column->isMissing(row) ? std::string() : column->text(row));
      colourTitle = QString::fromStdString(colour);
    }
    writeFigure(pcaPlot(pca, groups, colourTitle, 0, 1, QString::fromStdString(p.text("title"))), p, context);
    return {};
  }
};

class EmbeddingPlotOperator : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& e = in.get<sc::CellEmbedding>("embedding");
    if (e.values.cols() < 2)
      throw InputError({context.nodeId()}, "the embedding has fewer than two dimensions", "plot a 2-D embedding");
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
    PlotModel model;
    if (in.has("labels")) {
      const auto& labels = in.get<sc::CellLabels>("labels");
      if (labels.codes.size() != embedding.x.size())
        throw InputError({context.nodeId()}, "the labels are for " + std::to_string(labels.codes.size()) +
                                                 " cells, the embedding has " + std::to_string(embedding.x.size()),
                         "connect labels and an embedding of the same cells");
      std::vector<std::string> text(labels.codes.size());
      for (std::size_t i = 0; i < text.size(); ++i)
        if (labels.codes[i] >= 0 && std::size_t(labels.codes[i]) < labels.levels.size())
          text[i] = labels.levels[std::size_t(labels.codes[i])];
      model = embeddingByCategory(embedding, text, QString::fromStdString(labels.name), options, labels.levels);
    } else {
      model = embeddingPlain(embedding, options);
    }
    writeFigure(model, p, context);
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

  auto embeddingParameters = figureParameters("embedding.png");
  OperatorSpec embedding{"plot.embedding", "Embedding plot", kCategory,
                         "Cells on two embedding dimensions (UMAP, PCA), coloured by cluster labels with a legend "
                         "and counts.",
                         {{"embedding", PortType::Embedding, true, "cells x dimensions"},
                          {"labels", PortType::Labels, false, "clusters or another labelling"}},
                         {},
                         std::move(embeddingParameters)};
  registry.registerOperator(std::move(embedding), [] { return std::make_unique<EmbeddingPlotOperator>(); });
}

}  // namespace diffbio::plots
