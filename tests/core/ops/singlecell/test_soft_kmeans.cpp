// Soft k-means (sc.soft_kmeans, SoftKMeans): autograd against central finite differences; the training node on
// scanpy's pbmc68k_reduced PCA (plain_export/X_pca.csv, 700 cells, first 10 PCs) against the stored bulk_labels
// (10 cell types): over seeds 0-5 its mean ARI must reach that of Lloyd's k-means from the same k-means++ starts
// (the hard algorithm it relaxes) and every seed that of scanpy's stored louvain clusters; the loss must fall, and
// the same seed must give bitwise the same result. On well separated synthetic blobs it must
// recover the groups exactly.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <random>

#include "core/ops/registry.h"
#include "core/ops/singlecell/differentiable_sc_modules.h"
#include "core/singlecell/cell_values.h"
#include "core/singlecell/metrics.h"
#include "gradient_check.h"
#include "tests/core/singlecell/sc_test_data.h"

using namespace diffbio;
using namespace diffbio::ops;

namespace {

struct Labelled {
  sc::CellEmbedding embedding;
  std::vector<std::int32_t> truth;
};

Labelled pbmc68kPca(int dims) {
  const test::CsvTable pca = test::readCsv(test::pbmc68k("plain_export/X_pca.csv"));
  const test::CsvTable obs = test::readCsv(test::pbmc68k("plain_export/obs.csv"));
  Labelled l;
  l.embedding.name = "X_pca";
  l.embedding.cells = pca.rowNames;
  l.embedding.values.resize(static_cast<Eigen::Index>(pca.rowNames.size()), dims);
  for (std::size_t i = 0; i < pca.rowNames.size(); ++i)
    for (int d = 0; d < dims; ++d) l.embedding.values(static_cast<Eigen::Index>(i), d) = std::stod(pca.cells[i][d]);
  if (obs.rowNames != pca.rowNames) throw std::runtime_error("obs and X_pca list different cells");
  const auto column = obs.column("bulk_labels");
  std::vector<std::string> text;
  for (const auto& row : obs.cells) text.push_back(row[column]);
  l.truth = data::makeCategorical(text).codes;
  return l;
}

OperatorOutputs runSoftKMeans(const sc::CellEmbedding& embedding, ParameterValues given) {
  const auto& registry = Registry::global();
  OperatorInputs in;
  in.set("embedding", Value::make(PortType::Embedding, embedding));
  CancelToken cancel;
  RunContext context(cancel);
  return registry.create("sc.soft_kmeans")->run(in, registry.spec("sc.soft_kmeans").withDefaults(given), context);
}

at::Tensor tensorOf(const Eigen::MatrixXd& m) {
  at::Tensor t = at::empty({m.rows(), m.cols()}, at::kDouble);
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) t[i][j] = m(i, j);
  return t;
}

double metric(const OperatorOutputs& out, const std::string& row, const std::string& column) {
  const auto& t = out.at("metrics")->as<data::Table>();
  for (std::size_t r = 0; r < t.nRows(); ++r)
    if (t.rowNames()[r] == row) return t.column(column).floats()[r];
  throw std::runtime_error("no metric " + row);
}

}  // namespace

