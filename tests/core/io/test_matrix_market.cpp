// MatrixMarket reading and writing on real data (Seurat pbmc_small, scanpy pbmc68k export) and on generated files
// that exercise numbers split across read blocks, CRLF, gzip, unsorted entries and every malformed-input error.
#include "test_support.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "core/io/atomic_output.h"
#include "core/io/matrix_market.h"
#include "core/io/mtx_number.h"
#include "core/io/mtx_parse.h"
#include "core/io/text_source.h"

using diffbio::data::CountMatrix;
using diffbio::io::MtxOrientation;
using diffbio::io::readMatrixMarket;
using diffbio::io::writeMatrixMarket;
using diffbio::test::sharedData;

namespace {

const std::string kPbmc68kExport = sharedData("sc_pbmc68k_reduced_scanpy/plain_export/raw_X_cells_x_genes.mtx.gz");

std::vector<std::string> readCsvRow(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) {
    if (field.size() >= 2 && field.front() == '"') field = field.substr(1, field.size() - 2);
    fields.push_back(field);
  }
  return fields;
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

struct Triplet {
  std::int64_t gene, obs;  // 0-based
  float value;
};

// The CSR (obs x genes) that a list of distinct (gene, obs, value) entries must give.
CountMatrix expectedMatrix(std::vector<Triplet> entries, std::int64_t nGenes, std::int64_t nObs) {
  std::sort(entries.begin(), entries.end(),
            [](const Triplet& a, const Triplet& b) { return a.obs != b.obs ? a.obs < b.obs : a.gene < b.gene; });
  diffbio::data::CsrStorage csr;
  csr.indptr.assign(nObs + 1, 0);
  for (const auto& t : entries) {
    ++csr.indptr[t.obs + 1];
    csr.indices.push_back(static_cast<std::int32_t>(t.gene));
    csr.values.push_back(t.value);
  }
  for (std::int64_t r = 0; r < nObs; ++r) csr.indptr[r + 1] += csr.indptr[r];
  std::vector<std::string> obs, genes;
  for (std::int64_t i = 1; i <= nObs; ++i) obs.push_back(std::to_string(i));
  for (std::int64_t i = 1; i <= nGenes; ++i) genes.push_back(std::to_string(i));
  return CountMatrix::fromCsr(nObs, nGenes, std::move(csr), obs, genes);
}

}  // namespace

class MatrixMarketTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Seurat's pbmc_small raw counts: 230 genes x 80 cells, 4,456 integer entries. Seurat's own per-cell totals
  // (nCount_RNA, nFeature_RNA in meta_data.csv) must equal the library sizes and detected genes we compute.
  void pbmcSmallMatchesSeuratTotals() {
    const auto loaded = readMatrixMarket(sharedData("sc_pbmc_small_seuratobject/counts_genes_x_cells.mtx"));
    const CountMatrix& m = loaded.matrix;
    QCOMPARE(m.nObs(), 80);
    QCOMPARE(m.nGenes(), 230);
    QCOMPARE(m.nnz(), 4456);
    QVERIFY(m.isSparse());
    QVERIFY(m.flags().allInteger);
    QVERIFY(m.flags().nonNegative);
    QCOMPARE(m.kind(), diffbio::data::AssayKind::SingleCell);
    QCOMPARE(m.obsNames().front(), std::string("1"));

    std::ifstream meta(sharedData("sc_pbmc_small_seuratobject/meta_data.csv"));
    std::string line;
    std::getline(meta, line);
    const Eigen::VectorXd sums = m.obsSums();
    const auto& csr = m.csr();
    int cell = 0;
    while (std::getline(meta, line)) {
      const auto fields = readCsvRow(line);
      QCOMPARE(sums[cell], std::stod(fields[2]));                                           // nCount_RNA
      QCOMPARE(csr.indptr[cell + 1] - csr.indptr[cell], std::stoll(fields[3]));             // nFeature_RNA
      ++cell;
    }
    QCOMPARE(cell, 80);
  }

  // scanpy's pbmc68k raw.X exported cells x genes with genes in descending order within each cell: read with
  // RowsAreObs, the rows must come out sorted; values are log-normalised (max 6.489 per the README).
  void pbmc68kExportReadsAsObsByGenes() {
    const auto loaded = readMatrixMarket(kPbmc68kExport, MtxOrientation::RowsAreObs);
    const CountMatrix& m = loaded.matrix;
    QCOMPARE(m.nObs(), 700);
    QCOMPARE(m.nGenes(), 765);
    QCOMPARE(m.nnz(), 174400);
    QVERIFY(!m.flags().allInteger);
    QVERIFY(m.flags().nonNegative);
    const auto& values = m.csr().values;
    const float maxValue = *std::max_element(values.begin(), values.end());
    QVERIFY(std::abs(maxValue - 6.489f) < 5e-4f);
    // First line of the file: "1 765 2.177000e+00" -> cell 0, gene 764.
    QCOMPARE(m.at(0, 764), static_cast<double>(2.177f));
  }

  void writesAndReadsBackIntegerCountsPlainAndGzip() {
    const auto original = readMatrixMarket(sharedData("sc_pbmc_small_seuratobject/counts_genes_x_cells.mtx"));
    const auto dir = diffbio::test::scratchDir("mtx_roundtrip_int");
    for (const char* name : {"counts.mtx", "counts.mtx.gz"}) {
      const std::string path = (dir / name).string();
      writeMatrixMarket(original.matrix, path);
      const auto back = readMatrixMarket(path);
      QVERIFY(back.matrix.sameValues(original.matrix));
      QCOMPARE(back.matrixSource, std::string("MatrixMarket integer entries"));
    }
    QVERIFY(diffbio::io::isGzipFile((dir / "counts.mtx.gz").string()));
    // The writer uses the 10x layout: the written file streams into CSR without a sort.
    const auto content = diffbio::io::parseMatrixMarket((dir / "counts.mtx").string(), MtxOrientation::RowsAreGenes);
    QVERIFY(content.streamedInOrder);
    std::ifstream in(dir / "counts.mtx");
    std::string banner;
    std::getline(in, banner);
    QCOMPARE(banner, std::string("%%MatrixMarket matrix coordinate integer general"));
    // Only the final files remain (no temporary files).
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) files += entry.is_regular_file() ? 1 : 0;
    QCOMPARE(files, 2);
  }

  void writesRealValuesThatReadBackExactly() {
    const auto original = readMatrixMarket(kPbmc68kExport, MtxOrientation::RowsAreObs);
    const auto dir = diffbio::test::scratchDir("mtx_roundtrip_real");
    const std::string path = (dir / "raw.mtx.gz").string();
    writeMatrixMarket(original.matrix, path);
    const auto back = readMatrixMarket(path);
    QVERIFY(back.matrix.sameValues(original.matrix));  // shortest float text reads back to the same float
    QVERIFY(back.matrixSource.find("real") != std::string::npos);
  }

  // 400,000 entries with long values (~9 MB of text): hundreds of lines straddle the 1 MiB read blocks. CRLF line
  // ends, gzip and a missing final newline must give the same matrix; so must a shuffled (unsorted) order.
  void largeGeneratedFileInEveryLayout() {
    const std::int64_t nGenes = 3000, nObs = 2000;
    std::mt19937_64 rng(42);
    std::vector<Triplet> entries;
    std::vector<std::uint8_t> used(nGenes * nObs, 0);
    while (entries.size() < 400000) {
      const auto gene = static_cast<std::int64_t>(rng() % nGenes);
      const auto obs = static_cast<std::int64_t>(rng() % nObs);
      if (used[obs * nGenes + gene]) continue;
      used[obs * nGenes + gene] = 1;
      const float value = static_cast<float>(rng() % 100000) / 1000.0f + 0.001f;
      entries.push_back({gene, obs, value});
    }
    const CountMatrix expected = expectedMatrix(entries, nGenes, nObs);
    auto render = [&](const std::vector<Triplet>& list, const char* newline, bool finalNewline) {
      std::string text = "%%MatrixMarket matrix coordinate real general\n%generated\n" + std::to_string(nGenes) + " " +
                         std::to_string(nObs) + " " + std::to_string(list.size()) + "\n";
      char buffer[64];
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::snprintf(buffer, sizeof buffer, "%lld %lld %.9g%s", static_cast<long long>(list[i].gene + 1),
                      static_cast<long long>(list[i].obs + 1), list[i].value,
                      (i + 1 < list.size() || finalNewline) ? newline : "");
        text += buffer;
      }
      return text;
    };
    std::vector<Triplet> sorted = entries;
    std::sort(sorted.begin(), sorted.end(),
              [](const Triplet& a, const Triplet& b) { return a.obs != b.obs ? a.obs < b.obs : a.gene > b.gene; });
    const auto dir = diffbio::test::scratchDir("mtx_generated");
    struct Variant {
      const char* name;
      std::string text;
      bool inOrder;
    };
    const std::vector<Variant> variants = {
        {"sorted.mtx", render(sorted, "\n", true), true},
        {"crlf_no_final_newline.mtx", render(sorted, "\r\n", false), true},
        {"shuffled.mtx", render(entries, "\n", true), false},
    };
    for (const auto& v : variants) {
      const std::string path = (dir / v.name).string();
      writeText(path, v.text);
      QVERIFY(v.text.size() > 4u << 20);
      auto content = diffbio::io::parseMatrixMarket(path, MtxOrientation::RowsAreGenes);
      QCOMPARE(content.streamedInOrder, v.inOrder);
      QVERIFY2(readMatrixMarket(path).matrix.sameValues(expected), v.name);
    }
    diffbio::io::AtomicOutputFile gz((dir / "sorted.mtx.gz").string());
    gz.write(variants[0].text);
    gz.commit();
    QVERIFY(readMatrixMarket((dir / "sorted.mtx.gz").string()).matrix.sameValues(expected));
  }

  void patternFieldAndBlankLinesAndStrayComments() {
    const auto dir = diffbio::test::scratchDir("mtx_pattern");
    const std::string path = (dir / "p.mtx").string();
    writeText(path, "%%MatrixMarket matrix coordinate pattern general\n% c\n\n3 2 3\n1 1\n% stray\n3 1\n\n2 2\n");
    const auto m = readMatrixMarket(path).matrix;
    QCOMPARE(m.nObs(), 2);
    QCOMPARE(m.nGenes(), 3);
    QCOMPARE(m.at(0, 0), 1.0);
    QCOMPARE(m.at(0, 2), 1.0);
    QCOMPARE(m.at(1, 1), 1.0);
    QCOMPARE(m.nnz(), 3);
  }

  // The fast value scanner must agree with the C library's correctly rounded strtof on every form it accepts.
  void valueScannerMatchesStrtof() {
    const char* samples[] = {"0",        "7",           "16777217",     "123456789012", "2.177000e+00", "0.1",
                             "1e-3",     "1.5E+05",     "-0",           "+42",          "3.4028234e38", "1e-30",
                             "0.000001", "99999999999999999999", "12.5", "6.4890003", "0.30000001192092896"};
    for (const char* sample : samples) {
      std::string text = std::string(sample) + "\n";
      const char* p = text.c_str();
      float value = -1;
      bool negative = false;
      QCOMPARE(static_cast<int>(diffbio::io::mtx::scanValue(p, value, negative)),
               static_cast<int>(diffbio::io::mtx::ValueStatus::Ok));
      QCOMPARE(*p, '\n');
      QVERIFY2(value == std::strtof(sample, nullptr), sample);
    }
    for (const char* bad : {"nan", "Inf", "-inf", "1e", "x1", "1.2.3", "--1", "."}) {
      std::string text = std::string(bad) + "\n";
      const char* p = text.c_str();
      float value = 0;
      bool negative = false;
      QVERIFY2(diffbio::io::mtx::scanValue(p, value, negative) != diffbio::io::mtx::ValueStatus::Ok, bad);
    }
  }

  // Every malformed input names the file, the line (and column where it helps) and what to do.
  void malformedInputsGiveLocatedErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    const QString head = "%%MatrixMarket matrix coordinate integer general\n%\n3 2 2\n";
    QTest::newRow("row out of range") << head + "1 1 1\n4 2 1\n" << "bad.mtx:5:1: row index 4 is out of range 1..3";
    QTest::newRow("column zero") << head + "1 0 1\n2 2 1\n" << "bad.mtx:4:3: column index 0 is out of range 1..2";
    QTest::newRow("fewer entries") << head + "1 1 1\n" << "ends after 1 entries, but the size line (line 3) declares 2";
    QTest::newRow("more entries") << head + "1 1 1\n2 1 1\n3 1 1\n" << "bad.mtx:6: more entries than the 2 declared";
    QTest::newRow("bad banner") << "%%MatrixMarket matrix array real general\n3 2\n" << "bad.mtx:1: dense 'array'";
    QTest::newRow("symmetric") << "%%MatrixMarket matrix coordinate real symmetric\n2 2 0\n"
                               << "unsupported MatrixMarket symmetry 'symmetric'";
    QTest::newRow("not mtx") << "hello\n" << "bad.mtx:1: not a MatrixMarket file";
    QTest::newRow("nan") << head + "1 1 NaN\n2 2 1\n" << "bad.mtx:4:5: the value 'NaN' is NaN or infinite";
    QTest::newRow("negative") << head + "1 1 1\n2 2 -3\n" << "bad.mtx:5:5: negative value -3";
    QTest::newRow("text value") << head + "1 1 abc\n2 2 1\n" << "bad.mtx:4:5: 'abc' is not a number";
    QTest::newRow("missing value") << head + "1 1\n2 2 1\n" << "bad.mtx:4:4: expected a space and a value";
    QTest::newRow("trailing text") << head + "1 1 1 x\n2 2 1\n" << "bad.mtx:4:7: unexpected text 'x'";
    QTest::newRow("duplicate") << head + "1 1 1\n1 1 2\n" << "the entry at row 1, column 1 is given more than once";
    QTest::newRow("size line") << "%%MatrixMarket matrix coordinate real general\n3 two 1\n"
                               << "bad.mtx:2: the size line has 'two', not a whole number";
    QTest::newRow("too many declared") << "%%MatrixMarket matrix coordinate real general\n2 2 5\n"
                                       << "declares 5 entries, more than the 2 x 2 matrix has positions";
    QTest::newRow("no size line") << "%%MatrixMarket matrix coordinate real general\n%only comments\n"
                                  << "ends before the size line";
    QTest::newRow("empty") << "" << "bad.mtx: the file is empty";
    QTest::newRow("declares far more than it holds") << "%%MatrixMarket matrix coordinate real general\n"
                                                        "100000 100000 900000000\n1 1 1\n"
                                                     << "ends after 1 entries, but the size line (line 2) declares";
    QTest::newRow("endless line") << "%%MatrixMarket matrix coordinate real general\n1 1 1\n" + QString(17 << 20, '7')
                                  << "bad.mtx:3: this line is longer than 16 MB";
  }

  void malformedInputsGiveLocatedErrors() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto dir = diffbio::test::scratchDir("mtx_bad");
    const std::string path = (dir / "bad.mtx").string();
    writeText(path, text.toStdString());
    const std::string needle = expected.toStdString();
    DIFFBIO_EXPECT_INPUT_ERROR(readMatrixMarket(path), needle.c_str());
  }

  void truncatedGzipIsReported() {
    const auto dir = diffbio::test::scratchDir("mtx_truncated");
    const auto original = readMatrixMarket(kPbmc68kExport, MtxOrientation::RowsAreObs);
    const std::string full = (dir / "full.mtx.gz").string();
    writeMatrixMarket(original.matrix, full);
    std::ifstream in(full, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    writeText((dir / "cut.mtx.gz").string(), bytes.substr(0, bytes.size() / 2));
    DIFFBIO_EXPECT_INPUT_ERROR(readMatrixMarket((dir / "cut.mtx.gz").string()), "truncated");
  }

  void writerRefusesNonFiniteValuesAndLeavesNoFile() {
    CountMatrix::Dense d(1, 2);
    d << 1.0, std::numeric_limits<double>::quiet_NaN();
    const auto m = CountMatrix::fromDense(d, {"c"}, {"g1", "g2"});
    const auto dir = diffbio::test::scratchDir("mtx_nan_write");
    const std::string path = (dir / "out.mtx").string();
    DIFFBIO_EXPECT_INPUT_ERROR(writeMatrixMarket(m, path), "NaN");
    QVERIFY(std::filesystem::is_empty(dir));
  }

  void denseMatrixWritesNonZerosOnly() {
    CountMatrix::Dense d(2, 3);
    d << 1, 0, 2.5,
         0, 0, 4;
    const auto m = CountMatrix::fromDense(d, {"1", "2"}, {"1", "2", "3"});
    const auto dir = diffbio::test::scratchDir("mtx_dense_write");
    const std::string path = (dir / "d.mtx").string();
    writeMatrixMarket(m, path);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    QCOMPARE(text.str(),
             std::string("%%MatrixMarket matrix coordinate real general\n%\n3 2 3\n1 1 1\n3 1 2.5\n3 2 4\n"));
    QVERIFY(readMatrixMarket(path).matrix.sameValues(m));
  }
};

QTEST_GUILESS_MAIN(MatrixMarketTest)
#include "test_matrix_market.moc"
