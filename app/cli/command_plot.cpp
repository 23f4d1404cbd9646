// `diffbio plot KIND TABLE --out FILE`: publication figures from the tables `diffbio de` writes (results,
// dispersions, VST) and from embeddings, headless.


#include <cmath>
#include <iostream>
#include <memory>
#include <regex>
#include <algorithm>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/size_factors.h"
#include "core/util/error.h"
#include "plots/bulk_qc_plots.h"
#include "plots/count_distribution_plot.h"
#include "plots/de_plots.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
#include "plots/offscreen_gui.h"
#include "plots/quality_heatmap.h"
#include "plots/training_comparison_plot.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio plot KIND TABLE --out FILE.{png,svg,pdf,csv} [options]\n\n"
    "From a DE results table (as `diffbio de` writes: baseMean, log2FoldChange, pvalue, padj):\n"
    "  volcano     log2 fold change vs -log10 p, up / down / not significant, top genes labelled\n"
    "  ma          log10 mean of normalised counts vs log2 fold change\n"
    "  qq          observed vs expected -log10 p with a 95 % band and the genomic inflation factor\n"
    "  phist       histogram of p-values\n"
    "From other tables:\n"
    "  dispersion  DISPERSIONS.tsv (`diffbio de --dispersions-out`): gene-wise, trend, final, outliers\n"
    "  pca         VST.tsv (`diffbio de --vst-out`): sample PCA on the 500 most variable genes\n"
    "              [--samples SHEET --color COLUMN] [--top N]\n"
    "  embedding   COORDS.csv (first two numeric columns: UMAP, t-SNE or PCA per cell)\n"
    "              [--samples OBS.csv --color COLUMN]: categories get a legend, numbers a colour bar\n"
    "From a count table (genes x samples, as `diffbio de --counts` reads it):\n"
    "  countdist   box plots of log2(normalised count + 1) per sample [--samples SHEET --color COLUMN]\n"
    "              [--size-factors SF.tsv (`diffbio de --size-factors-out`); default: median of ratios]\n"
    "  counts      one gene's normalised counts by group, as DESeq2's plotCounts: --gene ID\n"
    "              [--samples SHEET --color COLUMN] [--size-factors SF.tsv]\n"
    "  libsizes    total counts per sample (millions)\n"
    "Other inputs:\n"
    "  training-comparison TRAINED.tsv --before RESULTS.tsv: volcano before / after DE training with precision,\n"
    "              recall and F1 (calls p < --alpha; the tables of the DE training demo; default size 180x110mm)\n"
    "  quality-heatmap READS.fq[.gz]: Phred score per read and position, a uniform sample of --reads N reads\n"
    "              (default 1000) sorted by mean quality\n\n"
    "  --out FILE        .png, .svg or .pdf (vector, every point kept), or .csv for the plotted data\n"
    "  --size WxHmm      physical size (default 120x90mm; \"in\" for inches)\n"
    "  --dpi N           PNG resolution (default 300)\n"
    "  --label-top N     label the N most significant genes (default 10; volcano and MA)\n"
    "  --alpha A         significance: padj < A (default 0.05)\n"
    "  --lfc T           volcano: |log2 fold change| >= T to count as up or down (default 1)\n"
    "  --y pvalue|padj   volcano y axis (default pvalue)\n"
    "  --title TEXT      figure title\n"
    "  --samples SHEET   pca/embedding: table with one row per sample or cell (matched by name)\n"
    "  --color COLUMN    pca/embedding: the column of --samples that colours the points\n"
    "  --top N           pca: number of most variable genes (default 500)\n"
    "  --gene ID         counts: the gene (a row of the count table)\n"
    "  --size-factors F  countdist/counts: one factor per sample (table: sample, sizeFactor)\n"
    "  --before FILE     training-comparison: the exact results (before training)\n"
    "  --reads N         quality-heatmap: reads to sample (default 1000)\n"
    "  --colormap NAME   embedding with a numeric --color: viridis, magma, inferno, plasma, cividis, greys\n";

double positiveNumber(const Arguments& parsed, const std::string& name, double fallback) {
  const auto text = parsed.value(name);
  if (!text) return fallback;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (end == text->c_str() || *end != '\0' || !(value >= 0) || !std::isfinite(value))
    throw UsageError("--" + name + " needs a non-negative number, not '" + *text + "'");
  return value;
}

