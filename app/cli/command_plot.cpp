// `diffbio plot volcano|ma|qq|phist RESULTS.tsv --out FILE`: publication figures from a DE results table, headless.
#include <QGuiApplication>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <iostream>
#include <memory>
#include <regex>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/io/sample_sheet.h"
#include "plots/de_plots.h"
#include "plots/figure_export.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio plot volcano|ma|qq|phist RESULTS.tsv --out FILE.{png,svg,pdf,csv} [options]\n\n"
    "Draws a figure from a DE results table (as `diffbio de` writes: baseMean, log2FoldChange, pvalue, padj).\n"
    "  volcano  log2 fold change vs -log10 p, up / down / not significant, top genes labelled\n"
    "  ma       log10 mean of normalised counts vs log2 fold change\n"
    "  qq       observed vs expected -log10 p with a 95 % band and the genomic inflation factor\n"
    "  phist    histogram of p-values\n\n"
    "  --out FILE        .png, .svg or .pdf (vector, every point kept), or .csv for the plotted data\n"
    "  --size WxHmm      physical size (default 120x90mm; \"in\" for inches)\n"
    "  --dpi N           PNG resolution (default 300)\n"
    "  --label-top N     label the N most significant genes (default 10; volcano and MA)\n"
    "  --alpha A         significance: padj < A (default 0.05)\n"
    "  --lfc T           volcano: |log2 fold change| >= T to count as up or down (default 1)\n"
    "  --y pvalue|padj   volcano y axis (default pvalue)\n"
    "  --title TEXT      figure title\n";

double positiveNumber(const Arguments& parsed, const std::string& name, double fallback) {
  const auto text = parsed.value(name);
  if (!text) return fallback;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (end == text->c_str() || *end != '\0' || !(value >= 0) || !std::isfinite(value))
    throw UsageError("--" + name + " needs a non-negative number, not '" + *text + "'");
  return value;
}

plots::FigureSize parseSize(const Arguments& parsed) {
  plots::FigureSize size;
  size.dpi = positiveNumber(parsed, "dpi", 300);
  if (size.dpi < 10 || size.dpi > 2400) throw UsageError("--dpi must lie between 10 and 2400");
  const auto text = parsed.value("size");
  if (!text) return size;
  static const std::regex pattern(R"(^\s*([0-9.]+)\s*[xX]\s*([0-9.]+)\s*(mm|cm|in)?\s*$)");
  std::smatch match;
  if (!std::regex_match(*text, match, pattern)) throw UsageError("--size looks like 120x90mm, not '" + *text + "'");
  const double unit = match[3] == "in" ? 25.4 : match[3] == "cm" ? 10 : 1;
  size.widthMm = std::stod(match[1]) * unit;
  size.heightMm = std::stod(match[2]) * unit;
  if (size.widthMm < 20 || size.heightMm < 15 || size.widthMm > 2000 || size.heightMm > 2000)
    throw UsageError("--size must be between 20x15mm and 2000x2000mm");
  if (size.widthMm / 25.4 * size.dpi * size.heightMm / 25.4 * size.dpi > 4e8)
    throw UsageError("--size at this --dpi makes an image over 400 megapixels");
  return size;
}

}  // namespace

int runPlot(const std::vector<std::string>& args) {
  const Arguments parsed(args, {"out", "size", "dpi", "label-top", "alpha", "lfc", "y", "title"}, {"help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (parsed.positional().size() != 2) throw UsageError("give a plot kind and a results table");
  const std::string kind = parsed.positional()[0];
  const std::string input = parsed.positional()[1];
  if (kind != "volcano" && kind != "ma" && kind != "qq" && kind != "phist")
    throw UsageError("unknown plot '" + kind + "' (volcano, ma, qq or phist)");
  const auto out = parsed.value("out");
  if (!out) throw UsageError("--out FILE is required");

  plots::DePlotOptions options;
  options.alpha = positiveNumber(parsed, "alpha", 0.05);
  options.lfcThreshold = positiveNumber(parsed, "lfc", 1.0);
  options.labelTop = std::size_t(positiveNumber(parsed, "label-top", 10));
  options.title = QString::fromStdString(parsed.value("title", ""));
  const std::string y = parsed.value("y", "pvalue");
  if (y != "pvalue" && y != "padj") throw UsageError("--y is pvalue or padj");
  options.volcanoUsesPadj = y == "padj";
  const plots::FigureSize size = parseSize(parsed);

  // Painting text needs a QGuiApplication (fonts); offscreen, so the CLI runs on servers without a display.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Without a desktop session Qt warns that XDG_RUNTIME_DIR is unset; give it a private folder of our own instead.
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    const QByteArray runtime = QByteArray("/tmp/diffbio-runtime-") + QByteArray::number(::getuid());
    if (::mkdir(runtime.constData(), 0700) == 0 || errno == EEXIST) qputenv("XDG_RUNTIME_DIR", runtime);
  }
  static int argc = 1;
  static char name[] = "diffbio";
  static char* argv[] = {name, nullptr};
  QGuiApplication app(argc, argv);

  const plots::DeResults results = plots::deResultsFromTable(io::readSampleSheet(input), input);
  plots::PlotModel model;
  if (kind == "volcano") model = plots::volcanoPlot(results, options);
  else if (kind == "ma") model = plots::maPlot(results, options);
  else if (kind == "qq") model = plots::qqPlot(results.pvalue, options);
  else model = plots::pvalueHistogram(results, options);
  plots::exportFigure(model, *out, size);
  std::cout << "wrote " << *out << " (" << kind << ", " << results.size() << " genes";
  if (!model.note.isEmpty()) std::cout << "; " << model.note.toStdString();
  std::cout << ")\n";
  return 0;
}

}  // namespace diffbio::cli
