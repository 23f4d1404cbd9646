#include "plots/violin_plot.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/stats/r_summaries.h"
#include "core/util/error.h"
#include "plots/colour_maps.h"

namespace diffbio::plots {

namespace {

constexpr int kGrid = 100;
constexpr double kHalfWidth = 0.4;  // of a violin at its widest, in cluster units

// Gaussian kernel density of `values` on `grid`, bandwidth by Scott's rule (scipy's gaussian_kde default, which
// seaborn's violins use). A constant sample has no spread: its density is a spike, returned as all zeros.
std::vector<double> density(const std::vector<double>& values, const std::vector<double>& grid) {
  const double n = double(values.size());
  std::vector<double> out(grid.size(), 0);
  if (values.size() < 2) return out;
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / (n - 1));
  if (!(sd > 0)) return out;
  const double h = sd * std::pow(n, -0.2);
  const double norm = 1 / (n * h * std::sqrt(2 * M_PI));
  for (std::size_t i = 0; i < grid.size(); ++i) {
    double sum = 0;
    for (double v : values) {
      const double z = (grid[i] - v) / h;
      sum += std::exp(-0.5 * z * z);
    }
    out[i] = sum * norm;
  }
  return out;
}

// A deterministic spread in [-1, 1] for cell i (the same figure on every run).
double jitter(std::size_t i) {
  std::uint64_t x = i * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return double(x % 20001) / 10000.0 - 1;
}

}  // namespace

std::vector<ViolinShape> violinShapes(const data::CountMatrix& values, const CellClusters& clusters,
                                      const std::string& gene, const std::string& source) {
  if (clusters.codes.size() != std::size_t(values.nObs()))
    throw InputError({source}, "there are " + std::to_string(clusters.codes.size()) + " cluster labels for " +
                                   std::to_string(values.nObs()) + " cells",
                     "give one cluster per cell of the matrix");
  const auto& genes = values.geneNames();
  const auto found = std::find(genes.begin(), genes.end(), gene);
  if (found == genes.end())
    throw InputError({source}, "no gene '" + gene + "' in the expression matrix", "choose a gene of the matrix");
  const auto column = std::int64_t(found - genes.begin());
  std::vector<ViolinShape> shapes(clusters.names.size());
  for (std::int64_t cell = 0; cell < values.nObs(); ++cell) {
    const std::int32_t code = clusters.codes[std::size_t(cell)];
    if (code < 0 || std::size_t(code) >= shapes.size()) continue;
    shapes[std::size_t(code)].values.push_back(values.at(cell, column));
    shapes[std::size_t(code)].cells.push_back(std::size_t(cell));
  }
  for (auto& shape : shapes) {
    if (shape.values.empty()) continue;
    const auto [low, high] = std::minmax_element(shape.values.begin(), shape.values.end());
    for (int k = 0; k < kGrid; ++k) shape.y.push_back(*low + (*high - *low) * double(k) / (kGrid - 1));
    shape.density = density(shape.values, shape.y);
    shape.median = stats::median(Eigen::Map<const Eigen::VectorXd>(shape.values.data(), Eigen::Index(shape.values.size())));
  }
  return shapes;
}

PlotModel violinPlot(const std::vector<ViolinShape>& shapes, const CellClusters& clusters, const std::string& gene,
                     const std::vector<std::string>& cellNames, bool showCells, const QString& title) {
  PlotModel model;
  model.title = title.isEmpty() ? QString::fromStdString(gene) : title;
  model.yLabel = QStringLiteral("expression");
  model.legendCounts = false;
  const std::vector<QColor> palette = categoricalPalette(shapes.size());
  model.categories.push_back({QStringLiteral("cells"), QColor(30, 30, 30, 150), false});
  model.table.header = {QStringLiteral("cluster"), QStringLiteral("cells"), QStringLiteral("median"),
                        QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("fraction_expressing")};
  for (std::size_t c = 0; c < shapes.size(); ++c) {
    const ViolinShape& shape = shapes[c];
    const double x = double(c);
    model.xCategories.push_back(QString::fromStdString(clusters.names[c]));
    if (shape.values.empty()) continue;
    // Every violin scaled to the same widest point (seaborn's scale="width"): the shapes compare, not the sizes.
    double own = 0;
    for (double d : shape.density) own = std::max(own, d);
    Shape violin;
    QColor fill = palette[c];
    fill.setAlpha(170);
    violin.fill = fill;
    violin.outline = palette[c].darker(140);
    if (own > 0) {
      for (std::size_t k = 0; k < shape.y.size(); ++k)
        violin.points.emplace_back(x + kHalfWidth * shape.density[k] / own, shape.y[k]);
      for (std::size_t k = shape.y.size(); k-- > 0;)
        violin.points.emplace_back(x - kHalfWidth * shape.density[k] / own, shape.y[k]);
    } else {  // one value: a flat bar
      violin.points = {QPointF(x - kHalfWidth, shape.y.front()), QPointF(x + kHalfWidth, shape.y.front())};
    }
    model.shapes.push_back(std::move(violin));
    model.curves.push_back({{QPointF(x - 0.15, shape.median), QPointF(x + 0.15, shape.median)}, QColor(20, 20, 20)});
    std::size_t expressing = 0;
    for (double v : shape.values) expressing += v > 0;
    const auto [low, high] = std::minmax_element(shape.values.begin(), shape.values.end());
    model.table.rows.push_back({model.xCategories.back(), QString::number(shape.values.size()),
                                QString::number(shape.median, 'g', 10), QString::number(*low, 'g', 10),
                                QString::number(*high, 'g', 10),
                                QString::number(double(expressing) / double(shape.values.size()), 'g', 10)});
    if (!showCells) continue;
    for (std::size_t k = 0; k < shape.values.size(); ++k) {
      // Within the violin's width at this height, so the dots trace its outline.
      const double at = own > 0 ? shape.density[std::min<std::size_t>(
                                      kGrid - 1, std::size_t(std::lround((shape.values[k] - shape.y.front()) /
                                                                          std::max(shape.y.back() - shape.y.front(), 1e-12) *
                                                                          (kGrid - 1))))] /
                                      own
                                : 1;
      model.points.x.push_back(x + 0.8 * kHalfWidth * at * jitter(shape.cells[k]));
      model.points.y.push_back(shape.values[k]);
      model.points.category.push_back(0);
      const std::size_t cell = shape.cells[k];
      model.points.names.push_back(cell < cellNames.size() ? QString::fromStdString(cellNames[cell])
                                                           : QString::number(cell + 1));
    }
  }
  model.pointSize = 1.2f;
  model.autoRange = false;
  const DataRange fitted = fittedRange(model);
  model.xMin = -0.6, model.xMax = double(std::max<std::size_t>(shapes.size(), 1)) - 0.4;
  model.yMin = fitted.yMin, model.yMax = fitted.yMax;
  return model;
}

}  // namespace diffbio::plots