plots::FigureSize parseSize(const Arguments& parsed) {
  plots::FigureSize size;
  size.dpi = positiveNumber(parsed, "dpi", 300);
  if (size.dpi < 10 || size.dpi > 2400) throw UsageError("--dpi must lie between 10 and 2400");
  const auto text = parsed.value("size");
  if (!text) return size;
  static const std::regex pattern(R"(^\s*([0-9.]+)\s*[xX]\s*([0-9.]+)\s*(mm|cm|in)?\s*$)");
  std::smatch match;
  if (!std::regex_match(*text, match, pattern)) throw UsageError("--size looks like 120x90mm, not '" + *text + "'");
  const double unit = match[3] == "in" ? 25.4 : match[3] == "cm" ? 10 : 1;
  size.widthMm = std::stod(match[1]) * unit;
  size.heightMm = std::stod(match[2]) * unit;
  if (size.widthMm < 20 || size.heightMm < 15 || size.widthMm > 2000 || size.heightMm > 2000)
    throw UsageError("--size must be between 20x15mm and 2000x2000mm");
  if (size.widthMm / 25.4 * size.dpi * size.heightMm / 25.4 * size.dpi > 4e8)
    throw UsageError("--size at this --dpi makes an image over 400 megapixels");
  return size;
}

// The --color column of --samples, in the order of `names` (every name must have a row).
data::Column colourColumn(const Arguments& parsed, const std::vector<std::string>& names) {
  const auto sheetPath = parsed.value("samples");
  const auto colour = parsed.value("color");
  if (!sheetPath || !colour) throw UsageError("--samples and --color go together");
  const data::Table sheet = io::readSampleSheet(*sheetPath);
  if (!sheet.find(*colour)) {
    std::string available;
    for (const auto& column : sheet.columns()) available += (available.empty() ? "" : ", ") + column.name();
    throw diffbio::InputError({*sheetPath}, "no column '" + *colour + "'", "choose one of: " + available);
  }
  std::vector<std::size_t> rows;
  const auto& sheetNames = sheet.rowNames();
  for (const auto& name : names) {
    const auto found = std::find(sheetNames.begin(), sheetNames.end(), name);
    if (found == sheetNames.end())
      throw diffbio::InputError({*sheetPath}, "no row for '" + name + "'",
                                "give one row per sample or cell of the table");
    rows.push_back(std::size_t(found - sheetNames.begin()));
  }
  return sheet.selectRows(rows).column(*colour);
}

plots::PlotModel embeddingFigure(const Arguments& parsed, const std::string& input, const QString& title) {
  const data::Table coordinates = io::readSampleSheet(input);
  std::vector<const data::Column*> numeric;
  for (const auto& column : coordinates.columns())
    if (column.type() == data::ColumnType::Float || column.type() == data::ColumnType::Int) numeric.push_back(&column);
  if (numeric.size() < 2)
    throw diffbio::InputError({input}, "an embedding needs two numeric columns",
                              "give one row per cell: name, x, y");
  plots::Embedding embedding;
  embedding.names = coordinates.rowNames();
  for (std::size_t i = 0; i < coordinates.nRows(); ++i) {
    embedding.x.push_back(numeric[0]->number(i).value_or(std::nan("")));
    embedding.y.push_back(numeric[1]->number(i).value_or(std::nan("")));
  }
  embedding.xLabel = QString::fromStdString(numeric[0]->name());
  embedding.yLabel = QString::fromStdString(numeric[1]->name());
  plots::EmbeddingOptions options;
  options.title = title;
  if (const auto map = parsed.value("colormap"))
    if (!plots::colourMapFromName(QString::fromStdString(*map), options.colourMap))
      throw UsageError("--colormap is one of " + plots::colourMapNames().join(", ").toStdString());
  if (!parsed.value("color")) return plots::embeddingPlain(embedding, options);
  return plots::embeddingByColumn(embedding, colourColumn(parsed, embedding.names), options);
}

plots::PlotModel pcaFigure(const Arguments& parsed, const std::string& input, const QString& title) {
  const std::size_t top = std::size_t(positiveNumber(parsed, "top", 500));
  if (top < 2) throw UsageError("--top needs at least 2 genes");
  const plots::SamplePca pca = plots::samplePca(io::readSampleSheet(input), top, input);
  std::vector<std::string> groups;
  QString colourTitle;
  if (parsed.value("color")) {
    const data::Column column = colourColumn(parsed, pca.samples);
    for (std::size_t i = 0; i < column.size(); ++i) groups.push_back(column.isMissing(i) ? "" : column.text(i));
    colourTitle = QString::fromStdString(column.name());
  }
  return plots::pcaPlot(pca, groups, colourTitle, 0, 1, title);
}

