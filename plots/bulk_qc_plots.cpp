#include "plots/bulk_qc_plots.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/stats/deseq_steps.h"
#include "core/util/error.h"
#include "plots/colour_maps.h"
#include "plots/embedding_plot.h"

namespace diffbio::plots {

namespace {

std::vector<double> numbers(const data::Table& table, const std::string& name, const std::string& source,
                            const std::string& fix) {
  const data::Column* column = table.find(name);
  if (!column) throw InputError({source}, "the table has no column '" + name + "'", fix);
  std::vector<double> values(column->size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = column->number(i).value_or(std::nan(""));
  return values;
}

}  // namespace

PlotModel dispersionPlot(const data::Table& dispersions, const std::string& source, const QString& title) {
  const std::string fix = "give the dispersion table of `diffbio de --dispersions-out` (baseMean, dispGeneEst, "
                          "dispFit, dispersion)";
  const auto mean = numbers(dispersions, "baseMean", source, fix);
  const auto geneWise = numbers(dispersions, "dispGeneEst", source, fix);
  const auto fit = numbers(dispersions, "dispFit", source, fix);
  const auto final = numbers(dispersions, "dispersion", source, fix);
  std::vector<double> outlier(mean.size(), 0);
  if (dispersions.find("dispOutlier")) outlier = numbers(dispersions, "dispOutlier", source, fix);
  const auto& genes = dispersions.rowNames();

  PlotModel model;
  model.title = title.isEmpty() ? QStringLiteral("Dispersion estimates") : title;
  model.xLabel = QStringLiteral("log10 mean of normalised counts");
  model.yLabel = QStringLiteral("log10 dispersion");
  model.categories = {{QStringLiteral("gene-wise"), QColor(40, 40, 40)},
                      {QStringLiteral("final"), QColor(0, 114, 178)},
                      {QStringLiteral("outlier"), QColor(204, 121, 167)}};
  // Gene-wise estimates at DESeq2's floor (1e-8) would sit decades below the rest and squash the plot; like
  // plotDispEsts, they are drawn at the bottom edge of the data instead (here: the smallest estimate above 1e-6).
  double floor = HUGE_VAL;
  for (std::size_t g = 0; g < mean.size(); ++g)
    if (mean[g] > 0 && geneWise[g] > 1e-6) floor = std::min(floor, geneWise[g]);
  if (!std::isfinite(floor)) floor = 1e-6;
  auto& p = model.points;
  std::vector<std::size_t> kept;
  for (std::size_t g = 0; g < mean.size(); ++g) {
    if (!(mean[g] > 0) || !std::isfinite(geneWise[g])) continue;
    kept.push_back(g);
    p.x.push_back(std::log10(mean[g]));
    p.y.push_back(std::log10(std::max(geneWise[g], floor)));
    p.category.push_back(kGeneWise);
    p.names.push_back(QString::fromStdString(genes[g]));
  }
  for (std::size_t g : kept) {
    if (!(final[g] > 0)) continue;
    p.x.push_back(std::log10(mean[g]));
    p.y.push_back(std::log10(final[g]));
    p.category.push_back(outlier[g] == 1 ? kDispersionOutlier : kFinal);
    p.names.push_back(QString::fromStdString(genes[g]));
  }
  std::vector<std::size_t> byMean = kept;
  std::sort(byMean.begin(), byMean.end(), [&](std::size_t a, std::size_t b) { return mean[a] < mean[b]; });
  Curve trend;
  trend.colour = QColor(213, 94, 0);
  for (std::size_t g : byMean)
    if (fit[g] > 0) trend.points.emplace_back(std::log10(mean[g]), std::log10(fit[g]));
  model.curves.push_back(std::move(trend));
  model.pointSize = 1.6f;
  return model;
}

SamplePca samplePca(const data::Table& values, std::size_t top, const std::string& source) {
  SamplePca pca;
  std::vector<const data::Column*> columns;
  for (const auto& column : values.columns()) {
    if (column.type() != data::ColumnType::Float && column.type() != data::ColumnType::Int) continue;
    columns.push_back(&column);
    pca.samples.push_back(column.name());
  }
  const std::size_t n = columns.size(), genes = values.nRows();
  if (n < 3)
    throw InputError({source}, "a sample PCA needs at least 3 numeric sample columns, found " + std::to_string(n),
                     "give the VST matrix of `diffbio de --vst-out` (one row per gene, one column per sample)");
  // rowVars with the n - 1 denominator, as DESeq2's plotPCA (genes with a missing value are skipped).
  std::vector<double> variance(genes, -1);
  for (std::size_t g = 0; g < genes; ++g) {
    double sum = 0, squares = 0;
    bool complete = true;
    for (const auto* column : columns) {
      const double v = column->number(g).value_or(std::nan(""));
      complete = complete && std::isfinite(v);
      sum += v;
    }
    if (!complete) continue;
    const double m = sum / double(n);
    for (const auto* column : columns) {
      const double d = *column->number(g) - m;
      squares += d * d;
    }
    variance[g] = squares / double(n - 1);
  }
  std::vector<std::size_t> order(genes);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return variance[a] > variance[b]; });
  while (!order.empty() && variance[order.back()] < 0) order.pop_back();
  order.resize(std::min(top, order.size()));
  if (order.empty()) throw InputError({source}, "no gene has a value in every sample", "check the VST table");
  pca.genes = order;

