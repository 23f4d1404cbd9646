#include "plots/loss_curve_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace diffbio::plots {

QColor lossSeriesColour(std::size_t index) {
  static const QColor palette[] = {QColor(0, 114, 178),  QColor(213, 94, 0),   QColor(0, 158, 115),
                                   QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                                   QColor(240, 228, 66),  QColor(0, 0, 0)};
  return palette[index % (sizeof palette / sizeof palette[0])];
}

std::vector<double> exponentialMovingAverage(const std::vector<double>& values, double smoothing) {
  const double w = std::clamp(smoothing, 0.0, 0.999);
  std::vector<double> out(values.size(), std::numeric_limits<double>::quiet_NaN());
  double average = 0, weight = 1;  // weight = w^t for the debiasing
  bool any = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) {
      average = w * average + (1 - w) * values[i];
      weight *= w;
      any = true;
    }
    if (any) out[i] = weight < 1 ? average / (1 - weight) : average;
  }
  return out;
}

namespace {

// The points of one line, with the log transform applied and unshowable values left out.
Curve curveOf(const std::vector<double>& steps, const std::vector<double>& values, bool logY, QColor colour) {
  Curve curve;
  curve.colour = colour;
  const std::size_t n = std::min(steps.size(), values.size());
  curve.points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    double y = values[i];
    if (!std::isfinite(y) || !std::isfinite(steps[i])) continue;
    if (logY) {
      if (y <= 0) continue;
      y = std::log10(y);
    }
    curve.points.emplace_back(steps[i], y);
  }
  return curve;
}

}  // namespace

PlotModel lossCurvePlot(const std::vector<LossSeries>& series, const LossCurveOptions& options) {
  PlotModel model;
  model.title = options.title;
  model.xLabel = QStringLiteral("step");
  model.yLabel = options.logY ? QStringLiteral("log10(%1)").arg(options.yLabel) : options.yLabel;
  model.legendCounts = false;
  const bool smooth = options.smoothing > 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const LossSeries& one = series[s];
    const QColor colour = one.colour.isValid() ? one.colour : lossSeriesColour(s);
    model.categories.push_back({one.name, colour, true});
    if (!smooth) {
      model.curves.push_back(curveOf(one.steps, one.values, options.logY, colour));
      continue;
    }
    if (options.showRaw) {
      QColor faint = colour;
      faint.setAlpha(70);
      model.curves.push_back(curveOf(one.steps, one.values, options.logY, faint));
    }
    model.curves.push_back(curveOf(one.steps, exponentialMovingAverage(one.values, options.smoothing), options.logY,
                                   colour));
  }
  bool anyPoint = false;
  for (const auto& curve : model.curves) anyPoint = anyPoint || !curve.points.empty();
  if (anyPoint) {
    fitRange(model);
    model.autoRange = false;
    if (model.xMax - model.xMin < 1e-12) {  // a single step: give the axis some width
      model.xMin -= 1;
      model.xMax += 1;
    }
    if (model.yMax - model.yMin < 1e-12) {
      const double pad = std::max(1e-6, std::fabs(model.yMax) * 0.05);
      model.yMin -= pad;
      model.yMax += pad;
    }
  } else {
    model.autoRange = false;
    model.xMin = 0;
    model.xMax = 1;
    model.yMin = 0;
    model.yMax = 1;
  }
  return model;
}

}  // namespace diffbio::plots
