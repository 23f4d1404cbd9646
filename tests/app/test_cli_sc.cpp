// `diffbio sc` end to end on scanpy's 10x samples (Cell Ranger v3 MTX folder and HDF5, v2 MTX), bad input, and the
// single-cell template through `diffbio run`.
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli_runner.h"
#include "core/io/h5ad.h"
#include "test_support.h"

namespace fs = std::filesystem;
using diffbio::test::runDiffbio;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }
QString tenx(const std::string& relative) {
  return QString::fromStdString(diffbio::test::sharedData("sc_10x_format_samples_scanpy/10x_data/" + relative));
}

std::vector<std::vector<std::string>> readTsv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      fields.push_back(line.substr(start, tab - start));
    fields.push_back(line.substr(start));
    rows.push_back(fields);
  }
  return rows;
}

const char* kOutputs[] = {"clusters.tsv", "umap.tsv", "markers.tsv", "qc.tsv", "result.h5ad"};

}  // namespace

class CliScTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void tenxV3FolderRunsEndToEnd() {
    const auto dir = diffbio::test::scratchDir("cli_sc_v3");
    const auto run = runDiffbio({"sc", "--in", tenx("3.0.0/filtered_feature_bc_matrix"), "--out", str(dir / "out")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    for (const char* name : kOutputs) QVERIFY2(fs::exists(dir / "out" / name), name);
    QVERIFY(fs::exists(dir / "out" / "umap_clusters.png"));
    const auto clusters = readTsv(dir / "out" / "clusters.tsv");
    QCOMPARE(clusters.front(), (std::vector<std::string>{"barcode", "cluster"}));
    QCOMPARE(clusters.size(), std::size_t(1 + 1107));
    const auto umap = readTsv(dir / "out" / "umap.tsv");
    QCOMPARE(umap.size(), std::size_t(1 + 1107));
    for (std::size_t i = 1; i < umap.size(); ++i) QVERIFY(std::isfinite(std::stod(umap[i][1])));
    const auto markers = readTsv(dir / "out" / "markers.tsv");
    QVERIFY(markers.size() > 100);
    QCOMPARE(markers.front()[1], std::string("group"));
    const auto qc = readTsv(dir / "out" / "qc.tsv");
    QCOMPARE(qc.size(), std::size_t(1 + 1107));
    QCOMPARE(qc.front()[1], std::string("total_counts"));

    // The h5ad reads back with clusters, highly_variable and both embeddings.
    const auto h5ad = diffbio::io::readH5ad((dir / "out" / "result.h5ad").string());
    QCOMPARE(h5ad.matrix.nObs(), std::int64_t(1107));
    QVERIFY(h5ad.obs.find("clusters") != nullptr);
    QVERIFY(h5ad.var.find("highly_variable") != nullptr);
    std::set<std::string> embeddings;
    for (const auto& [name, values] : h5ad.obsm) embeddings.insert(name);
    QVERIFY(embeddings.count("X_pca") && embeddings.count("X_umap"));

    // The same matrix as Cell Ranger HDF5 gives the same clusters.
    const auto h5 = runDiffbio({"sc", "--in", tenx("3.0.0/filtered_feature_bc_matrix.h5"), "--out", str(dir / "h5"),
                                "--no-figures"});
    QVERIFY2(h5.exitCode == 0, qPrintable(h5.err));
    QVERIFY(readTsv(dir / "h5" / "clusters.tsv") == clusters);
  }

  void tinyV2InputIsCappedWithAMessage() {
    const auto dir = diffbio::test::scratchDir("cli_sc_v2");
    const auto run = runDiffbio({"sc", "--in", tenx("1.2.0/filtered_gene_bc_matrices/hg19_chr21"), "--out",
                                 str(dir / "out"), "--no-figures", "--seed", "3"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    QVERIFY2(run.err.contains("n_pcs capped at") && run.err.contains("n_neighbors capped at 12"), qPrintable(run.err));
    QCOMPARE(readTsv(dir / "out" / "clusters.tsv").size(), std::size_t(1 + 12));
  }

  void badInputIsExitTwoWithNothingWritten() {
    const auto dir = diffbio::test::scratchDir("cli_sc_bad");
    const auto missing = runDiffbio({"sc", "--in", str(dir / "nope.h5ad"), "--out", str(dir / "out")});
    QCOMPARE(missing.exitCode, 2);
    const fs::path notMatrix = dir / "not_a_matrix.txt";
    std::ofstream(notMatrix) << "hello\n";
    const auto bad = runDiffbio({"sc", "--in", str(notMatrix), "--out", str(dir / "out")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(!fs::exists(dir / "out" / "clusters.tsv"));
    QCOMPARE(runDiffbio({"sc", "--out", str(dir / "out")}).exitCode, 2);           // --in missing
    QCOMPARE(runDiffbio({"sc", "--in", str(notMatrix), "--out", str(dir), "--n-pcs", "x"}).exitCode, 2);
  }

  void templateRunsWithDiffbioRun() {
    const auto dir = diffbio::test::scratchDir("cli_sc_template");
    const QString pipeline = QString(DIFFBIO_TEST_DATA) + "/../../resources/pipelines/single_cell.json";
    const auto run = runDiffbio({"run", pipeline, "--input", "counts=" + tenx("3.0.0/filtered_feature_bc_matrix"),
                                 "--out", str(dir / "run")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    for (const char* name : {"clusters.tsv", "umap.tsv", "markers.tsv", "qc.tsv"})
      QVERIFY2(fs::exists(dir / "run" / name), name);
    // The pipeline and `diffbio sc` use the same functions and defaults: the same clusters.
    const auto sc = runDiffbio({"sc", "--in", tenx("3.0.0/filtered_feature_bc_matrix"), "--out", str(dir / "sc"),
                                "--no-figures"});
    QVERIFY2(sc.exitCode == 0, qPrintable(sc.err));
    const auto a = readTsv(dir / "run" / "clusters.tsv"), b = readTsv(dir / "sc" / "clusters.tsv");
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 1; i < a.size(); ++i) QCOMPARE(a[i][1], b[i][1]);
  }
};

QTEST_GUILESS_MAIN(CliScTest)
#include "test_cli_sc.moc"