  // Samples x genes, centred per gene. The samples' Gram matrix is tiny (n x n): its eigenvectors give the scores
  // exactly (prcomp's x = U D), without a decomposition of the n x 500 matrix.
  Eigen::MatrixXd x(n, order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    for (std::size_t s = 0; s < n; ++s) x(Eigen::Index(s), Eigen::Index(k)) = *columns[s]->number(order[k]);
    x.col(Eigen::Index(k)).array() -= x.col(Eigen::Index(k)).mean();
  }
  const Eigen::MatrixXd gram = x * x.transpose();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
  const Eigen::VectorXd lambda = eigen.eigenvalues().cwiseMax(0.0);  // ascending
  const double total = lambda.sum();
  for (Eigen::Index k = Eigen::Index(n) - 1; k >= 0; --k) {
    std::vector<double> score(n);
    // Scores = eigenvector * sqrt(eigenvalue). Sign convention: the largest |score| is positive, so the picture
    // does not flip between runs or machines.
    const Eigen::VectorXd v = eigen.eigenvectors().col(k) * std::sqrt(lambda(k));
    Eigen::Index largest = 0;
    v.cwiseAbs().maxCoeff(&largest);
    const double sign = v(largest) < 0 ? -1 : 1;
    for (std::size_t s = 0; s < n; ++s) score[s] = sign * v(Eigen::Index(s));
    pca.scores.push_back(std::move(score));
    pca.varianceFraction.push_back(total > 0 ? lambda(k) / total : 0);
  }
  return pca;
}

PlotModel pcaPlot(const SamplePca& pca, const std::vector<std::string>& groups, const QString& colourTitle,
                  std::size_t first, std::size_t second, const QString& title) {
  if (first >= pca.scores.size() || second >= pca.scores.size())
    throw std::invalid_argument("pcaPlot: no such component");
  Embedding embedding;
  embedding.x = pca.scores[first];
  embedding.y = pca.scores[second];
  embedding.names = pca.samples;
  auto axis = [&](std::size_t k) {
    return QStringLiteral("PC%1: %2% variance").arg(k + 1).arg(std::lround(100 * pca.varianceFraction[k]));
  };
  embedding.xLabel = axis(first);
  embedding.yLabel = axis(second);
  EmbeddingOptions options;
  options.title = title.isEmpty() ? QStringLiteral("Sample PCA") : title;
  options.pointSize = 6;
  PlotModel model = groups.empty() ? embeddingPlain(embedding, options)
                                   : embeddingByCategory(embedding, groups, colourTitle, options);
  model.labelled.resize(pca.samples.size());
  std::iota(model.labelled.begin(), model.labelled.end(), 0);
  return model;
}

}  // namespace diffbio::plots

