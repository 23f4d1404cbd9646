// Table writer: typed tables and count matrices written as TSV/CSV (and gzip) read back identically; a failed write
// leaves no file behind.
#include "test_support.h"

#include <cmath>
#include <fstream>

#include "core/io/delimited_counts.h"
#include "core/io/sample_sheet.h"
#include "core/io/table_writer.h"
#include "core/io/text_source.h"

namespace fs = std::filesystem;
using diffbio::data::Categorical;
using diffbio::data::Column;
using diffbio::data::ColumnType;
using diffbio::data::Table;
using diffbio::io::Delimiter;
using diffbio::io::writeTable;

namespace {

// A table with every column type, missing values and text that needs quoting.
Table mixedTable() {
  Table table({"gene 1", "g,2", "g\"3\"", " g4"});
  table.indexName = "gene_id";
  Column text("symbol", std::vector<std::string>{"Abc", "has,comma", "has\ttab", "say \"hi\""});
  table.addColumn(text);
  Column count("count", std::vector<std::int64_t>{0, -5, 1234567890123, 7});
  count.setMissing({0, 0, 0, 1});
  table.addColumn(count);
  table.addColumn(Column("log2FoldChange", std::vector<double>{0.1, -2.5e-12, std::nan(""), 1e300}));
  table.addColumn(Column::boolean("significant", {1, 0, 1, 0}));
  table.addColumn(Column("group", diffbio::data::makeCategorical({"b", "a", "b", ""})));
  return table;
}

std::vector<std::string> listFolder(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

class TableWriterTest : public QObject {
  Q_OBJECT

  static void checkReadsBack(const std::string& path) {
    const Table original = mixedTable();
    const Table back = diffbio::io::readSampleSheet(path);
    QCOMPARE(back.rowNames(), original.rowNames());
    QCOMPARE(back.indexName, original.indexName);
    QCOMPARE(back.nColumns(), original.nColumns());
    for (std::size_t c = 0; c < original.nColumns(); ++c) {
      QCOMPARE(back.column(c).name(), original.column(c).name());
      for (std::size_t r = 0; r < original.nRows(); ++r) {
        QCOMPARE(back.column(c).isMissing(r), original.column(c).isMissing(r));
        QCOMPARE(back.column(c).text(r), original.column(c).text(r));
      }
    }
    // Types survive where the text decides them.
    QVERIFY(back.column("count").type() == ColumnType::Int);
    QCOMPARE(back.column("count").ints()[2], std::int64_t(1234567890123));
    QVERIFY(back.column("log2FoldChange").type() == ColumnType::Float);
    QCOMPARE(back.column("log2FoldChange").floats()[1], -2.5e-12);  // exact: shortest round-trip text
    QVERIFY(back.column("significant").type() == ColumnType::Bool);
    QVERIFY(back.column("group").type() == ColumnType::Categorical);
  }

 private Q_SLOTS:
  void delimiterFromPath() {
    QVERIFY(diffbio::io::delimiterForPath("a/results.csv") == Delimiter::Comma);
    QVERIFY(diffbio::io::delimiterForPath("results.CSV.gz") == Delimiter::Comma);
    QVERIFY(diffbio::io::delimiterForPath("results.tsv") == Delimiter::Tab);
    QVERIFY(diffbio::io::delimiterForPath("results.txt.gz") == Delimiter::Tab);
  }

  void csvReadsBack() {
    const fs::path dir = diffbio::test::scratchDir("writer_csv");
    writeTable(mixedTable(), (dir / "table.csv").string());
    checkReadsBack((dir / "table.csv").string());
    QCOMPARE(listFolder(dir), (std::vector<std::string>{"table.csv"}));  // no temporary left over
    // RFC 4180 quoting where needed, nothing else.
    diffbio::io::TextSource source((dir / "table.csv").string());
    std::string_view line;
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("gene_id,symbol,count,log2FoldChange,significant,group"));
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("gene 1,Abc,0,0.1,TRUE,b"));
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("\"g,2\",\"has,comma\",-5,-2.5e-12,FALSE,a"));
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("\"g\"\"3\"\"\",has\ttab,1234567890123,NA,TRUE,b"));
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("\" g4\",\"say \"\"hi\"\"\",NA,1e+300,FALSE,NA"));
  }

  void tsvAndGzipReadBack() {
    const fs::path dir = diffbio::test::scratchDir("writer_tsv");
    writeTable(mixedTable(), (dir / "table.tsv").string());
    checkReadsBack((dir / "table.tsv").string());
    writeTable(mixedTable(), (dir / "table.csv.gz").string());
    QVERIFY(diffbio::io::isGzipFile((dir / "table.csv.gz").string()));
    checkReadsBack((dir / "table.csv.gz").string());
    writeTable(mixedTable(), (dir / "forced.txt").string(), Delimiter::Comma);
    checkReadsBack((dir / "forced.txt").string());
  }

  void pasillaCountTableRoundTrip() {
    const auto pasilla =
        diffbio::io::readDelimitedCounts(diffbio::test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    const fs::path dir = diffbio::test::scratchDir("writer_counts");
    const std::string dense = (dir / "dense.tsv").string();
    const std::string sparse = (dir / "sparse.tsv").string();
    diffbio::io::writeCountTable(pasilla.matrix, dense);
    diffbio::io::writeCountTable(pasilla.matrix.toSparse(), sparse);
    const auto back = diffbio::io::readDelimitedCounts(dense);
    QVERIFY(back.matrix.sameValues(pasilla.matrix));
    QVERIFY(diffbio::io::readDelimitedCounts(sparse).matrix.sameValues(pasilla.matrix));
    // Byte for byte the input file (same layout, integers written as integers, gene_id header).
    std::ifstream a(diffbio::test::sharedData("pasilla/pasilla_gene_counts.tsv"), std::ios::binary);
    std::ifstream b(dense, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
    const std::string written((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
    QCOMPARE(written.size(), original.size());
    QVERIFY(written == original);
  }

  void largeAndFractionalCounts() {
    diffbio::data::CountMatrix::Dense values(2, 2);
    values << 1000000, 0.5, 1e20, 2.25;
    const auto m = diffbio::data::CountMatrix::fromDense(values, {"s1", "s2"}, {"g1", "g2"});
    const fs::path dir = diffbio::test::scratchDir("writer_fractional");
    diffbio::io::writeCountTable(m, (dir / "m.csv").string());
    diffbio::io::TextSource source((dir / "m.csv").string());
    std::string_view line;
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("gene_id,s1,s2"));
    QVERIFY(source.nextLine(line));
    QCOMPARE(std::string(line), std::string("g1,1000000,1e+20"));
    QVERIFY(diffbio::io::readDelimitedCounts((dir / "m.csv").string()).matrix.sameValues(m));
  }

  void failedWriteLeavesNoFile() {
    const fs::path dir = diffbio::test::scratchDir("writer_fail");
    // The target is an existing folder: the rename fails after everything was written.
    fs::create_directory(dir / "occupied.tsv");
    DIFFBIO_EXPECT_INPUT_ERROR(writeTable(mixedTable(), (dir / "occupied.tsv").string()), "occupied.tsv");
    QCOMPARE(listFolder(dir), (std::vector<std::string>{"occupied.tsv"}));
    QVERIFY(fs::is_directory(dir / "occupied.tsv"));
    // The output folder does not exist.
    DIFFBIO_EXPECT_INPUT_ERROR(writeTable(mixedTable(), (dir / "missing" / "t.csv").string()),
                               "check that the output folder exists");
    QVERIFY(!fs::exists(dir / "missing"));
    QCOMPARE(listFolder(dir), (std::vector<std::string>{"occupied.tsv"}));
  }
};

QTEST_GUILESS_MAIN(TableWriterTest)
#include "test_table_writer.moc"
