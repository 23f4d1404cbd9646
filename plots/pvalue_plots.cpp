#include <algorithm>
#include <cmath>

#include "plots/de_plots.h"
#include "plots/qq_statistics.h"

namespace diffbio::plots {

PlotModel pvalueHistogram(const DeResults& results, const DePlotOptions& options) {
  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("p-value histogram") : options.title;
  model.xLabel = QStringLiteral("p-value");
  model.yLabel = QStringLiteral("genes");
  constexpr int kBins = 20;
  auto& bars = model.bars;
  for (int b = 0; b <= kBins; ++b) bars.edges.push_back(double(b) / kBins);
  bars.heights.assign(kBins, 0);
  std::size_t tested = 0;
  for (double p : results.pvalue) {
    if (!(p >= 0 && p <= 1)) continue;
    ++tested;
    bars.heights[std::min(kBins - 1, int(p * kBins))] += 1;  // p = 1 goes in the last bin
  }
  model.note = QStringLiteral("%1 genes with a p-value").arg(tested);
  model.noteAlignment = Qt::AlignRight | Qt::AlignTop;  // the spike of real signal sits at p ≈ 0, on the left
  model.legendCounts = false;
  return model;
}

PlotModel qqPlot(const std::vector<double>& pvalues, const DePlotOptions& options) {
  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("Q-Q plot of p-values") : options.title;
  model.xLabel = QStringLiteral("expected -log10 p");
  model.yLabel = QStringLiteral("observed -log10 p");
  model.categories = {{QStringLiteral("genes"), QColor(0, 114, 178)}};

  std::vector<double> p;
  for (double v : pvalues)
    if (v == v) p.push_back(std::max(v, 1e-300));
  std::sort(p.begin(), p.end());
  const std::vector<double> expected = expectedMinusLog10(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    model.points.x.push_back(expected[i]);
    model.points.y.push_back(-std::log10(p[i]));
    model.points.category.push_back(0);
  }
  const QqBand qq = qqBand(p.size());
  model.bands.push_back({qq.expected, qq.low, qq.high});
  if (!p.empty()) model.curves.push_back({{QPointF(0, 0), QPointF(expected.front(), expected.front())}});
  model.note = QStringLiteral("λ = %1").arg(genomicInflation(p), 0, 'f', 3);
  model.legendCounts = true;
  model.pointSize = 3;
  return model;
}

}  // namespace diffbio::plots
