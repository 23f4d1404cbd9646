#pragma once
// The training comparison of seed 000: the volcano before training (the exact DESeq2-style fit the training starts
// from) next to the volcano after training, each gene coloured by its call against the known labels (true
// positive, false positive, missed, true negative), and a table of precision, recall and F1 before, after, and for
// the exact pipeline's padj calls. Inputs are the two results tables the DE training demo has: the exact results
// (log2FoldChange, pvalue, padj) and the trained results (log2FoldChange, pvalue, and the label column).
#include <string>
#include <vector>

#include "core/data/table.h"
#include "plots/panel_figure.h"

namespace diffbio::plots {

struct CallScores {
  double precision = 0, recall = 0, f1 = 0;
  std::size_t calls = 0, truePositives = 0, falsePositives = 0, falseNegatives = 0;
};
// Precision = TP / calls (0 with no calls), recall = TP / labelled, F1 their harmonic mean (0 when both are 0).
CallScores scoreCalls(const std::vector<bool>& calls, const std::vector<bool>& truth);

struct TrainingComparison {
  std::vector<std::string> genes;
  std::vector<bool> truth;
  std::vector<double> lfcBefore, pBefore, padjBefore, lfcAfter, pAfter;
  double threshold = 0.05;
  CallScores before, after, exact;  // calls: p < threshold before / after; padj < threshold (exact pipeline)
  bool hasPadj = false;
};

// Pairs the genes of `after` (which must carry `labelColumn`) with the rows of `before` by name. Throws InputError
// naming `source` when a column is missing or a gene of `after` has no row in `before`.
TrainingComparison compareTraining(const data::Table& before, const data::Table& after, double threshold = 0.05,
                                   const std::string& labelColumn = "label", const std::string& source = {});

// Two volcano panels on a shared range with the metrics table under them.
PanelFigure trainingComparisonFigure(const TrainingComparison& comparison, const QString& title = {});

}  // namespace diffbio::plots