namespace diffbio::plots {

PlotModel geneCountsPlot(const data::Table& values, const std::string& gene, const std::vector<std::string>& groups,
                         const std::string& source) {
  const auto& rows = values.rowNames();
  const auto found = std::find(rows.begin(), rows.end(), gene);
  if (found == rows.end())
    throw InputError({source}, "no gene '" + gene + "' in the table", "give a gene ID as in the first column");
  const std::size_t row = std::size_t(found - rows.begin());
  std::vector<const data::Column*> columns;
  for (const auto& column : values.columns())
    if (column.type() == data::ColumnType::Float || column.type() == data::ColumnType::Int) columns.push_back(&column);
  if (!groups.empty() && groups.size() != columns.size())
    throw InputError({source}, "one group per sample column is needed (" + std::to_string(columns.size()) +
                                   " columns, " + std::to_string(groups.size()) + " groups)",
                     "give the sample sheet of these samples");
  std::vector<std::string> levels;
  for (const auto& g : groups)
    if (std::find(levels.begin(), levels.end(), g) == levels.end()) levels.push_back(g);
  if (levels.empty()) levels.push_back("all");

  PlotModel model;
  model.title = QString::fromStdString(gene);
  model.yLabel = QStringLiteral("log10 (normalised count + 0.5)");
  const std::vector<QColor> palette = categoricalPalette(levels.size());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    model.xCategories.push_back(QString::fromStdString(levels[l]));
    model.categories.push_back({QString::fromStdString(levels[l]), palette[l], false});
  }
  std::vector<std::size_t> seen(levels.size(), 0), size(levels.size(), 0);
  for (std::size_t s = 0; s < columns.size(); ++s)
    ++size[groups.empty() ? 0 : std::size_t(std::find(levels.begin(), levels.end(), groups[s]) - levels.begin())];
  for (std::size_t s = 0; s < columns.size(); ++s) {
    const std::size_t l =
        groups.empty() ? 0 : std::size_t(std::find(levels.begin(), levels.end(), groups[s]) - levels.begin());
    // Evenly spread within ±0.2 of the group (deterministic: the same figure every time).
    const double offset = size[l] > 1 ? -0.2 + 0.4 * double(seen[l]++) / double(size[l] - 1) : 0;
    model.points.x.push_back(double(l) + offset);
    model.points.y.push_back(std::log10(columns[s]->number(row).value_or(std::nan("")) + 0.5));
    model.points.category.push_back(int(l));
    model.points.names.push_back(QString::fromStdString(columns[s]->name()));
  }
  model.autoRange = false;
  const DataRange fitted = fittedRange(model);
  model.xMin = -0.6, model.xMax = double(levels.size()) - 0.4;
  model.yMin = fitted.yMin, model.yMax = fitted.yMax;
  model.pointSize = 6;
  return model;
}

PlotModel geneCountsPlot(const stats::DeExperiment& experiment, const Eigen::VectorXd& sizeFactors,
                         const std::string& gene, const std::vector<std::string>& groups, const std::string& source) {
  const auto found = std::find(experiment.geneNames.begin(), experiment.geneNames.end(), gene);
  if (found == experiment.geneNames.end())
    throw InputError({source}, "no gene '" + gene + "' in the counts", "give a gene ID as in the count table");
  const auto g = static_cast<Eigen::Index>(found - experiment.geneNames.begin());
  data::Table values(std::vector<std::string>{gene});  // genes x samples, one row
  for (Eigen::Index s = 0; s < experiment.counts.rows(); ++s)
    values.addColumn(data::Column(experiment.sampleNames[static_cast<std::size_t>(s)],
                                  std::vector<double>{experiment.counts(s, g) / sizeFactors[s]}));
  return geneCountsPlot(values, gene, groups, source);
}

