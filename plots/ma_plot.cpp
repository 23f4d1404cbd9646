#include <algorithm>
#include <cmath>

#include "plots/de_plot_style.h"
#include "plots/de_plots.h"

namespace diffbio::plots {

PlotModel maPlot(const DeResults& results, const DePlotOptions& options) {
  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("MA plot") : options.title;
  model.xLabel = QStringLiteral("log10 mean of normalised counts");
  model.yLabel = QStringLiteral("log2 fold change");
  model.categories = deCategories();
  auto& points = model.points;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const double mean = results.baseMean[i];
    const double lfc = results.log2FoldChange[i];
    // baseMean 0 (all-zero genes) has no log and no test: left out, as DESeq2's plotMA does.
    points.x.push_back(mean > 0 ? std::log10(mean) : std::nan(""));
    points.y.push_back(lfc);
    points.names.push_back(QString::fromStdString(results.genes[i]));
    int category = kNotSignificant;
    if (significant(results.padj[i], options.alpha)) category = lfc > 0 ? kUp : kDown;
    points.category.push_back(category);
  }
  model.lines.push_back({ReferenceLine::Orientation::Horizontal, 0.0, QColor(90, 90, 90), false});
  model.labelPriority = mostSignificant(results.padj, results.padj.size());
  model.labelled.assign(model.labelPriority.begin(),
                        model.labelPriority.begin() + std::min(options.labelTop, model.labelPriority.size()));
  return model;
}

}  // namespace diffbio::plots