// Size factors for the samples of `counts`: from --size-factors (a table with one row per sample and a numeric
// column, as `diffbio de --size-factors-out` writes), else DESeq2's median of ratios of these counts.
Eigen::VectorXd sizeFactorsFor(const Arguments& parsed, const data::CountMatrix& counts, const std::string& input) {
  const auto path = parsed.value("size-factors");
  if (!path) {
    const data::CountMatrix dense = counts.isSparse() ? counts.toDense() : counts;
    try {
      return stats::estimateSizeFactors(dense.dense(), stats::SizeFactorMethod::Ratio);
    } catch (const diffbio::InputError& error) {
      throw diffbio::InputError({input}, error.problem(), "give --size-factors from `diffbio de --size-factors-out`");
    }
  }
  const data::Table table = io::readSampleSheet(*path);
  const data::Column* factors = nullptr;
  for (const auto& column : table.columns())
    if (!factors && (column.type() == data::ColumnType::Float || column.type() == data::ColumnType::Int))
      factors = &column;
  if (!factors)
    throw diffbio::InputError({*path}, "no numeric column", "give one row per sample: sample, sizeFactor");
  const io::SampleMatch match = io::matchSamples(table, counts.obsNames(), *path);
  const data::Column& matched = match.sheet.column(factors->name());
  Eigen::VectorXd result(counts.nObs());
  for (std::size_t s = 0; s < matched.size(); ++s) result(Eigen::Index(s)) = matched.number(s).value_or(std::nan(""));
  return result;
}

// The --color column of --samples for count columns, paired as `diffbio de` pairs them (exact names, else
// pasilla's `treated1fb` <-> `treated1`). Empty without --color.
std::vector<std::string> sampleGroups(const Arguments& parsed, const std::vector<std::string>& samples) {
  const auto colour = parsed.value("color");
  const auto sheetPath = parsed.value("samples");
  if (!colour && !sheetPath) return {};
  if (!colour || !sheetPath) throw UsageError("--samples and --color go together");
  return io::sampleColumn(io::readSampleSheet(*sheetPath), *colour, samples, *sheetPath);
}

plots::PlotModel countFigure(const Arguments& parsed, const std::string& kind, const std::string& input,
                             const QString& title, std::string& what) {
  const io::LoadedCounts loaded = io::readCounts(input);
  const data::CountMatrix& counts = loaded.matrix;
  if (kind == "libsizes") {
    const Eigen::VectorXd totals = counts.obsSums();
    what = std::to_string(counts.nObs()) + " samples";
    plots::PlotModel model =
        plots::librarySizesPlot(counts.obsNames(), std::vector<double>(totals.data(), totals.data() + totals.size()));
    if (!title.isEmpty()) model.title = title;
    return model;
  }
  const Eigen::VectorXd factors = sizeFactorsFor(parsed, counts, input);
  const std::vector<std::string> groups = sampleGroups(parsed, counts.obsNames());
  if (kind == "countdist") {
    const plots::CountDistribution distribution = plots::countDistribution(counts, factors, input);
    what = std::to_string(counts.nObs()) + " samples";  // the note adds the genes
    return plots::countDistributionPlot(distribution, groups, title);
  }
  const auto gene = parsed.value("gene");
  if (!gene) throw UsageError("plot counts needs --gene ID");
  // Normalised counts of every gene, genes x samples (geneCountsPlot's table layout).
  const data::CountMatrix dense = counts.isSparse() ? counts.toDense() : counts;
  data::Table values(counts.geneNames());
  for (std::int64_t s = 0; s < counts.nObs(); ++s) {
    std::vector<double> column(std::size_t(counts.nGenes()));
    for (std::int64_t g = 0; g < counts.nGenes(); ++g) column[std::size_t(g)] = dense.dense()(s, g) / factors(s);
    values.addColumn(data::Column(counts.obsNames()[std::size_t(s)], std::move(column)));
  }
  what = std::to_string(counts.nObs()) + " samples";
  plots::PlotModel model = plots::geneCountsPlot(values, *gene, groups, input);
  if (!title.isEmpty()) model.title = title;
  return model;
}

}  // namespace