PlotModel librarySizesPlot(const std::vector<std::string>& samples, const std::vector<double>& totals) {
  PlotModel model;
  model.title = QStringLiteral("Library sizes");
  model.yLabel = QStringLiteral("total counts (millions)");
  // Bars are contiguous bins: a zero-height bin between samples leaves the gap.
  for (std::size_t s = 0; s < samples.size(); ++s) {
    model.xCategories.push_back(QString::fromStdString(samples[s]));
    if (s == 0) model.bars.edges.push_back(-0.35);
    model.bars.edges.push_back(double(s) + 0.35);
    model.bars.heights.push_back(totals[s] / 1e6);
    if (s + 1 < samples.size()) {
      model.bars.edges.push_back(double(s) + 0.65);
      model.bars.heights.push_back(0);
    }
  }
  model.autoRange = false;
  const DataRange fitted = fittedRange(model);
  model.xMin = -0.6, model.xMax = double(samples.size()) - 0.4;
  model.yMin = 0, model.yMax = fitted.yMax;
  model.legendCounts = false;
  return model;
}

PlotModel groupMeansPlot(const std::vector<double>& controlMeans, const std::vector<double>& treatmentMeans,
                         const std::vector<std::string>& genes, const std::vector<bool>& isDe) {
  PlotModel model;
  model.title = QStringLiteral("Control vs treatment means");
  model.xLabel = QStringLiteral("log10 (control mean + 1)");
  model.yLabel = QStringLiteral("log10 (treatment mean + 1)");
  model.categories = {{QStringLiteral("not DE"), QColor(187, 187, 187)}, {QStringLiteral("DE"), QColor(213, 94, 0)}};
  if (isDe.empty()) model.categories = {{QStringLiteral("genes"), QColor(0, 114, 178)}};
  for (std::size_t g = 0; g < controlMeans.size(); ++g) {
    model.points.x.push_back(std::log10(controlMeans[g] + 1));
    model.points.y.push_back(std::log10(treatmentMeans[g] + 1));
    model.points.category.push_back(!isDe.empty() && isDe[g] ? 1 : 0);
    if (g < genes.size()) model.points.names.push_back(QString::fromStdString(genes[g]));
  }
  const DataRange fitted = fittedRange(model);
  const double low = std::min(fitted.xMin, fitted.yMin), high = std::max(fitted.xMax, fitted.yMax);
  model.curves.push_back({{QPointF(low, low), QPointF(high, high)}, QColor(90, 90, 90), true});  // y = x
  model.pointSize = 2.5f;
  return model;
}

PlotModel foldChangeHistogram(const std::vector<double>& log2FoldChanges, double binWidth) {
  PlotModel model;
  model.title = QStringLiteral("Observed log2 fold changes");
  model.xLabel = QStringLiteral("log2 fold change");
  model.yLabel = QStringLiteral("genes");
  double low = HUGE_VAL, high = -HUGE_VAL;
  std::size_t finite = 0;
  for (double v : log2FoldChanges)
    if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v), ++finite;
  if (!finite || !(binWidth > 0)) return model;
  const double first = std::floor(low / binWidth) * binWidth;
  const std::size_t bins = std::max<std::size_t>(1, std::size_t(std::floor((high - first) / binWidth)) + 1);
  for (std::size_t b = 0; b <= bins; ++b) model.bars.edges.push_back(first + double(b) * binWidth);
  model.bars.heights.assign(bins, 0);
  for (double v : log2FoldChanges)
    if (std::isfinite(v)) model.bars.heights[std::min(bins - 1, std::size_t((v - first) / binWidth))] += 1;
  model.note = QStringLiteral("%1 genes").arg(finite);
  model.noteAlignment = Qt::AlignRight | Qt::AlignTop;
  model.legendCounts = false;
  return model;
}

}  // namespace diffbio::plots
