#include <QString>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "plots/de_plot_style.h"
#include "plots/de_plots.h"

namespace diffbio::plots {

std::vector<std::size_t> mostSignificant(const std::vector<double>& p, std::size_t n) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](std::size_t i) { return p[i] == p[i] ? p[i] : 2.0; };  // NaN sorts after every p-value
  n = std::min(n, order.size());
  std::partial_sort(order.begin(), order.begin() + n, order.end(),
                    [&](std::size_t a, std::size_t b) { return key(a) < key(b) || (key(a) == key(b) && a < b); });
  order.resize(n);
  while (!order.empty() && !(p[order.back()] == p[order.back()])) order.pop_back();
  return order;
}

PlotModel volcanoPlot(const DeResults& results, const DePlotOptions& options) {
  const std::vector<double>& p = options.volcanoUsesPadj ? results.padj : results.pvalue;
  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("Volcano plot") : options.title;
  model.xLabel = QStringLiteral("log2 fold change");
  model.yLabel = options.volcanoUsesPadj ? QStringLiteral("-log10 adjusted p-value") : QStringLiteral("-log10 p-value");
  model.categories = deCategories();

  // p = 0 (underflow) has no finite -log10: put it at the smallest positive p so the strongest genes stay visible.
  double smallest = 1;
  for (double v : p)
    if (v > 0) smallest = std::min(smallest, v);
  std::size_t zeros = 0;
  double largestSignificantP = 0;
  auto& points = model.points;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const double lfc = results.log2FoldChange[i];
    double pv = p[i];
    if (pv == 0) ++zeros, pv = smallest;
    points.x.push_back(lfc);
    points.y.push_back(pv == pv ? -std::log10(pv) : std::nan(""));
    points.names.push_back(QString::fromStdString(results.genes[i]));
    int category = kNotSignificant;
    if (significant(results.padj[i], options.alpha) && std::abs(lfc) >= options.lfcThreshold) {
      category = lfc > 0 ? kUp : kDown;
      largestSignificantP = std::max(largestSignificantP, p[i]);
    }
    points.category.push_back(category);
  }
  if (zeros) model.note = QStringLiteral("%1 genes with p = 0 drawn at the top").arg(zeros);

  if (options.lfcThreshold > 0) {
    model.lines.push_back({ReferenceLine::Orientation::Vertical, -options.lfcThreshold});
    model.lines.push_back({ReferenceLine::Orientation::Vertical, options.lfcThreshold});
  }
  // With padj on the y axis the cut is exactly -log10(alpha); with raw p it is where padj crosses alpha.
  const double cut = options.volcanoUsesPadj ? options.alpha : largestSignificantP;
  if (cut > 0) model.lines.push_back({ReferenceLine::Orientation::Horizontal, -std::log10(cut)});
  model.labelPriority = mostSignificant(p, p.size());
  model.labelled.assign(model.labelPriority.begin(),
                        model.labelPriority.begin() + std::min(options.labelTop, model.labelPriority.size()));
  model.thresholdsDraggable = options.lfcThreshold > 0 && cut > 0;
  return model;
}

}  // namespace diffbio::plots
