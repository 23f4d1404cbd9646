#pragma once
// Figures as files: PNG at a physical size and DPI, SVG and PDF with vector text, axes and every point, and the
// plotted data as CSV. All are written atomically (QSaveFile: a temporary file beside the target, renamed into
// place only when complete), so a failed export never leaves a truncated figure.
#include <QImage>
#include <functional>
#include <string>

#include "plots/plot_painter.h"

namespace diffbio::plots {

struct FigureSize {
  double widthMm = 120, heightMm = 90;
  double dpi = 300;  // PNG only; SVG and PDF are resolution-free
  double widthPoints() const { return widthMm / 25.4 * 72; }
  double heightPoints() const { return heightMm / 25.4 * 72; }
};

// Renders to an image of widthMm x heightMm at dpi (the DPI is recorded in the image, and so in the PNG).
QImage renderImage(const PlotModel& model, const FigureSize& size, const PaintOptions& options = {});

// Picks the format from the suffix: .png, .svg, .pdf or .csv (the plotted data). Throws InputError naming the path
// for an unknown suffix or when the file cannot be written.
void exportFigure(const PlotModel& model, const std::string& path, const FigureSize& size = {},
                  const PaintOptions& options = {});

// Any figure drawn by `paint` (in layout units: points, inside the given rectangle) as .png, .svg or .pdf, with the
// same sizes, resolution and atomic writing as a single plot (composite figures use it). Throws InputError.
using FigurePainter = std::function<void(QPainter& painter, const QRectF& target)>;
void exportPainted(const FigurePainter& paint, const QString& title, const std::string& path, const FigureSize& size);
QImage renderPainted(const FigurePainter& paint, const FigureSize& size);

void exportPng(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options);
void exportSvg(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options);
void exportPdf(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options);
// One row per point: name, x, y, category (columns headed by the axis titles), numbers in shortest exact form.
void exportCsv(const PlotModel& model, const std::string& path);

}  // namespace diffbio::plots
