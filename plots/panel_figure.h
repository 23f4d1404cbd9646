#pragma once
// A figure of several plots side by side with a small table under them (the training comparison: the volcano
// before and after training, and precision / recall / F1). Each panel is an ordinary PlotModel painted by the one
// painter; the composite goes through the same export path (PNG, SVG, PDF) as a single plot.
#include <QStringList>
#include <string>
#include <vector>

#include "plots/figure_export.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Text in rows and columns: the first column left-aligned (row names), the rest right-aligned (numbers).
struct TextTable {
  QStringList header;
  std::vector<QStringList> rows;
  bool empty() const { return rows.empty(); }
};

struct PanelFigure {
  QString title;
  std::vector<PlotModel> panels;  // left to right, equal widths
  TextTable table;                // under the panels; empty = none
};

// Paints the figure into `target` (layout units: points). Returns the rectangles the panels got.
std::vector<QRectF> paintPanelFigure(QPainter& painter, const PanelFigure& figure, const QRectF& target,
                                     const PlotStyle& style = {});

// .png, .svg or .pdf as exportFigure; .csv writes the table. Throws InputError.
void exportPanelFigure(const PanelFigure& figure, const std::string& path, const FigureSize& size = {});

}  // namespace diffbio::plots
