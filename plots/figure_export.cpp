#include "plots/figure_export.h"

#include <QFileInfo>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <cmath>

#include "core/data/table.h"
#include "core/util/error.h"

namespace diffbio::plots {

namespace {

void open(QSaveFile& file, const std::string& path) {
  if (!file.open(QIODevice::WriteOnly))
    throw InputError({path}, "cannot write the figure: " + file.errorString().toStdString(),
                     "check that the folder exists and is writable");
}

void commit(QSaveFile& file, const std::string& path) {
  if (!file.commit())
    throw InputError({path}, "writing the figure failed: " + file.errorString().toStdString(),
                     "check the free space and permissions of the folder");
}

void paintOrThrow(QPaintDevice& device, double scale, const FigurePainter& paint, const FigureSize& size,
                  const std::string& path) {
  QPainter painter;
  if (!painter.begin(&device)) throw InputError({path}, "cannot start painting the figure");
  painter.scale(scale, scale);  // layout units are points
  paint(painter, QRectF(0, 0, size.widthPoints(), size.heightPoints()));
  painter.end();
}

FigurePainter modelPainter(const PlotModel& model, const PaintOptions& options) {
  return [&model, &options](QPainter& painter, const QRectF& target) { paintPlot(painter, model, target, options); };
}

void writeSvg(const FigurePainter& paint, const QString& title, const std::string& path, const FigureSize& size) {
  QSaveFile file(QString::fromStdString(path));
  open(file, path);
  QSvgGenerator svg;
  svg.setOutputDevice(&file);
  // At 72 dpi one SVG user unit is one point, so the file's width/height come out as the requested millimetres.
  svg.setResolution(72);
  svg.setSize(QSize(int(std::ceil(size.widthPoints())), int(std::ceil(size.heightPoints()))));
  svg.setViewBox(QRectF(0, 0, size.widthPoints(), size.heightPoints()));
  svg.setTitle(title);
  svg.setDescription(QStringLiteral("DiffBio Studio"));
  paintOrThrow(svg, 1.0, paint, size, path);
  commit(file, path);
}

void writePdf(const FigurePainter& paint, const QString& title, const std::string& path, const FigureSize& size) {
  QSaveFile file(QString::fromStdString(path));
  open(file, path);
  {
    QPdfWriter pdf(&file);
    pdf.setPageSize(QPageSize(QSizeF(size.widthMm, size.heightMm), QPageSize::Millimeter));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    // 720 device units per inch: coordinates keep a tenth of a point of precision in the page description.
    constexpr int kResolution = 720;
    pdf.setResolution(kResolution);
    pdf.setTitle(title);
    pdf.setCreator(QStringLiteral("DiffBio Studio"));
    paintOrThrow(pdf, kResolution / 72.0, paint, size, path);
  }  // the writer finishes the PDF when it goes out of scope
  commit(file, path);
}

void writePng(const QImage& image, const std::string& path) {
  QSaveFile file(QString::fromStdString(path));
  open(file, path);
  if (!image.save(&file, "PNG")) throw InputError({path}, "encoding the PNG failed");
  commit(file, path);
}

QString csvField(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
    return text;
  QString quoted = text;
  quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray number(double v) {
  return std::isfinite(v) ? QByteArray::fromStdString(data::formatNumber(v)) : QByteArray("NA");
}

}  // namespace

QImage renderImage(const PlotModel& model, const FigureSize& size, const PaintOptions& options) {
  return renderPainted(modelPainter(model, options), size);
}

QImage renderPainted(const FigurePainter& paint, const FigureSize& size) {
  const int width = int(std::lround(size.widthMm / 25.4 * size.dpi));
  const int height = int(std::lround(size.heightMm / 25.4 * size.dpi));
  QImage image(width, height, QImage::Format_RGB32);
  image.fill(Qt::white);
  const int dotsPerMetre = int(std::lround(size.dpi / 0.0254));
  image.setDotsPerMeterX(dotsPerMetre);
  image.setDotsPerMeterY(dotsPerMetre);
  QPainter painter(&image);
  painter.scale(size.dpi / 72, size.dpi / 72);
  paint(painter, QRectF(0, 0, size.widthPoints(), size.heightPoints()));
  return image;
}

void exportPainted(const FigurePainter& paint, const QString& title, const std::string& path, const FigureSize& size) {
  const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
  if (suffix == QLatin1String("png")) return writePng(renderPainted(paint, size), path);
  if (suffix == QLatin1String("svg")) return writeSvg(paint, title, path, size);
  if (suffix == QLatin1String("pdf")) return writePdf(paint, title, path, size);
  throw InputError({path}, "unknown figure format '." + suffix.toStdString() + "'", "name the output .png, .svg or .pdf");
}

void exportPng(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options) {
  writePng(renderImage(model, size, options), path);
}

void exportSvg(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options) {
  writeSvg(modelPainter(model, options), model.title, path, size);
}

void exportPdf(const PlotModel& model, const std::string& path, const FigureSize& size, const PaintOptions& options) {
  writePdf(modelPainter(model, options), model.title, path, size);
}

void exportCsv(const PlotModel& model, const std::string& path) {
  QSaveFile file(QString::fromStdString(path));
  open(file, path);
  if (!model.table.empty()) {
    // The plot's own summary (box statistics, a dot plot's cells): the numbers the shapes were drawn from.
    auto line = [](const QStringList& fields) {
      QStringList quoted;
      for (const auto& field : fields) quoted << csvField(field);
      return quoted.join(QLatin1Char(',')).toUtf8() + "\n";
    };
    QByteArray out = line(model.table.header);
    for (const auto& row : model.table.rows) out += line(row);
    file.write(out);
    return commit(file, path);
  }
  const auto& p = model.points;
  QByteArray out = "name," + csvField(model.xLabel.isEmpty() ? QStringLiteral("x") : model.xLabel).toUtf8() + "," +
                   csvField(model.yLabel.isEmpty() ? QStringLiteral("y") : model.yLabel).toUtf8() + ",category";
  // The value behind a continuous colour (expression, a QC metric) is part of the plotted data.
  const bool values = p.value.size() == p.count() && p.count() > 0;
  if (values) out += "," + csvField(p.valueName.isEmpty() ? QStringLiteral("value") : p.valueName).toUtf8();
  out += "\n";
  for (std::size_t i = 0; i < p.count(); ++i) {
    const int c = p.category.empty() ? 0 : p.category[i];
    const QString category = c >= 0 && c < int(model.categories.size()) ? model.categories[c].name : QString();
    out += csvField(p.names.empty() ? QString::number(i + 1) : p.names[i]).toUtf8() + "," + number(p.x[i]) + "," +
           number(p.y[i]) + "," + csvField(category).toUtf8();
    if (values) out += "," + number(p.value[i]);
    out += "\n";
  }
  // A histogram has no points: its bins are the data.
  for (std::size_t b = 0; b < model.bars.heights.size(); ++b)
    out += "bin" + QByteArray::number(qulonglong(b + 1)) + "," + number(model.bars.edges[b]) + "," +
           number(model.bars.heights[b]) + ",bin\n";
  file.write(out);
  commit(file, path);
}

void exportFigure(const PlotModel& model, const std::string& path, const FigureSize& size,
                  const PaintOptions& options) {
  const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
  if (suffix == QLatin1String("png")) return exportPng(model, path, size, options);
  if (suffix == QLatin1String("svg")) return exportSvg(model, path, size, options);
  if (suffix == QLatin1String("pdf")) return exportPdf(model, path, size, options);
  if (suffix == QLatin1String("csv")) return exportCsv(model, path);
  throw InputError({path}, "unknown figure format '." + suffix.toStdString() + "'",
                   "name the output .png, .svg, .pdf or .csv");
}

}  // namespace diffbio::plots
