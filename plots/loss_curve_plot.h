#pragma once
// Training curves (loss, its components, metrics, parameter traces) as a PlotModel: one polyline per series over
// the steps, an optional logarithmic loss axis and an optional exponential moving average, drawn by the one plot
// painter (plot_painter.h) like every other figure, so the panel and an exported PNG/SVG agree.
#include <QColor>
#include <QString>
#include <vector>

#include "plots/plot_model.h"

namespace diffbio::plots {

struct LossSeries {
  QString name;                     // legend entry: "loss", "labels", "validation"
  std::vector<double> steps;        // x: 1-based step numbers
  std::vector<double> values;       // y; non-finite values are skipped
  QColor colour;                    // invalid = the next colour of the palette
};

struct LossCurveOptions {
  QString title;
  QString yLabel = QStringLiteral("loss");
  // log10 of the values on the y axis (the axis label says so); values <= 0 cannot be shown and are skipped.
  bool logY = false;
  // Exponential moving average weight of the past, 0 (off) .. 0.999: s_t = w s_(t-1) + (1 - w) x_t, divided by
  // (1 - w^t) so the start is not pulled towards 0 (TensorBoard's smoothing).
  double smoothing = 0;
  // With smoothing: also draw the raw values, faintly, behind the smoothed line.
  bool showRaw = true;
};

// The smoothed values (same length; non-finite inputs keep the previous smoothed value, NaN before any finite one).
std::vector<double> exponentialMovingAverage(const std::vector<double>& values, double smoothing);

// One legend entry per series; an empty `series` (or series without points) gives an empty plot with its axes.
PlotModel lossCurvePlot(const std::vector<LossSeries>& series, const LossCurveOptions& options = {});

// The palette the series take their colours from, in order (Okabe-Ito, readable by colour-blind people).
QColor lossSeriesColour(std::size_t index);

}  // namespace diffbio::plots
