#include "plots/embedding_plot.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

namespace diffbio::plots {

namespace {

constexpr int kColourSteps = 256;  // a continuous scale is drawn as this many colour steps

// Natural order: runs of digits compare as numbers, so clusters sort 1, 2, 10 rather than 1, 10, 2.
bool naturalLess(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei, j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

bool isMissingLabel(const std::string& label) { return label.empty() || label == "NA" || label == "nan"; }

PlotModel baseModel(const Embedding& embedding, const EmbeddingOptions& options) {
  if (embedding.y.size() != embedding.x.size() ||
      (!embedding.names.empty() && embedding.names.size() != embedding.x.size()))
    throw std::invalid_argument("embedding: x, y and names must have one entry per observation");
  PlotModel model;
  model.title = options.title;
  model.xLabel = embedding.xLabel;
  model.yLabel = embedding.yLabel;
  model.points.x = embedding.x;
  model.points.y = embedding.y;
  model.points.names.reserve(embedding.names.size());
  for (const auto& name : embedding.names) model.points.names.push_back(QString::fromStdString(name));
  model.pointSize = options.pointSize > 0 ? options.pointSize : embeddingPointSize(embedding.x.size());
  return model;
}

}  // namespace

float embeddingPointSize(std::size_t points) {
  // 3 points across at 10^3 observations, 0.75 at 10^5, never below half a point (still a visible dot at 300 dpi).
  const double n = double(std::max<std::size_t>(points, 1));
  return float(std::clamp(24.0 * std::pow(n, -0.3), 0.5, 4.0));
}

PlotModel embeddingByCategory(const Embedding& embedding, const std::vector<std::string>& labels,
                              const QString& colourTitle, const EmbeddingOptions& options,
                              const std::vector<std::string>& levels) {
  if (labels.size() != embedding.x.size())
    throw std::invalid_argument("embedding: one category label per observation is needed");
  PlotModel model = baseModel(embedding, options);
  std::vector<std::string> order = levels;
  if (order.empty()) {
    std::set<std::string> seen;
    for (const auto& label : labels)
      if (!isMissingLabel(label)) seen.insert(label);
    order.assign(seen.begin(), seen.end());
    std::sort(order.begin(), order.end(), naturalLess);
  }
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < order.size(); ++i) index.emplace(order[i], int(i));
  const bool anyMissing = std::any_of(labels.begin(), labels.end(),
                                      [&](const std::string& l) { return index.find(l) == index.end(); });
  // Missing values come first: category 0 is drawn first, so grey never covers a labelled point.
  const int offset = anyMissing ? 1 : 0;
  if (anyMissing) model.categories.push_back({QStringLiteral("NA"), missingColour()});
  const std::vector<QColor> palette =
      options.palette.size() >= order.size() ? options.palette : categoricalPalette(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    model.categories.push_back({QString::fromStdString(order[i]), palette[i]});
  model.points.category.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto found = index.find(labels[i]);
    model.points.category[i] = found == index.end() ? 0 : found->second + offset;
  }
  model.legendPosition = LegendPosition::Right;
  model.legendTitle = colourTitle;
  return model;
}

PlotModel embeddingByValue(const Embedding& embedding, const std::vector<double>& values, const QString& colourTitle,
                           const EmbeddingOptions& options) {
  if (values.size() != embedding.x.size())
    throw std::invalid_argument("embedding: one colour value per observation is needed");
  PlotModel model = baseModel(embedding, options);
  double low = options.low, high = options.high;
  if (!std::isfinite(low) || !std::isfinite(high)) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (!std::isfinite(low)) low = lo;
    if (!std::isfinite(high)) high = hi;
  }
  if (!(high > low)) high = low + 1;  // a constant value: one colour, and still a readable scale

  // Category 0 = missing (drawn first, in the legend only if present), then the colour steps from low to high:
  // painting goes category by category, so larger values land on top.
  const bool anyMissing = std::any_of(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
  model.categories.push_back({QStringLiteral("NA"), missingColour(), anyMissing});
  const std::vector<QColor> steps = sampleColourMap(options.colourMap, kColourSteps);
  for (const QColor& colour : steps) model.categories.push_back({QString(), colour, false});
  model.points.category.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      model.points.category[i] = 0;
      continue;
    }
    const double t = std::clamp((values[i] - low) / (high - low), 0.0, 1.0);
    model.points.category[i] = 1 + std::min(kColourSteps - 1, int(t * kColourSteps));
  }
  model.points.value = values;
  model.points.valueName = colourTitle;
  model.colourBar = {colourTitle, low, high, steps};
  model.legendPosition = LegendPosition::Right;
  return model;
}

PlotModel embeddingByColumn(const Embedding& embedding, const data::Column& column, const EmbeddingOptions& options) {
  const QString title = QString::fromStdString(column.name());
  const std::size_t n = column.size();
  switch (column.type()) {
    case data::ColumnType::Float: {
      std::vector<double> values(n);
      for (std::size_t i = 0; i < n; ++i) values[i] = column.number(i).value_or(std::nan(""));
      return embeddingByValue(embedding, values, title, options);
    }
    case data::ColumnType::Int: {
      std::set<std::int64_t> distinct;
      for (std::size_t i = 0; i < n && distinct.size() <= 60; ++i)
        if (!column.isMissing(i)) distinct.insert(column.ints()[i]);
      if (distinct.size() > 60) {
        std::vector<double> values(n);
        for (std::size_t i = 0; i < n; ++i) values[i] = column.number(i).value_or(std::nan(""));
        return embeddingByValue(embedding, values, title, options);
      }
      break;
    }
    default:
      break;
  }
  std::vector<std::string> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = column.isMissing(i) ? std::string() : column.text(i);
  std::vector<std::string> levels;
  if (column.type() == data::ColumnType::Categorical) levels = column.categorical().levels;
  return embeddingByCategory(embedding, labels, title, options, levels);
}

PlotModel embeddingPlain(const Embedding& embedding, const EmbeddingOptions& options) {
  PlotModel model = baseModel(embedding, options);
  model.categories = {{QStringLiteral("cells"), QColor(60, 60, 60), false}};
  model.points.category.assign(embedding.x.size(), 0);
  return model;
}

}  // namespace diffbio::plots
