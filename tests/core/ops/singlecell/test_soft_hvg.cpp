// Soft highly variable genes (sc.soft_hvg, SoftHvg): autograd of the weights and the weighted expression against
// central finite differences (threshold, log temperature, expression), and agreement with the hard selection as
// the temperature goes to 0, on real data: scanpy's seurat and cell_ranger flavours on pbmc68k_reduced (as
// tests/core/singlecell/test_hvg.cpp prepares it) and seurat_v3 on Seurat's pbmc_small counts (vst.variable).
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "core/ops/singlecell/differentiable_sc_modules.h"
#include "core/singlecell/hvg.h"
#include "core/singlecell/normalize.h"
#include "core/singlecell/qc.h"
#include "gradient_check.h"
#include "tests/core/singlecell/sc_test_data.h"

using namespace diffbio;
using namespace diffbio::ops;

namespace {

OperatorOutputs runNode(const std::string& id, const io::LoadedCounts& counts, ParameterValues given) {
  const auto& registry = Registry::global();
  OperatorInputs in;
  in.set("counts", Value::make(PortType::SingleCellCounts, counts));
  CancelToken cancel;
  RunContext context(cancel);
  return registry.create(id)->run(in, registry.spec(id).withDefaults(given), context);
}

io::LoadedCounts pbmc68kLogNormalised() {
  const io::LoadedCounts raw = test::pbmc68kRaw();
  const auto keep = sc::passingCells(sc::cellQc(raw.matrix), sc::CellFilter{1});
  io::LoadedCounts out;
  out.matrix = sc::logNormalize(raw.matrix.selectObs(keep), 1e4);
  return out;
}

std::vector<std::uint8_t> boolColumn(const data::Table& t, const std::string& name) { return t.column(name).bools(); }

}  // namespace

class TestSoftHvg : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gradientsMatchFiniteDifferences() {
    at::manual_seed(5);
    const at::Tensor scores = at::randn({12}, at::kDouble);
    const at::Tensor expression = at::rand({7, 12}, at::kDouble).requires_grad_(true);
    const at::Tensor target = at::rand({7, 12}, at::kDouble);
    SoftHvg soft(0.2, 0.7);
    auto loss = [&] { return (soft->forward(expression, scores) - target).pow(2).sum(); };
    const auto parameters = soft->named_parameters();
    for (const char* name : {"threshold", "log_temperature"}) {
      const test::GradientCheck check = test::gradientError(parameters[name], loss);
      qInfo("soft HVG d loss / d %s: relative error %.2e (largest gradient %.3g)", name, check.relativeError,
            check.largestGradient);
      QVERIFY(check.largestGradient > 1e-3);
      QVERIFY(check.relativeError < 1e-7);
    }
    const test::GradientCheck check = test::gradientError(expression, loss);
    QVERIFY(check.relativeError < 1e-7);
    // Weights are a sigmoid of (score - threshold) / T: exactly 1/2 at the threshold.
    torch::NoGradGuard noGrad;
    QVERIFY(std::abs(soft->weights(at::tensor({0.2}, at::kDouble))[0].item<double>() - 0.5) < 1e-15);
  }

  void thresholdSitsBetweenTheTopGenesAndTheRest() {
    QCOMPARE(thresholdForTopGenes({3, 1, 2, 5}, 2), 2.5);
    QCOMPARE(thresholdForTopGenes({3, 3, 1, 5}, 2), 2.0);   // the tie with the 2nd gene is kept
    QCOMPARE(thresholdForTopGenes({1, std::nan(""), -1}, 2), -0.5);  // NaN counts as 0
    QCOMPARE(thresholdForTopGenes({1, 2}, 2), 0.0);          // all genes: 1 below the smallest
  }

  void coldLimitIsTheHardSelection_data() {
    QTest::addColumn<QString>("flavor");
    QTest::addColumn<int>("nTop");
    QTest::newRow("seurat, pbmc68k") << "seurat" << 200;
    QTest::newRow("cell_ranger, pbmc68k") << "cell_ranger" << 100;
    QTest::newRow("seurat_v3, pbmc_small") << "seurat_v3" << 20;
  }

  void coldLimitIsTheHardSelection() {
    QFETCH(QString, flavor);
    QFETCH(int, nTop);
    io::LoadedCounts input;
    if (flavor == "seurat_v3") input.matrix = test::pbmcSmallCounts();
    else input = pbmc68kLogNormalised();
    const ParameterValues common{{"flavor", flavor.toStdString()}, {"n_top_genes", std::int64_t{nTop}}};
    const auto hard = runNode("sc.hvg", input, common).at("genes")->as<data::Table>();
    ParameterValues cold = common;
    cold.set("temperature", 1e-6);
    const auto out = runNode("sc.soft_hvg", input, cold);
    const auto& genes = out.at("genes")->as<data::Table>();
    const auto& weights = genes.column("weight").floats();
    const auto hardSet = boolColumn(hard, "highly_variable");
    int selected = 0, disagreements = 0;
    double closest = 1;  // how far the coldest weights are from 0 or 1
    for (std::size_t g = 0; g < weights.size(); ++g) {
      selected += hardSet[g];
      disagreements += (weights[g] > 0.5) != static_cast<bool>(hardSet[g]);
      closest = std::min(closest, std::abs(weights[g] - 0.5));
    }
    qInfo("%s: %d hard HVGs, %d disagreements at T = 1e-6; largest distance of a weight from 0 or 1: %.2g", qPrintable(flavor),
          selected, disagreements, 0.5 - closest);
    QCOMPARE(selected, nTop);
    QCOMPARE(disagreements, 0);
    QVERIFY(0.5 - closest <= 1e-6);  // at T = 1e-6 the weights are 0 or 1: the soft step is the hard one
    if (flavor == "seurat_v3") {
      // ... and that set is Seurat's vst.variable.
      const test::CsvTable ref = test::readCsv(test::pbmcSmall("meta_features.csv"));
      const auto flag = ref.column("vst.variable");
      for (std::size_t g = 0; g < weights.size(); ++g)
        QCOMPARE(weights[g] > 0.5, ref.cells[g][flag] == "TRUE");
    }
    // The weighted matrix: each gene's values times its weight.
    const auto& weighted = out.at("counts")->as<io::LoadedCounts>().matrix;
    for (std::int64_t c = 0; c < 5; ++c)
      for (std::int64_t g = 0; g < input.matrix.nGenes(); g += 7)
        QVERIFY(std::abs(weighted.at(c, g) - input.matrix.at(c, g) * weights[g]) <=
                1e-6 * std::max(1.0, input.matrix.at(c, g)));
    // Warmer: weights between 0 and 1, monotone in the score.
    ParameterValues warm = common;
    warm.set("temperature", 1.0);
    const OperatorOutputs warmOut = runNode("sc.soft_hvg", input, warm);
    const auto& warmGenes = warmOut.at("genes")->as<data::Table>();
    const auto& score = warmGenes.column("score").floats();
    const auto& warmWeights = warmGenes.column("weight").floats();
    int fractional = 0;
    for (std::size_t g = 0; g < score.size(); ++g) {
      fractional += warmWeights[g] > 0.01 && warmWeights[g] < 0.99;
      for (std::size_t h = 0; h < score.size(); h += 13)
        if (score[g] > score[h]) QVERIFY(warmWeights[g] >= warmWeights[h]);
    }
    QVERIFY(fractional > 0);
  }
};

QTEST_GUILESS_MAIN(TestSoftHvg)
#include "test_soft_hvg.moc"
