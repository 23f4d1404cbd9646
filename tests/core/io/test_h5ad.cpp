// AnnData .h5ad: scanpy's pbmc68k_reduced against its plain-text export (made with anndata 0.8 / scipy, see the
// dataset README), the matrix choice, obs/var/obsm, other encodings (CSC, anndata 0.6/0.7 styles), round trips
// through the writer, and errors.
#include "test_support.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/io/count_readers.h"
#include "core/io/h5ad.h"
#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_writer.h"
#include "core/io/matrix_market.h"
#include "core/io/text_source.h"

using diffbio::data::Column;
using diffbio::data::ColumnType;
using diffbio::data::CountMatrix;
using diffbio::io::LoadedCounts;
using diffbio::io::readH5ad;
using diffbio::io::writeH5ad;
using diffbio::test::sharedData;

namespace {

std::string pbmc(const std::string& relative) { return sharedData("sc_pbmc68k_reduced_scanpy/" + relative); }
const std::string kH5ad = "10x_pbmc68k_reduced.h5ad";

std::vector<std::string> splitComma(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    fields.emplace_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// A CSV with a header and row names in the first column (plain or gzip).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::string> rowNames;
  std::vector<std::vector<std::string>> rows;  // without the row name
};

Csv readCsv(const std::string& path) {
  Csv csv;
  diffbio::io::TextSource source(path);
  std::string_view line;
  source.nextLine(line);
  csv.header = splitComma(line);
  while (source.nextLine(line)) {
    auto fields = splitComma(line);
    csv.rowNames.push_back(fields.front());
    fields.erase(fields.begin());
    csv.rows.push_back(std::move(fields));
  }
  return csv;
}

std::vector<std::string> readLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

const CountMatrix::Dense& embedding(const LoadedCounts& loaded, const std::string& name) {
  for (const auto& [key, values] : loaded.obsm) {
    if (key == name) return values;
  }
  throw std::runtime_error("no obsm " + name);
}

bool hasNote(const LoadedCounts& loaded, const std::string& text) {
  for (const auto& note : loaded.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

// Column equality including type, missing values and category levels.
bool sameColumn(const Column& a, const Column& b) {
  if (a.name() != b.name() || a.type() != b.type() || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.isMissing(i) != b.isMissing(i) || a.text(i) != b.text(i)) return false;
  }
  if (a.type() == ColumnType::Categorical) return a.categorical().levels == b.categorical().levels;
  if (a.type() == ColumnType::Float) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a.isMissing(i) && a.floats()[i] != b.floats()[i]) return false;
    }
  }
  return true;
}

bool sameTable(const diffbio::data::Table& a, const diffbio::data::Table& b) {
  if (a.rowNames() != b.rowNames() || a.nColumns() != b.nColumns()) return false;
  for (std::size_t c = 0; c < a.nColumns(); ++c) {
    if (!sameColumn(a.column(c), b.column(c))) return false;
  }
  return true;
}

}  // namespace