class TestSoftKMeans : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gradientsMatchFiniteDifferences() {
    at::manual_seed(11);
    const at::Tensor x = at::randn({20, 3}, at::kDouble);
    SoftKMeans model(at::randn({4, 3}, at::kDouble), 0.8, /*learnTemperature=*/true);
    auto loss = [&] { return model->loss(x); };
    const auto parameters = model->named_parameters();
    for (const char* name : {"centroids", "log_temperature"}) {
      const test::GradientCheck check = test::gradientError(parameters[name], loss);
      qInfo("soft k-means d loss / d %s: relative error %.2e (largest gradient %.3g)", name, check.relativeError,
            check.largestGradient);
      QVERIFY(check.largestGradient > 1e-3);
      QVERIFY(check.relativeError < 1e-7);
    }
    torch::NoGradGuard noGrad;
    const at::Tensor a = model->assignments(x);
    QVERIFY((a.sum(1) - 1).abs().max().item<double>() < 1e-12);
  }

  void recoversSeparatedBlobs() {
    // Four Gaussian blobs 20 standard deviations apart: any sensible clustering finds them.
    std::mt19937_64 rng(2);
    std::normal_distribution<double> noise(0, 1);
    sc::CellEmbedding e;
    std::vector<std::int32_t> truth;
    e.values.resize(200, 2);
    for (int i = 0; i < 200; ++i) {
      const int group = i % 4;
      truth.push_back(group);
      e.cells.push_back("c" + std::to_string(i));
      e.values(i, 0) = 20.0 * (group % 2) + noise(rng);
      e.values(i, 1) = 20.0 * (group / 2) + noise(rng);
    }
    const auto out = runSoftKMeans(e, {{"n_clusters", 4}, {"epochs", 100}, {"seed", 3}});
    const auto& labels = out.at("labels")->as<sc::CellLabels>();
    QCOMPARE(sc::adjustedRandIndex(labels.codes, truth), 1.0);
  }

  void pbmc68kAtLeastAsGoodAsLloyd() {
    const Labelled data = pbmc68kPca(10);
    const at::Tensor x = tensorOf(data.embedding.values);
    // scanpy's own stored clustering of these cells, for scale.
    const test::CsvTable obs = test::readCsv(test::pbmc68k("plain_export/obs.csv"));
    std::vector<std::string> louvainText;
    for (const auto& row : obs.cells) louvainText.push_back(row[obs.column("louvain")]);
    const double louvainAri = sc::adjustedRandIndex(data::makeCategorical(louvainText).codes, data.truth);

    // Seeds 0-5: soft k-means (the node's defaults: T = 1, Adam 0.1, 200 steps) and Lloyd's k-means from the same
    // k-means++ rows.
    double softSum = 0, lloydSum = 0, worstDeficit = 0;
    OperatorOutputs out;
    for (int seed = 0; seed < 6; ++seed) {
      OperatorOutputs run = runSoftKMeans(data.embedding, {{"n_clusters", 10}, {"seed", seed}});
      const double softAri = sc::adjustedRandIndex(run.at("labels")->as<sc::CellLabels>().codes, data.truth);
      at::Tensor centroids = x.index_select(0, at::tensor(kmeansPlusPlus(x, 10, seed), at::kLong));
      const double lloydAri = sc::adjustedRandIndex(lloydKMeans(x, centroids), data.truth);
      const double lloydSs =
          std::get<0>((x.unsqueeze(1) - centroids.unsqueeze(0)).pow(2).sum(-1).min(1)).mean().item<double>();
      const double before = metric(run, "loss", "before"), after = metric(run, "loss", "after");
      qInfo("pbmc68k (10 PCs, k = 10), seed %d: soft k-means ARI %.4f (loss %.3f -> %.3f, within-cluster SS per cell "
            "%.3f), Lloyd from the same start ARI %.4f (SS %.3f)",
            seed, softAri, before, after, metric(run, "hard_within_ss", "after"), lloydAri, lloydSs);
      QVERIFY(after < 0.9 * before);
      QVERIFY(softAri >= louvainAri);
      softSum += softAri;
      lloydSum += lloydAri;
      worstDeficit = std::max(worstDeficit, lloydAri - softAri);
      if (seed == 0) out = std::move(run);
    }
    qInfo("mean ARI over seeds 0-5: soft k-means %.4f, Lloyd %.4f; largest per-seed deficit %.4f; scanpy's stored "
          "louvain %.4f",
          softSum / 6, lloydSum / 6, worstDeficit, louvainAri);
    // On average as good as the hard algorithm it relaxes; per seed the two settle in different local optima
    // (measured: at most 0.022 apart, and where soft k-means trails it reaches the lower k-means objective), so a
    // single seed is allowed kPerSeedMargin. Every seed beats scanpy's stored louvain clusters (0.415).
    QVERIFY(softSum >= lloydSum);
    QVERIFY(worstDeficit <= kPerSeedMargin);
    const auto& labels = out.at("labels")->as<sc::CellLabels>();
    const ParameterValues parameters{{"n_clusters", 10}, {"seed", 0}};

    // The assignment matrix: cells x clusters, rows summing to 1, argmax = the labels.
    const auto& assignments = out.at("assignments")->as<data::Table>();
    QCOMPARE(assignments.nColumns(), std::size_t(10));
    QCOMPARE(assignments.nRows(), data.embedding.cells.size());
    for (std::size_t i = 0; i < assignments.nRows(); i += 37) {
      double sum = 0, best = -1;
      std::int32_t argmax = -1;
      for (std::size_t k = 0; k < 10; ++k) {
        const double p = assignments.column(k).floats()[i];
        sum += p;
        if (p > best) {
          best = p;
          argmax = static_cast<std::int32_t>(k);
        }
      }
      QVERIFY(std::abs(sum - 1) < 1e-9);
      QCOMPARE(argmax, labels.codes[i]);
    }
    QCOMPARE(out.at("centroids")->as<data::Table>().nRows(), std::size_t(10));

    // Same seed, same result, bit for bit; another seed starts elsewhere.
    const auto again = runSoftKMeans(data.embedding, parameters);
    QCOMPARE(again.at("labels")->as<sc::CellLabels>().codes, labels.codes);
    const auto& c1 = out.at("centroids")->as<data::Table>();
    const auto& c2 = again.at("centroids")->as<data::Table>();
    for (std::size_t d = 0; d < c1.nColumns(); ++d) QCOMPARE(c1.column(d).floats(), c2.column(d).floats());
    const auto other = runSoftKMeans(data.embedding, {{"n_clusters", 10}, {"seed", 1}});
    QVERIFY(other.at("centroids")->as<data::Table>().column(0).floats() != c1.column(0).floats());
  }

  void rejectsMoreClustersThanCells() {
    sc::CellEmbedding e;
    e.cells = {"a", "b"};
    e.values = Eigen::MatrixXd::Zero(2, 2);
    QVERIFY_THROWS_EXCEPTION(InputError, runSoftKMeans(e, {{"n_clusters", 3}}));
  }

 private:
  // The measured largest per-seed deficit (0.022) with a margin.
  static constexpr double kPerSeedMargin = 0.03;
};

QTEST_GUILESS_MAIN(TestSoftKMeans)
#include "test_soft_kmeans.moc"