int runPlot(const std::vector<std::string>& args) {
  const Arguments parsed(
      args, {"out", "size", "dpi", "label-top", "alpha", "lfc", "y", "title", "samples", "color", "top", "colormap", "gene",
       "size-factors", "before", "reads"},
      {"help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (parsed.positional().size() != 2) throw UsageError("give a plot kind and a results table");
  const std::string kind = parsed.positional()[0];
  const std::string input = parsed.positional()[1];
  const bool deKind = kind == "volcano" || kind == "ma" || kind == "qq" || kind == "phist";
  const bool countKind = kind == "countdist" || kind == "counts" || kind == "libsizes";
  const bool otherKind = kind == "training-comparison" || kind == "quality-heatmap";
  if (!deKind && !countKind && !otherKind && kind != "dispersion" && kind != "pca" && kind != "embedding")
    throw UsageError("unknown plot '" + kind +
                     "' (volcano, ma, qq, phist, dispersion, pca, embedding, countdist, counts, libsizes, "
                     "training-comparison or quality-heatmap)");
  const auto out = parsed.value("out");
  if (!out) throw UsageError("--out FILE is required");

  plots::DePlotOptions options;
  options.alpha = positiveNumber(parsed, "alpha", 0.05);
  options.lfcThreshold = positiveNumber(parsed, "lfc", 1.0);
  options.labelTop = std::size_t(positiveNumber(parsed, "label-top", 10));
  options.title = QString::fromStdString(parsed.value("title", ""));
  const std::string y = parsed.value("y", "pvalue");
  if (y != "pvalue" && y != "padj") throw UsageError("--y is pvalue or padj");
  options.volcanoUsesPadj = y == "padj";
  plots::FigureSize size = parseSize(parsed);

  plots::ensureGuiApplication();  // fonts for painting text; offscreen without a display
  if (kind == "training-comparison") {
    const auto before = parsed.value("before");
    if (!before) throw UsageError("training-comparison needs --before RESULTS.tsv (the exact results)");
    if (!parsed.value("size")) size.widthMm = 180, size.heightMm = 110;
    const plots::TrainingComparison comparison = plots::compareTraining(
        io::readSampleSheet(*before), io::readSampleSheet(input), options.alpha, "label", input);
    plots::exportPanelFigure(plots::trainingComparisonFigure(comparison, options.title), *out, size);
    std::cout << "wrote " << *out << " (" << comparison.genes.size() << " genes; F1 " << comparison.before.f1
              << " before, " << comparison.after.f1 << " after)\n";
    return 0;
  }

  plots::PlotModel model;
  std::string what;
  if (kind == "dispersion") {
    model = plots::dispersionPlot(io::readSampleSheet(input), input, options.title);
    what = std::to_string(model.curves.front().points.size()) + " genes";
  } else if (kind == "pca") {
    model = pcaFigure(parsed, input, options.title);
    what = std::to_string(model.points.count()) + " samples; " + model.xLabel.toStdString() + ", " +
           model.yLabel.toStdString();
  } else if (kind == "quality-heatmap") {
    const double reads = positiveNumber(parsed, "reads", 1000);
    if (reads < 1 || reads > 100000) throw UsageError("--reads must lie between 1 and 100000");
    plots::QualityHeatmapOptions heatmap;
    heatmap.title = options.title;
    const plots::QualitySample sample = plots::sampleQualities(input, std::size_t(reads));
    model = plots::qualityHeatmap(sample, heatmap);
    what = std::to_string(sample.phred.size()) + " of " + std::to_string(sample.readsSeen) + " reads";
  } else if (countKind) {
    model = countFigure(parsed, kind, input, options.title, what);
  } else if (kind == "embedding") {
    model = embeddingFigure(parsed, input, options.title);
    what = std::to_string(model.points.count()) + " points";
  } else {
    const plots::DeResults results = plots::deResultsFromTable(io::readSampleSheet(input), input);
    if (kind == "volcano") model = plots::volcanoPlot(results, options);
    else if (kind == "ma") model = plots::maPlot(results, options);
    else if (kind == "qq") model = plots::qqPlot(results.pvalue, options);
    else model = plots::pvalueHistogram(results, options);
    what = std::to_string(results.size()) + " genes";
  }
  plots::exportFigure(model, *out, size);
  std::cout << "wrote " << *out << " (" << kind << ", " << what;
  if (!model.note.isEmpty()) std::cout << "; " << model.note.toStdString();
  std::cout << ")\n";
  return 0;
}

}  // namespace diffbio::cli
