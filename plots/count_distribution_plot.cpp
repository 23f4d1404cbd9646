#include "plots/count_distribution_plot.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

#include "core/stats/r_summaries.h"
#include "core/util/error.h"
#include "plots/colour_maps.h"

namespace diffbio::plots {

namespace {

BoxStatistics boxOf(const std::vector<double>& values) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  BoxStatistics box;
  const std::size_t n = sorted.size();
  if (n == 0) return box;
  box.q1 = stats::quantileType7Sorted(sorted.data(), n, 0.25);
  box.median = stats::quantileType7Sorted(sorted.data(), n, 0.5);
  box.q3 = stats::quantileType7Sorted(sorted.data(), n, 0.75);
  const double reach = 1.5 * (box.q3 - box.q1);
  const double low = box.q1 - reach, high = box.q3 + reach;
  box.whiskerLow = *std::lower_bound(sorted.begin(), sorted.end(), low);
  box.whiskerHigh = *(std::upper_bound(sorted.begin(), sorted.end(), high) - 1);
  for (std::size_t g = 0; g < values.size(); ++g)
    if (values[g] < low || values[g] > high) {
      box.outliers.push_back(g);
      box.outlierValues.push_back(values[g]);
    }
  return box;
}

}  // namespace

CountDistribution countDistribution(const data::CountMatrix& counts, const Eigen::VectorXd& sizeFactors,
                                    const std::string& source) {
  const auto samples = std::size_t(counts.nObs()), genes = std::size_t(counts.nGenes());
  if (std::size_t(sizeFactors.size()) != samples)
    throw InputError({source}, "there are " + std::to_string(sizeFactors.size()) + " size factors for " +
                                   std::to_string(samples) + " samples",
                     "give one size factor per sample (`diffbio de --size-factors-out`)");
  for (Eigen::Index s = 0; s < sizeFactors.size(); ++s)
    if (!(sizeFactors(s) > 0) || !std::isfinite(sizeFactors(s)))
      throw InputError({source}, "the size factor of sample '" + counts.obsNames()[std::size_t(s)] +
                                     "' is not a positive number",
                       "check the size-factor table");
  if (samples == 0 || genes == 0) throw InputError({source}, "the count matrix is empty", "give a count table");
  const data::CountMatrix dense = counts.isSparse() ? counts.toDense() : counts;
  const auto& m = dense.dense();
  CountDistribution result;
  result.samples = counts.obsNames();
  std::vector<std::size_t> kept;
  for (std::size_t g = 0; g < genes; ++g) {
    bool any = false;
    for (std::size_t s = 0; s < samples && !any; ++s) any = m(Eigen::Index(s), Eigen::Index(g)) != 0;
    if (any) kept.push_back(g), result.genes.push_back(counts.geneNames()[g]);
  }
  result.droppedAllZero = genes - kept.size();
  std::vector<double> values(kept.size());
  for (std::size_t s = 0; s < samples; ++s) {
    for (std::size_t k = 0; k < kept.size(); ++k)
      values[k] = std::log2(m(Eigen::Index(s), Eigen::Index(kept[k])) / sizeFactors(Eigen::Index(s)) + 1);
    result.boxes.push_back(boxOf(values));
  }
  return result;
}

PlotModel countDistributionPlot(const CountDistribution& distribution, const std::vector<std::string>& groups,
                                const QString& title) {
  const std::size_t n = distribution.samples.size();
  if (!groups.empty() && groups.size() != n)
    throw std::invalid_argument("countDistributionPlot: one group per sample");
  std::vector<std::string> levels;
  for (const auto& g : groups)
    if (std::find(levels.begin(), levels.end(), g) == levels.end()) levels.push_back(g);
  if (levels.empty()) levels.push_back("samples");
  const std::vector<QColor> palette = categoricalPalette(levels.size());

  PlotModel model;
  model.title = title.isEmpty() ? QStringLiteral("Normalised count distribution") : title;
  model.yLabel = QStringLiteral("log2 (normalised count + 1)");
  for (std::size_t l = 0; l < levels.size(); ++l)
    model.categories.push_back({QString::fromStdString(levels[l]), palette[l], !groups.empty()});
  model.legendCounts = false;
  model.table.header = {QStringLiteral("sample"), QStringLiteral("group"), QStringLiteral("q1"),
                        QStringLiteral("median"), QStringLiteral("q3"), QStringLiteral("whisker_low"),
                        QStringLiteral("whisker_high"), QStringLiteral("outliers")};
  const double half = 0.3, cap = 0.12;
  const QColor ink(50, 50, 50);
  for (std::size_t s = 0; s < n; ++s) {
    const BoxStatistics& b = distribution.boxes[s];
    const std::size_t l =
        groups.empty() ? 0 : std::size_t(std::find(levels.begin(), levels.end(), groups[s]) - levels.begin());
    const double x = double(s);
    model.xCategories.push_back(QString::fromStdString(distribution.samples[s]));
    QColor fill = palette[l];
    fill.setAlpha(150);
    model.shapes.push_back({{QPointF(x - half, b.q1), QPointF(x + half, b.q1), QPointF(x + half, b.q3),
                             QPointF(x - half, b.q3)},
                            fill, ink, 0.6});
    model.curves.push_back({{QPointF(x - half, b.median), QPointF(x + half, b.median)}, ink, false});
    model.curves.push_back({{QPointF(x, b.q3), QPointF(x, b.whiskerHigh)}, ink, false});
    model.curves.push_back({{QPointF(x, b.q1), QPointF(x, b.whiskerLow)}, ink, false});
    model.curves.push_back({{QPointF(x - cap, b.whiskerHigh), QPointF(x + cap, b.whiskerHigh)}, ink, false});
    model.curves.push_back({{QPointF(x - cap, b.whiskerLow), QPointF(x + cap, b.whiskerLow)}, ink, false});
    for (std::size_t k = 0; k < b.outliers.size(); ++k) {
      model.points.x.push_back(x);
      model.points.y.push_back(b.outlierValues[k]);
      model.points.category.push_back(int(l));
      model.points.names.push_back(QString::fromStdString(distribution.genes[b.outliers[k]]));
    }
    auto number = [](double v) { return QString::number(v, 'g', 10); };
    model.table.rows.push_back({model.xCategories.back(), QString::fromStdString(groups.empty() ? "" : groups[s]),
                                number(b.q1), number(b.median), number(b.q3), number(b.whiskerLow),
                                number(b.whiskerHigh), QString::number(b.outliers.size())});
  }
  model.pointSize = 1.8f;
  model.autoRange = false;
  const DataRange fitted = fittedRange(model);
  model.xMin = -0.6, model.xMax = double(n) - 0.4;
  // Headroom above the highest outlier for the note, so it never sits on data.
  model.yMin = std::min(0.0, fitted.yMin), model.yMax = fitted.yMax + 0.1 * (fitted.yMax - std::min(0.0, fitted.yMin));
  QLocale c = QLocale::c();
  c.setNumberOptions({});  // "12,359": the C locale omits group separators by default
  model.note = QStringLiteral("%1 genes").arg(c.toString(qulonglong(distribution.genes.size())));
  if (distribution.droppedAllZero)
    model.note += QStringLiteral(" (%1 with no counts left out)").arg(c.toString(qulonglong(distribution.droppedAllZero)));
  model.noteAlignment = Qt::AlignRight | Qt::AlignTop;
  return model;
}

}  // namespace diffbio::plots