class H5adTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // "auto" looks for integer counts (layers/counts, raw/X, X); pbmc68k has none, so it takes raw/X and says so.
  void autoChoosesRawXAndMatchesTheMtxExport() {
    const LoadedCounts loaded = readH5ad(pbmc(kH5ad));
    QCOMPARE(loaded.matrixSource, std::string("raw/X"));
    QVERIFY(hasNote(loaded, "no integer count matrix found (looked at raw/X, X); using raw/X"));
    const CountMatrix& m = loaded.matrix;
    QCOMPARE(m.nObs(), 700);
    QCOMPARE(m.nGenes(), 765);
    QCOMPARE(m.nnz(), 174400);
    QVERIFY(m.isSparse());
    QVERIFY(!m.flags().allInteger);
    QCOMPARE(m.obsNames(), readLines(pbmc("plain_export/obs_names.txt")));
    QCOMPARE(m.geneNames(), readLines(pbmc("plain_export/raw_var_names.txt")));

    const auto exported = diffbio::io::readMatrixMarket(pbmc("plain_export/raw_X_cells_x_genes.mtx.gz"),
                                                        diffbio::io::MtxOrientation::RowsAreObs);
    const auto& a = m.csr();
    const auto& b = exported.matrix.csr();
    QCOMPARE(a.indptr, b.indptr);
    QCOMPARE(a.indices, b.indices);
    // The export prints 7 significant digits ("%e"); for these values that is enough to give back the very same
    // float32, so the two independent encodings agree exactly.
    QCOMPARE(a.values, b.values);
    QVERIFY(std::abs(m.obsSums().sum() - 319044.238) < 1e-3);
  }

  void obsColumnsMatchTheReadmeAndExport() {
    const LoadedCounts loaded = readH5ad(pbmc(kH5ad));
    const auto& obs = loaded.obs;
    QCOMPARE(obs.nRows(), std::size_t(700));
    QCOMPARE(obs.nColumns(), std::size_t(8));
    const Column& labels = obs.column("bulk_labels");
    QCOMPARE(labels.type(), ColumnType::Categorical);
    QCOMPARE(labels.categorical().levels.size(), std::size_t(10));
    std::map<std::string, int> counts;
    for (std::size_t i = 0; i < labels.size(); ++i) ++counts[labels.text(i)];
    const std::map<std::string, int> expected = {
        {"Dendritic", 240}, {"CD14+ Monocyte", 129}, {"CD19+ B", 95}, {"CD4+/CD25 T Reg", 68},
        {"CD8+ Cytotoxic T", 54}, {"CD8+/CD45RA+ Naive Cytotoxic", 43}, {"CD56+ NK", 31},
        {"CD4+/CD45RO+ Memory", 19}, {"CD34+", 13}, {"CD4+/CD45RA+/CD25- Naive T", 8}};
    QCOMPARE(counts, expected);
    QCOMPARE(obs.column("louvain").categorical().levels.size(), std::size_t(11));
    QCOMPARE(obs.column("phase").categorical().levels.size(), std::size_t(3));
    QCOMPARE(obs.column("n_genes").type(), ColumnType::Int);
    QCOMPARE(obs.column("percent_mito").type(), ColumnType::Float);

    // Every value against obs.csv (float32 columns are printed there in their shortest form).
    const Csv csv = readCsv(pbmc("plain_export/obs.csv"));
    QCOMPARE(csv.rowNames, obs.rowNames());
    for (std::size_t c = 1; c < csv.header.size(); ++c) {
      const Column& column = obs.column(csv.header[c]);
      for (std::size_t r = 0; r < csv.rows.size(); ++r) {
        const std::string& text = csv.rows[r][c - 1];
        if (column.type() == ColumnType::Float) {
          QCOMPARE(static_cast<float>(column.floats()[r]), std::stof(text));
        } else {
          QCOMPARE(column.text(r), text);
        }
      }
    }
  }

  void obsmMatchesTheExport() {
    const LoadedCounts loaded = readH5ad(pbmc(kH5ad));
    QCOMPARE(loaded.obsm.size(), std::size_t(2));
    const auto& umap = embedding(loaded, "X_umap");
    QCOMPARE(umap.rows(), 700);
    QCOMPARE(umap.cols(), 2);
    const Csv umapCsv = readCsv(pbmc("plain_export/X_umap.csv"));
    // The export prints 7 significant digits, so the agreement is 1e-6 relative (5e-6 absolute near |x| = 10).
    double worst = 0;
    for (int r = 0; r < 700; ++r) {
      for (int c = 0; c < 2; ++c) {
        const double expected = std::stod(umapCsv.rows[r][c]);
        worst = std::max(worst, std::abs(umap(r, c) - expected) / std::max(1.0, std::abs(expected)));
      }
    }
    QVERIFY2(worst <= 1e-6, qPrintable(QString("X_umap differs by %1 (relative)").arg(worst)));
    const auto& pca = embedding(loaded, "X_pca");
    QCOMPARE(pca.cols(), 50);
    const Csv pcaCsv = readCsv(pbmc("plain_export/X_pca.csv"));
    for (int r = 0; r < 700; ++r)
      for (int c = 0; c < 50; ++c) QCOMPARE(static_cast<float>(pca(r, c)), std::stof(pcaCsv.rows[r][c]));
  }

  // X itself: dense, scaled (negative, non-integer); var has its own columns.
  void explicitDenseXAndVar() {
    diffbio::io::CountReadOptions options;
    options.h5adMatrix = "X";
    const LoadedCounts loaded = readH5ad(pbmc(kH5ad), options);
    QCOMPARE(loaded.matrixSource, std::string("X"));
    QVERIFY(hasNote(loaded, "X holds non-integer values"));
    const CountMatrix& m = loaded.matrix;
    QVERIFY(!m.isSparse());
    QCOMPARE(m.nObs(), 700);
    QCOMPARE(m.nGenes(), 765);
    QVERIFY(!m.flags().nonNegative);
    const Csv scaled = readCsv(pbmc("plain_export/X_scaled.csv.gz"));
    QCOMPARE(std::vector<std::string>(scaled.header.begin() + 1, scaled.header.end()), m.geneNames());
    double worst = 0;
    for (int r = 0; r < 700; ++r)
      for (int c = 0; c < 765; ++c) worst = std::max(worst, std::abs(m.dense()(r, c) - std::stod(scaled.rows[r][c])));
    QVERIFY2(worst <= 5e-4 + 1e-6, qPrintable(QString("X differs from the 3-decimal export by %1").arg(worst)));

    const Csv var = readCsv(pbmc("plain_export/var.csv"));
    QCOMPARE(var.rowNames, loaded.var.rowNames());
    const Column& hvg = loaded.var.column("highly_variable");
    QCOMPARE(hvg.type(), ColumnType::Bool);
    for (std::size_t r = 0; r < var.rows.size(); ++r) {
      QCOMPARE(hvg.bools()[r] != 0, var.rows[r][4] == "True");
      QCOMPARE(static_cast<float>(loaded.var.column("means").floats()[r]), std::stof(var.rows[r][1]));
    }
  }

  void missingMatrixChoiceListsTheAvailableOnes() {
    diffbio::io::CountReadOptions options;
    options.h5adMatrix = "layers/counts";
    DIFFBIO_EXPECT_INPUT_ERROR(readH5ad(pbmc(kH5ad), options), "choose one of: X, raw/X (or auto)");
  }

  // Written h5ad reads back identically: matrix values and names, obs columns, obsm.
  void roundTripOfRawObsAndObsm() {
    const LoadedCounts original = readH5ad(pbmc(kH5ad));
    const auto dir = diffbio::test::scratchDir("h5ad_roundtrip");
    const std::string path = (dir / "pbmc.h5ad").string();
    writeH5ad(original, path);
    const LoadedCounts back = readCountsAsH5ad(path);
    QCOMPARE(back.matrixSource, std::string("X"));
    QVERIFY(back.matrix.isSparse());
    QVERIFY(back.matrix.sameValues(original.matrix));
    QVERIFY(sameTable(back.obs, original.obs));
    QCOMPARE(back.var.rowNames(), original.var.rowNames());
    QCOMPARE(back.obsm.size(), original.obsm.size());
    for (std::size_t i = 0; i < back.obsm.size(); ++i) {
      QCOMPARE(back.obsm[i].first, original.obsm[i].first);
      QVERIFY(back.obsm[i].second == original.obsm[i].second);
    }
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) files += entry.is_regular_file() ? 1 : 0;
    QCOMPARE(files, 1);  // no temporary file left behind
  }

  // The attributes anndata >= 0.8 needs to read the file back.
  void writtenFileCarriesAnnDataEncodings() {
    const LoadedCounts original = readH5ad(pbmc(kH5ad));
    const auto dir = diffbio::test::scratchDir("h5ad_encodings");
    const std::string path = (dir / "pbmc.h5ad").string();
    writeH5ad(original, path);
    const diffbio::io::h5::Reader r(path);
    auto encoding = [&](const std::string& object) {
      return r.stringAttribute(object, "encoding-type").value_or("") + " " +
             r.stringAttribute(object, "encoding-version").value_or("");
    };
    QCOMPARE(encoding("/"), std::string("anndata 0.1.0"));
    QCOMPARE(encoding("/X"), std::string("csr_matrix 0.1.0"));
    QCOMPARE(r.integerListAttribute("/X", "shape"), (std::vector<std::int64_t>{700, 765}));
    QCOMPARE(encoding("/obs"), std::string("dataframe 0.2.0"));
    QCOMPARE(r.stringAttribute("/obs", "_index").value(), std::string("index"));
    QCOMPARE(r.stringListAttribute("/obs", "column-order").size(), std::size_t(8));
    QCOMPARE(encoding("/obs/index"), std::string("string-array 0.2.0"));
    QCOMPARE(encoding("/obs/bulk_labels"), std::string("categorical 0.2.0"));
    QCOMPARE(r.boolAttribute("/obs/bulk_labels", "ordered").value(), false);
    QCOMPARE(encoding("/obs/bulk_labels/categories"), std::string("string-array 0.2.0"));
    QCOMPARE(r.describe("/obs/bulk_labels/codes").elementBytes, std::size_t(1));
    QCOMPARE(encoding("/obs/n_genes"), std::string("array 0.2.0"));
    QCOMPARE(encoding("/var"), std::string("dataframe 0.2.0"));
    QVERIFY(r.stringListAttribute("/var", "column-order").empty());
    QCOMPARE(encoding("/obsm"), std::string("dict 0.1.0"));
    QCOMPARE(encoding("/obsm/X_umap"), std::string("array 0.2.0"));
    for (const char* group : {"/layers", "/obsp", "/varm", "/varp", "/uns"}) {
      QCOMPARE(encoding(group), std::string("dict 0.1.0"));
    }
    QVERIFY(r.describe("/X/data").element == diffbio::io::h5::ElementClass::Float);
    QCOMPARE(r.describe("/X/indptr").elementBytes, std::size_t(8));
  }

  // Dense X, bool/float var columns, and obs columns with missing values (nullable encodings).
  void roundTripOfDenseMatrixAndMissingValues() {
    diffbio::io::CountReadOptions options;
    options.h5adMatrix = "X";
    LoadedCounts data = readH5ad(pbmc(kH5ad), options);
    std::vector<std::int64_t> ints(700);
    std::vector<std::uint8_t> flags(700), intMissing(700), flagMissing(700), textMissing(700);
    std::vector<std::string> texts(700);
    for (std::size_t i = 0; i < 700; ++i) {
      ints[i] = static_cast<std::int64_t>(i) * 3 - 100;
      flags[i] = i % 3 == 0;
      intMissing[i] = i % 7 == 0;
      flagMissing[i] = i % 11 == 0;
      textMissing[i] = i % 5 == 0;
      texts[i] = "sample " + std::to_string(i % 4);
    }
    Column intColumn("maybe_int", ints);
    intColumn.setMissing(intMissing);
    Column flagColumn = Column::boolean("maybe_flag", flags);
    flagColumn.setMissing(flagMissing);
    Column textColumn("maybe_text", texts);
    textColumn.setMissing(textMissing);
    data.obs.addColumn(intColumn);
    data.obs.addColumn(flagColumn);
    data.obs.addColumn(textColumn);
    data.obs.addColumn(Column("plain_text", texts));

    const auto dir = diffbio::test::scratchDir("h5ad_dense_roundtrip");
    const std::string path = (dir / "dense.h5ad").string();
    writeH5ad(data, path);
    const LoadedCounts back = readCountsAsH5ad(path);
    QVERIFY(!back.matrix.isSparse());
    QVERIFY(back.matrix.sameValues(data.matrix));
    QVERIFY(sameTable(back.var, data.var));
    for (const char* name : {"bulk_labels", "n_genes", "percent_mito", "maybe_int", "maybe_flag", "plain_text"}) {
      QVERIFY2(sameColumn(back.obs.column(name), data.obs.column(name)), name);
    }
    // Text with missing values comes back as a categorical (anndata has no nullable strings before 0.11).
    const Column& text = back.obs.column("maybe_text");
    QCOMPARE(text.type(), ColumnType::Categorical);
    for (std::size_t i = 0; i < 700; ++i) QCOMPARE(text.text(i), textColumn.text(i));
    QCOMPARE(text.categorical().levels.size(), std::size_t(4));
  }

  // Encodings other writers produce: CSC X, anndata 0.6 h5sparse attributes, anndata 0.7 categoricals
  // (codes in the column, levels in __categories), no column-order attribute, a layer of integer counts.
  void otherEncodings() {
    const auto dir = diffbio::test::scratchDir("h5ad_other_encodings");
    const std::string path = (dir / "other.h5ad").string();
    {
      namespace h5 = diffbio::io::h5;
      h5::Writer w(path, path);
      // 3 cells x 4 genes: [[1,0,2,0],[0,0,3,0],[4,5,0,6]] as CSC (by gene), and as CSR for raw/X.
      w.group("/X");
      w.stringAttribute("/X", "encoding-type", "csc_matrix");
      w.integerListAttribute("/X", "shape", {3, 4});
      w.numbers("/X/data", std::vector<double>{1, 4, 5, 2, 3, 6});
      w.numbers("/X/indices", std::vector<std::int64_t>{0, 2, 2, 0, 1, 2});
      w.numbers("/X/indptr", std::vector<std::int64_t>{0, 2, 3, 5, 6});
      w.group("/raw");
      w.group("/raw/X");
      w.stringAttribute("/raw/X", "h5sparse_format", "csr");
      w.integerListAttribute("/raw/X", "h5sparse_shape", {3, 4});
      w.numbers("/raw/X/data", std::vector<float>{1.5f, 2, 3, 4, 5, 6});
      w.numbers("/raw/X/indices", std::vector<std::int32_t>{2, 0, 2, 3, 1, 0});  // unsorted within rows
      w.numbers("/raw/X/indptr", std::vector<std::int32_t>{0, 2, 3, 6});
      w.group("/layers");
      w.numbers("/layers/counts", std::vector<std::int32_t>{1, 0, 2, 0, 0, 0, 3, 0, 4, 5, 0, 6}.data(), {3, 4});
      w.group("/obs");
      w.stringAttribute("/obs", "_index", "cell");
      w.strings("/obs/cell", {"c1", "c2", "c3"});
      w.numbers("/obs/cell_type", std::vector<std::int8_t>{1, 0, -1});
      w.group("/obs/__categories");
      w.strings("/obs/__categories/cell_type", {"B", "T"});
      w.numbers("/obs/cluster", std::vector<std::int16_t>{0, 1, 1});
      w.group("/var");
      w.strings("/var/_index", {"g1", "g2", "g3", "g4"});
      w.close();
    }
    CountMatrix::Dense expected(3, 4);
    expected << 1, 0, 2, 0, 0, 0, 3, 0, 4, 5, 0, 6;
    const auto reference = CountMatrix::fromDense(expected, {"c1", "c2", "c3"}, {"g1", "g2", "g3", "g4"});

    const LoadedCounts automatic = readCountsAsH5ad(path);
    QCOMPARE(automatic.matrixSource, std::string("layers/counts"));
    QVERIFY(hasNote(automatic, "matrix: layers/counts (integer counts"));
    QVERIFY(automatic.matrix.sameValues(reference));
    diffbio::io::CountReadOptions options;
    options.h5adMatrix = "X";
    const LoadedCounts csc = readH5ad(path, options);
    QVERIFY(csc.matrix.isSparse());
    QVERIFY(csc.matrix.sameValues(reference));
    options.h5adMatrix = "raw/X";
    const LoadedCounts raw = readH5ad(path, options);
    QCOMPARE(raw.matrix.at(0, 0), 2.0);
    QCOMPARE(raw.matrix.at(0, 2), 1.5);
    QCOMPARE(raw.matrix.at(2, 3), 4.0);
    QCOMPARE(raw.matrix.geneNames(), reference.geneNames());  // no raw/var: var's names

    const Column& type = automatic.obs.column("cell_type");
    QCOMPARE(type.type(), ColumnType::Categorical);
    QCOMPARE(type.text(0), std::string("T"));
    QCOMPARE(type.text(1), std::string("B"));
    QVERIFY(type.isMissing(2));
    QCOMPARE(automatic.obs.column("cluster").ints(), (std::vector<std::int64_t>{0, 1, 1}));
    QCOMPARE(automatic.obs.indexName, std::string("cell"));
  }

  void inconsistentFilesGiveClearErrors() {
    const auto dir = diffbio::test::scratchDir("h5ad_bad");
    namespace h5 = diffbio::io::h5;
    auto writeBase = [](h5::Writer& w, int nObs) {
      w.group("/obs");
      w.stringAttribute("/obs", "_index", "_index");
      std::vector<std::string> names;
      for (int i = 0; i < nObs; ++i) names.push_back("c" + std::to_string(i));
      w.strings("/obs/_index", names);
      w.group("/var");
      w.stringAttribute("/var", "_index", "_index");
      w.strings("/var/_index", {"g1", "g2"});
    };
    const std::string unknown = (dir / "coo.h5ad").string();
    {
      h5::Writer w(unknown, unknown);
      writeBase(w, 2);
      w.group("/X");
      w.stringAttribute("/X", "encoding-type", "coo_matrix");
      w.close();
    }
    DIFFBIO_EXPECT_INPUT_ERROR(readH5ad(unknown), "HDF5 object /X: has encoding-type 'coo_matrix'");
    const std::string shortObs = (dir / "short_obs.h5ad").string();
    {
      h5::Writer w(shortObs, shortObs);
      writeBase(w, 1);
      w.numbers("/X", std::vector<double>{1, 2, 3, 4}.data(), {2, 2});
      w.close();
    }
    DIFFBIO_EXPECT_INPUT_ERROR(readH5ad(shortObs), "/X: has 2 rows but /obs lists 1 observations");
    const std::string badCodes = (dir / "bad_codes.h5ad").string();
    {
      h5::Writer w(badCodes, badCodes);
      writeBase(w, 2);
      w.numbers("/X", std::vector<double>{1, 2, 3, 4}.data(), {2, 2});
      w.group("/obs/kind");
      w.stringAttribute("/obs/kind", "encoding-type", "categorical");
      w.strings("/obs/kind/categories", {"a"});
      w.numbers("/obs/kind/codes", std::vector<std::int8_t>{0, 3});
      w.close();
    }
    DIFFBIO_EXPECT_INPUT_ERROR(readH5ad(badCodes), "/obs/kind/codes: code 3 at row 1 is outside the 1 categories");
    // Not HDF5 at all.
    const std::string text = (dir / "text.h5ad").string();
    std::ofstream(text) << "hello\n";
    DIFFBIO_EXPECT_INPUT_ERROR(readH5ad(text), "not an HDF5 file");
  }

  void writerFailuresLeaveNoFile() {
    LoadedCounts data = readH5ad(pbmc(kH5ad));
    const auto dir = diffbio::test::scratchDir("h5ad_write_fail");
    DIFFBIO_EXPECT_INPUT_ERROR(writeH5ad(data, (dir / "missing_folder" / "x.h5ad").string()), "x.h5ad");
    data.obsm.emplace_back("bad/name", CountMatrix::Dense::Zero(700, 2));
    DIFFBIO_EXPECT_INPUT_ERROR(writeH5ad(data, (dir / "x.h5ad").string()), "embedding name 'bad/name'");
    data.obsm.pop_back();
    data.obs.addColumn(Column("a/b", std::vector<double>(700, 1.0)));
    DIFFBIO_EXPECT_INPUT_ERROR(writeH5ad(data, (dir / "x.h5ad").string()), "column name 'a/b'");
    QVERIFY(std::filesystem::is_empty(dir));
  }

 private:
  // Through the sniffer, as the app opens files.
  static LoadedCounts readCountsAsH5ad(const std::string& path) {
    LoadedCounts loaded = diffbio::io::readCounts(path);
    if (loaded.format != diffbio::io::Format::H5ad) throw std::runtime_error("not sniffed as h5ad: " + path);
    return loaded;
  }
};

QTEST_GUILESS_MAIN(H5adTest)
#include "test_h5ad.moc"
