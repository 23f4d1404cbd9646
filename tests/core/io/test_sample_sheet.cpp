// Sample sheets: reading and typing columns, and pairing rows with count columns (exact, then the containment rule),
// on pasilla's quoted annotation, DESeq2's colData and PyDESeq2's metadata.
#include "test_support.h"

#include <fstream>

#include "core/io/delimited_counts.h"
#include "core/io/sample_sheet.h"

namespace fs = std::filesystem;
using diffbio::data::ColumnType;
using diffbio::io::matchSamples;
using diffbio::io::readSampleSheet;
using diffbio::test::sharedData;

namespace {

const std::vector<std::string> kPasillaColumns{"untreated1", "untreated2", "untreated3", "untreated4",
                                               "treated1",   "treated2",   "treated3"};

fs::path writeText(const std::string& folder, const std::string& name, const std::string& text) {
  const fs::path path = diffbio::test::scratchDir(folder) / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

class SampleSheetTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pasillaAnnotationIsTyped() {
    const auto sheet = readSampleSheet(sharedData("pasilla/pasilla_sample_annotation.csv"));
    QCOMPARE(sheet.nRows(), std::size_t(7));
    QCOMPARE(sheet.nColumns(), std::size_t(5));
    QCOMPARE(sheet.indexName, std::string("file"));
    QCOMPARE(sheet.rowNames()[0], std::string("treated1fb"));
    QCOMPARE(sheet.rowNames()[6], std::string("untreated4fb"));
    const auto& condition = sheet.column("condition");
    QVERIFY(condition.type() == ColumnType::Categorical);
    QCOMPARE(condition.categorical().levels, (std::vector<std::string>{"treated", "untreated"}));  // first seen
    QCOMPARE(sheet.column("type").categorical().levels, (std::vector<std::string>{"single-read", "paired-end"}));
    QVERIFY(sheet.column("number of lanes").type() == ColumnType::Int);
    QCOMPARE(sheet.column("number of lanes").ints()[4], std::int64_t(6));
    // "12242535 (x2)" is text, so the whole column is categorical, not numeric.
    QVERIFY(sheet.column("total number of reads").type() == ColumnType::Categorical);
    QCOMPARE(sheet.column("total number of reads").text(1), std::string("12242535 (x2)"));
    QVERIFY(sheet.column("exon counts").type() == ColumnType::Int);
    QCOMPARE(sheet.column("exon counts").ints()[0], std::int64_t(15679615));
  }

  void pasillaMatchesByContainment() {
    const std::string sheetPath = sharedData("pasilla/pasilla_sample_annotation.csv");
    const auto counts = diffbio::io::readDelimitedCounts(sharedData("pasilla/pasilla_gene_counts.tsv"));
    QCOMPARE(counts.matrix.obsNames(), kPasillaColumns);
    const auto match = matchSamples(readSampleSheet(sheetPath), counts.matrix.obsNames(), sheetPath);
    QVERIFY(match.usedContainmentRule);
    for (const auto& line : match.mapping) qInfo("%s", line.c_str());  // the mapping is printed for the user
    QCOMPARE(match.mapping.size(), std::size_t(7));
    QCOMPARE(match.mapping[0], std::string("untreated1fb -> untreated1"));  // not treated1, a shorter substring
    QCOMPARE(match.mapping[4], std::string("treated1fb -> treated1"));
    QCOMPARE(match.sheet.rowNames(), kPasillaColumns);
    const auto& condition = match.sheet.column("condition");
    const auto& type = match.sheet.column("type");
    const std::vector<std::string> conditions{"untreated", "untreated", "untreated", "untreated",
                                              "treated",   "treated",   "treated"};
    const std::vector<std::string> types{"single-read", "single-read", "paired-end", "paired-end",
                                         "single-read", "paired-end",  "paired-end"};
    for (std::size_t i = 0; i < 7; ++i) {
      QCOMPARE(condition.text(i), conditions[i]);
      QCOMPARE(type.text(i), types[i]);
    }
    QCOMPARE(match.sheet.column("exon counts").ints()[0], std::int64_t(14924838));  // untreated1fb's row
  }

  void deseq2ColDataMatchesExactly() {
    // R's write.csv output: quoted, empty first header field; rows already named like the count columns.
    const auto sheet = readSampleSheet(sharedData("pasilla/deseq2_1.38.3_reference/coldata_used.csv"));
    QCOMPARE(sheet.indexName, std::string());
    QCOMPARE(sheet.rowNames(), kPasillaColumns);
    std::vector<std::string> reversed(kPasillaColumns.rbegin(), kPasillaColumns.rend());
    const auto match = matchSamples(sheet, reversed);
    QVERIFY(!match.usedContainmentRule);
    QVERIFY(match.mapping.empty());
    QCOMPARE(match.sheet.rowNames(), reversed);
    QCOMPARE(match.sheet.column("type").text(0), std::string("paired"));  // treated3
    QCOMPARE(match.sheet.column("condition").text(6), std::string("untreated"));  // untreated1
  }

  void pydeseq2MetadataMatchesItsCounts() {
    const auto counts =
        diffbio::io::readDelimitedCounts(sharedData("pydeseq2_synthetic/datasets/synthetic/test_counts.csv"));
    const auto sheet = readSampleSheet(sharedData("pydeseq2_synthetic/datasets/synthetic/test_metadata.csv"));
    QCOMPARE(sheet.nRows(), std::size_t(100));
    const auto match = matchSamples(sheet, counts.matrix.obsNames());
    QVERIFY(!match.usedContainmentRule);
    const auto& condition = match.sheet.column("condition").categorical();
    QCOMPARE(condition.levels, (std::vector<std::string>{"A", "B"}));
    QCOMPARE(std::count(condition.codes.begin(), condition.codes.end(), 0), 50L);
    // The continuous variant has a numeric covariate.
    const auto continuous = readSampleSheet(sharedData("pydeseq2_synthetic/tests/data/continuous/test_metadata.csv"));
    QVERIFY(continuous.column("measurement").type() == ColumnType::Float);
    QCOMPARE(continuous.column("measurement").floats()[0], -0.164523596253587);
  }

  void extraSheetRowsAreDropped() {
    const auto sheet = readSampleSheet(sharedData("pasilla/pasilla_sample_annotation.csv"));
    const auto match = matchSamples(sheet, {"untreated2", "untreated3"});
    QVERIFY(match.usedContainmentRule);
    QCOMPARE(match.sheet.nRows(), std::size_t(2));
    QCOMPARE(match.sheet.column("exon counts").ints()[0], std::int64_t(20764558));
    QCOMPARE(match.sheet.column("exon counts").ints()[1], std::int64_t(10283129));
    QCOMPARE(match.mapping.size(), std::size_t(7));  // 2 pairs + 5 dropped rows
    QCOMPARE(match.mapping[2], std::string("sheet row 'treated1fb' matches no count column: dropped"));
  }

  void unmatchedNamesAreListedOnBothSides() {
    const auto sheet = readSampleSheet(sharedData("pasilla/pasilla_sample_annotation.csv"));
    DIFFBIO_EXPECT_INPUT_ERROR(
        matchSamples(sheet, {"untreated3", "control7"}, "sheet.csv"),
        "sheet.csv: cannot pair the sample sheet with the count columns: count columns without a sheet row: control7; "
        "sheet rows without a count column: treated1fb, treated2fb, treated3fb, untreated1fb, untreated2fb, "
        "untreated4fb");
    // Without untreated1 among the count columns, untreated1fb contains treated1 just like treated1fb does.
    DIFFBIO_EXPECT_INPUT_ERROR(matchSamples(sheet, {"treated1"}),
                               "count column 'treated1' is contained in several sheet names (treated1fb, "
                               "untreated1fb)");
    // A count column contained in two sheet names is ambiguous, not guessed.
    diffbio::data::Table twice({"s1_rep_a", "s1_rep_b"});
    twice.addColumn(diffbio::data::Column("x", std::vector<std::int64_t>{1, 2}));
    DIFFBIO_EXPECT_INPUT_ERROR(matchSamples(twice, {"s1"}), "count column 's1' is contained in several sheet names");
  }

  void columnTyping() {
    const fs::path path = writeText("sheet_typing", "sheet.tsv",
                                    "sample\tflag\tdose\tbatch\tnote\tgroup\n"
                                    "a\tTRUE\t1.5\t1\tx\tctl\n"
                                    "b\tFALSE\tNA\t2\t\tctl\n"
                                    "c\tTRUE\t1e3\t\tz\tko\n");
    const auto sheet = readSampleSheet(path.string());
    QVERIFY(sheet.column("flag").type() == ColumnType::Bool);
    QCOMPARE(sheet.column("flag").bools()[1], std::uint8_t(0));
    QVERIFY(sheet.column("dose").type() == ColumnType::Float);
    QVERIFY(sheet.column("dose").isMissing(1));
    QCOMPARE(sheet.column("dose").floats()[2], 1000.0);
    QVERIFY(sheet.column("batch").type() == ColumnType::Int);
    QVERIFY(sheet.column("batch").isMissing(2));
    QVERIFY(!sheet.column("batch").isMissing(1));
    QVERIFY(sheet.column("note").type() == ColumnType::Categorical);
    QVERIFY(sheet.column("note").isMissing(1));
    QCOMPARE(sheet.column("group").categorical().levels, (std::vector<std::string>{"ctl", "ko"}));
  }

  void rWriteTableHeaderIsAccepted() {
    // R's write.table: the header has no field above the row names.
    const fs::path rstyle = writeText("sheet_rstyle", "sheet.tsv", "condition\tbatch\ns1\tA\t1\ns2\tB\t2\n");
    const auto sheet = readSampleSheet(rstyle.string());
    QCOMPARE(sheet.rowNames(), (std::vector<std::string>{"s1", "s2"}));
    QCOMPARE(sheet.indexName, std::string());
    QCOMPARE(sheet.column("condition").text(1), std::string("B"));
    QCOMPARE(sheet.column("batch").ints()[1], std::int64_t(2));
  }

  void badSheets() {
    DIFFBIO_EXPECT_INPUT_ERROR(readSampleSheet(writeText("sheet_bad1", "empty.csv", "").string()),
                               "empty.csv: the sample sheet is empty");
    DIFFBIO_EXPECT_INPUT_ERROR(readSampleSheet(writeText("sheet_bad2", "header.csv", "sample,condition\n").string()),
                               "header.csv:1: the sample sheet has a header line but no samples");
    DIFFBIO_EXPECT_INPUT_ERROR(
        readSampleSheet(writeText("sheet_bad3", "ragged.csv", "sample,condition,batch\na,x,1\nb,y\n").string()),
        "ragged.csv:3:3: this row has 2 fields but the header (line 1) has 3");
    DIFFBIO_EXPECT_INPUT_ERROR(
        readSampleSheet(writeText("sheet_bad4", "dup.csv", "sample,condition\na,x\nb,y\na,z\n").string()),
        "dup.csv:4:1: duplicate sample name 'a', already on line 2");
    DIFFBIO_EXPECT_INPUT_ERROR(
        readSampleSheet(writeText("sheet_bad5", "dupcol.csv", "sample,c,c\na,x,1\n").string()),
        "dupcol.csv:1:3: the column name 'c' appears twice");
    DIFFBIO_EXPECT_INPUT_ERROR(
        readSampleSheet(writeText("sheet_bad6", "quote.csv", "sample,c\n\"a,x\n").string()),
        "quote.csv:2:1: field 1 opens a quote");
  }
};

QTEST_GUILESS_MAIN(SampleSheetTest)
#include "test_sample_sheet.moc"
