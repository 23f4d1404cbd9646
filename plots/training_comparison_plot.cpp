#include "plots/training_comparison_plot.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/util/error.h"

namespace diffbio::plots {

namespace {

// -log10 p with p = 0 (underflow) drawn at 1e-300, as plotting tools cap it.
double minusLog10(double p) { return std::isfinite(p) ? -std::log10(std::max(p, 1e-300)) : std::nan(""); }

std::vector<double> numbers(const data::Table& table, const std::string& name, const std::string& source,
                            const std::string& what) {
  const data::Column* column = table.find(name);
  if (!column) throw InputError({source}, "the " + what + " table has no column '" + name + "'",
                                "give the results tables of the DE training demo");
  std::vector<double> values(column->size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = column->number(i).value_or(std::nan(""));
  return values;
}

enum Outcome { kTrueNegative = 0, kMissed = 1, kFalsePositive = 2, kTruePositive = 3 };

PlotModel volcanoPanel(const TrainingComparison& c, bool after, const DataRange& range) {
  const auto& lfc = after ? c.lfcAfter : c.lfcBefore;
  const auto& p = after ? c.pAfter : c.pBefore;
  PlotModel model;
  model.title = after ? QStringLiteral("After training") : QStringLiteral("Before training (exact fit)");
  model.xLabel = QStringLiteral("log2 fold change");
  model.yLabel = QStringLiteral("-log10 p");
  // "not DE" (grey, the bulk) stays out of the legend: four entries do not fit above a half-width panel.
  model.categories = {{QStringLiteral("not DE"), QColor(190, 190, 190), false},
                      {QStringLiteral("missed"), QColor(230, 159, 0)},
                      {QStringLiteral("false +"), QColor(213, 94, 0)},
                      {QStringLiteral("true +"), QColor(0, 114, 178)}};
  for (std::size_t g = 0; g < c.genes.size(); ++g) {
    const bool called = p[g] < c.threshold, truth = c.truth[g];
    model.points.x.push_back(lfc[g]);
    model.points.y.push_back(minusLog10(p[g]));
    model.points.category.push_back(called ? (truth ? kTruePositive : kFalsePositive)
                                           : (truth ? kMissed : kTrueNegative));
    model.points.names.push_back(QString::fromStdString(c.genes[g]));
  }
  model.lines.push_back({ReferenceLine::Orientation::Horizontal, -std::log10(c.threshold)});
  model.pointSize = 2.2f;
  model.autoRange = false;
  model.xMin = range.xMin, model.xMax = range.xMax, model.yMin = range.yMin, model.yMax = range.yMax;
  return model;
}

QString number(double v) { return QString::number(v, 'f', 3); }

}  // namespace

CallScores scoreCalls(const std::vector<bool>& calls, const std::vector<bool>& truth) {
  CallScores s;
  std::size_t labelled = 0;
  for (std::size_t g = 0; g < calls.size(); ++g) {
    labelled += truth[g];
    if (calls[g]) ++s.calls, truth[g] ? ++s.truePositives : ++s.falsePositives;
    else if (truth[g]) ++s.falseNegatives;
  }
  s.precision = s.calls ? double(s.truePositives) / double(s.calls) : 0;
  s.recall = labelled ? double(s.truePositives) / double(labelled) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

TrainingComparison compareTraining(const data::Table& before, const data::Table& after, double threshold,
                                   const std::string& labelColumn, const std::string& source) {
  TrainingComparison c;
  c.threshold = threshold;
  const auto label = numbers(after, labelColumn, source, "trained results");
  c.lfcAfter = numbers(after, "log2FoldChange", source, "trained results");
  c.pAfter = numbers(after, "pvalue", source, "trained results");
  const auto lfc = numbers(before, "log2FoldChange", source, "exact results");
  const auto p = numbers(before, "pvalue", source, "exact results");
  c.hasPadj = before.find("padj") != nullptr;
  const auto padj = c.hasPadj ? numbers(before, "padj", source, "exact results") : std::vector<double>(p.size());
  std::unordered_map<std::string, std::size_t> rowOf;
  for (std::size_t r = 0; r < before.nRows(); ++r) rowOf.emplace(before.rowNames()[r], r);
  c.genes = after.rowNames();
  std::vector<bool> callsBefore, callsAfter, callsExact;
  for (std::size_t g = 0; g < c.genes.size(); ++g) {
    const auto found = rowOf.find(c.genes[g]);
    if (found == rowOf.end())
      throw InputError({source}, "gene '" + c.genes[g] + "' of the trained results is not in the exact results",
                       "give the two results tables of one training run");
    c.truth.push_back(label[g] == 1);
    c.lfcBefore.push_back(lfc[found->second]);
    c.pBefore.push_back(p[found->second]);
    c.padjBefore.push_back(padj[found->second]);
    callsBefore.push_back(c.pBefore.back() < threshold);
    callsAfter.push_back(c.pAfter[g] < threshold);
    callsExact.push_back(c.hasPadj && c.padjBefore.back() < threshold);
  }
  c.before = scoreCalls(callsBefore, c.truth);
  c.after = scoreCalls(callsAfter, c.truth);
  c.exact = scoreCalls(callsExact, c.truth);
  return c;
}

PanelFigure trainingComparisonFigure(const TrainingComparison& c, const QString& title) {
  // One range for both panels, so a gene's move is read off the axes.
  PlotModel both;
  for (std::size_t g = 0; g < c.genes.size(); ++g) {
    both.points.x.insert(both.points.x.end(), {c.lfcBefore[g], c.lfcAfter[g]});
    both.points.y.insert(both.points.y.end(), {minusLog10(c.pBefore[g]), minusLog10(c.pAfter[g])});
  }
  DataRange range = fittedRange(both);
  range.yMin = 0;
  PanelFigure figure;
  figure.title = title.isEmpty() ? QStringLiteral("DE calls before and after training (p < %1)").arg(c.threshold)
                                 : title;
  figure.panels = {volcanoPanel(c, false, range), volcanoPanel(c, true, range)};
  figure.table.header = {QString(), QStringLiteral("precision"), QStringLiteral("recall"), QStringLiteral("F1"),
                         QStringLiteral("calls"), QStringLiteral("true +"), QStringLiteral("false +")};
  auto row = [](const QString& name, const CallScores& s) {
    return QStringList{name, number(s.precision), number(s.recall), number(s.f1), QString::number(s.calls),
                       QString::number(s.truePositives), QString::number(s.falsePositives)};
  };
  figure.table.rows.push_back(row(QStringLiteral("before training (p < %1)").arg(c.threshold), c.before));
  figure.table.rows.push_back(row(QStringLiteral("after training (p < %1)").arg(c.threshold), c.after));
  if (c.hasPadj)
    figure.table.rows.push_back(row(QStringLiteral("exact pipeline (padj < %1)").arg(c.threshold), c.exact));
  return figure;
}

}  // namespace diffbio::plots
