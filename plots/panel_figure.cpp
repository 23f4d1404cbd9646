#include "plots/panel_figure.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QSaveFile>
#include <algorithm>

#include "core/util/error.h"
#include "plots/plot_painter.h"

namespace diffbio::plots {

namespace {

// Height the table needs: a header row, its rows, and padding.
double tableHeight(const TextTable& table, const PlotStyle& style) {
  if (table.empty()) return 0;
  const QFontMetricsF metrics(style.font(style.fontSize));
  return (double(table.rows.size()) + 1) * (metrics.height() + 3) + 2 * style.padding;
}

void paintTable(QPainter& painter, const TextTable& table, const QRectF& box, const PlotStyle& style) {
  const QFont font = style.font(style.fontSize), bold = style.font(style.fontSize, true);
  const QFontMetricsF metrics(font), boldMetrics(bold);
  const int columns = table.header.size();
  std::vector<double> widths(std::size_t(columns), 0);
  auto measure = [&](const QStringList& row, const QFontMetricsF& m) {
    for (int c = 0; c < std::min(columns, int(row.size())); ++c)
      widths[std::size_t(c)] = std::max(widths[std::size_t(c)], m.horizontalAdvance(row[c]));
  };
  measure(table.header, boldMetrics);
  for (const auto& row : table.rows) measure(row, metrics);
  const double gap = 14;
  double total = gap * (columns - 1);
  for (double w : widths) total += w;
  const double left = box.center().x() - total / 2, row = metrics.height() + 3;
  double y = box.top() + style.padding;
  painter.setPen(QColor(40, 40, 40));
  auto drawRow = [&](const QStringList& cells, const QFont& f) {
    painter.setFont(f);
    double x = left;
    for (int c = 0; c < columns; ++c) {
      const QString text = c < cells.size() ? cells[c] : QString();
      painter.drawText(QRectF(x, y, widths[std::size_t(c)], row),
                       (c == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, text);
      x += widths[std::size_t(c)] + gap;
    }
    y += row;
  };
  drawRow(table.header, bold);
  painter.setPen(QPen(QColor(120, 120, 120), 0.5));
  painter.drawLine(QPointF(left, y), QPointF(left + total, y));
  painter.setPen(QColor(40, 40, 40));
  for (const auto& cells : table.rows) drawRow(cells, font);
}

QString csvField(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))) return text;
  QString quoted = text;
  quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

std::vector<QRectF> paintPanelFigure(QPainter& painter, const PanelFigure& figure, const QRectF& target,
                                     const PlotStyle& style) {
  painter.fillRect(target, Qt::white);
  double top = target.top();
  if (!figure.title.isEmpty()) {
    const QFontMetricsF metrics(style.font(style.titleSize + 1, true));
    painter.setFont(style.font(style.titleSize + 1, true));
    painter.setPen(QColor(40, 40, 40));
    painter.drawText(QRectF(target.left(), top + style.padding, target.width(), metrics.height()), Qt::AlignCenter,
                     figure.title);
    top += style.padding + metrics.height();
  }
  const double bottom = target.bottom() - tableHeight(figure.table, style);
  std::vector<QRectF> boxes;
  const std::size_t n = figure.panels.size();
  for (std::size_t k = 0; k < n; ++k) {
    const double width = target.width() / double(n);
    const QRectF box(target.left() + width * double(k), top, width, std::max(40.0, bottom - top));
    paintPlot(painter, figure.panels[k], box);
    boxes.push_back(box);
  }
  if (!figure.table.empty())
    paintTable(painter, figure.table, QRectF(target.left(), bottom, target.width(), target.bottom() - bottom), style);
  return boxes;
}

void exportPanelFigure(const PanelFigure& figure, const std::string& path, const FigureSize& size) {
  const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
  if (suffix != QLatin1String("csv")) {
    exportPainted([&figure](QPainter& painter, const QRectF& target) { paintPanelFigure(painter, figure, target); },
                  figure.title, path, size);
    return;
  }
  QSaveFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly))
    throw InputError({path}, "cannot write the table: " + file.errorString().toStdString(), "check the folder");
  auto line = [](const QStringList& fields) {
    QStringList quoted;
    for (const auto& field : fields) quoted << csvField(field);
    return quoted.join(QLatin1Char(',')).toUtf8() + "\n";
  };
  QByteArray out = line(figure.table.header);
  for (const auto& row : figure.table.rows) out += line(row);
  file.write(out);
  if (!file.commit()) throw InputError({path}, "writing the table failed", "check the free space");
}

}  // namespace diffbio::plots
