// Highly variable genes against scanpy's own test references on pbmc68k_reduced (scanpy_test_references/):
// X = raw.X; filter_cells(min_counts=1); normalize_total(1e4); log1p; then
//   seurat:      min_mean 0.0125, max_mean 3, min_disp 0.5 (reference made by Seurat v2 FindVariableGenes)
//   cell_ranger: n_top_genes 100
// scanpy's test requires the same highly_variable set and means/dispersions/dispersions_norm within rtol = atol = 2e-5.
#include <QtTest/QtTest>

#include <cmath>

#include "core/singlecell/hvg.h"
#include "core/singlecell/normalize.h"
#include "core/singlecell/qc.h"
#include "tests/core/singlecell/sc_test_data.h"

using namespace diffbio;

class TestHvg : public QObject {
  Q_OBJECT

 private:
  static data::CountMatrix preprocessed() {
    const io::LoadedCounts raw = test::pbmc68kRaw();
    const auto keep = sc::passingCells(sc::cellQc(raw.matrix), sc::CellFilter{1});
    return sc::logNormalize(raw.matrix.selectObs(keep), 1e4);
  }

  static void compare(const sc::HvgResult& r, const std::string& referenceFile, const data::CountMatrix& m) {
    const test::CsvTable ref = test::readCsv(test::pbmc68k("scanpy_test_references/" + referenceFile));
    QCOMPARE(ref.rowNames.size(), r.means.size());
    const auto flag = ref.column("highly_variable");
    int mismatches = 0, referenceHvg = 0;
    double worst = 0;
    for (const char* column : {"means", "dispersions", "dispersions_norm"}) {
      const auto expected = ref.numbers(column);
      const auto& got = std::string(column) == "means"         ? r.means
                        : std::string(column) == "dispersions" ? r.dispersions
                                                                : r.dispersionsNorm;
      for (std::size_t g = 0; g < expected.size(); ++g) {
        QCOMPARE(QString::fromStdString(ref.rowNames[g]), QString::fromStdString(m.geneNames()[g]));
        if (std::isnan(expected[g])) {
          QVERIFY2(std::isnan(got[g]), ref.rowNames[g].c_str());
          continue;
        }
        const double tolerance = 2e-5 + 2e-5 * std::abs(expected[g]);
        worst = std::max(worst, std::abs(got[g] - expected[g]) / tolerance);
        if (std::abs(got[g] - expected[g]) > tolerance)
          QFAIL(qPrintable(QString("%1 of %2: %3 vs reference %4")
                               .arg(column, ref.rowNames[g].c_str()).arg(got[g], 0, 'g', 10).arg(expected[g], 0, 'g', 10)));
      }
    }
    for (std::size_t g = 0; g < ref.cells.size(); ++g) {
      const bool expected = ref.cells[g][flag] == "TRUE" || ref.cells[g][flag] == "True";
      referenceHvg += expected;
      mismatches += expected != static_cast<bool>(r.highlyVariable[g]);
    }
    qInfo("%s: %d reference HVGs, %d mismatches; largest deviation %.3f of the 2e-5 tolerance", referenceFile.c_str(),
          referenceHvg, mismatches, worst);
    QCOMPARE(mismatches, 0);
  }

 private Q_SLOTS:
  void seuratFlavourMatchesReference() {
    const data::CountMatrix m = preprocessed();
    sc::HvgOptions options;
    options.flavor = sc::HvgFlavor::Seurat;
    const sc::HvgResult r = sc::highlyVariableGenes(m, options);
    QCOMPARE(static_cast<int>(r.selected().size()), 113);
    compare(r, "seurat_hvg.csv", m);
  }

  void cellRangerFlavourMatchesReference() {
    const data::CountMatrix m = preprocessed();
    sc::HvgOptions options;
    options.flavor = sc::HvgFlavor::CellRanger;
    options.nTopGenes = 100;
    const sc::HvgResult r = sc::highlyVariableGenes(m, options);
    QCOMPARE(static_cast<int>(r.selected().size()), 100);
    compare(r, "cell_ranger_hvg.csv", m);
  }

  void singleGeneBinUsesScanpysRule() {
    // Three genes: two with close means, one far above (alone in the top bin of 2): its normalised dispersion is
    // its dispersion divided by itself (scanpy: bin sd := bin mean, bin mean := 0) = 1.
    data::CountMatrix::Dense d(4, 3);
    d << 0.1, 0.2, 3.0,  //
        0.3, 0.1, 5.0,   //
        0.2, 0.3, 4.0,   //
        0.0, 0.2, 6.0;
    const auto m = data::CountMatrix::fromDense(d, {"a", "b", "c", "d"}, {"g1", "g2", "g3"}).toSparse();
    sc::HvgOptions options;
    options.nBins = 2;
    const auto r = sc::highlyVariableGenes(m, options);
    QCOMPARE(r.dispersionsNorm[2], 1.0);
    // The two low genes share a bin: their normalised dispersions are +-1/sqrt(2) (two values, ddof 1).
    QVERIFY(std::abs(std::abs(r.dispersionsNorm[0]) - std::sqrt(0.5)) < 1e-12);
    QVERIFY(std::abs(r.dispersionsNorm[0] + r.dispersionsNorm[1]) < 1e-12);
  }

  void unknownFlavourIsAnInputError() {
    DIFFBIO_EXPECT_INPUT_ERROR(sc::parseHvgFlavor("seurat_v9"), "seurat_v9");
  }
};

QTEST_GUILESS_MAIN(TestHvg)
#include "test_hvg.moc"
