// Delimited count tables, featureCounts output and salmon quant.sf, on the real files in ../shared/data, plus the
// bad-input corpus in tests/data/bad/delimited and the number parser the readers share.
#include "test_support.h"

#include <zlib.h>

#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "core/io/delimited_counts.h"
#include "core/io/delimited_number.h"
#include "core/io/format.h"
#include "core/io/text_source.h"

namespace fs = std::filesystem;
using diffbio::data::ColumnType;
using diffbio::io::CountReadOptions;
using diffbio::io::Format;
using diffbio::io::LoadedCounts;
using diffbio::io::NumberKind;
using diffbio::io::parseNumber;
using diffbio::io::readDelimitedCounts;
using diffbio::io::readSalmonQuant;
using diffbio::test::sharedData;

namespace {

const std::string kPasilla = "pasilla/pasilla_gene_counts.tsv";

std::vector<std::string> readLines(const std::string& path) {
  diffbio::io::TextSource source(path);
  std::vector<std::string> lines;
  std::string_view line;
  while (source.nextLine(line)) lines.emplace_back(line);
  return lines;
}

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool hasNoteContaining(const LoadedCounts& loaded, const std::string& needle) {
  for (const auto& note : loaded.notes)
    if (note.find(needle) != std::string::npos) return true;
  return false;
}

// What readCounts does for these formats, without linking the other readers.
LoadedCounts readLikeReadCounts(const std::string& path) {
  const auto guess = diffbio::io::sniffFormat(path);
  return guess.format == Format::SalmonQuant ? readSalmonQuant(path) : readDelimitedCounts(path);
}

}  // namespace

class DelimitedCountsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pasillaGenesBySamples() {
    const LoadedCounts loaded = readDelimitedCounts(sharedData(kPasilla));
    const auto& m = loaded.matrix;
    QCOMPARE(static_cast<int>(loaded.format), static_cast<int>(Format::DelimitedTable));
    QCOMPARE(m.nObs(), 7);
    QCOMPARE(m.nGenes(), 14599);
    QVERIFY(!m.isSparse());
    QVERIFY(m.kind() == diffbio::data::AssayKind::Bulk);
    QCOMPARE(m.obsNames(), (std::vector<std::string>{"untreated1", "untreated2", "untreated3", "untreated4",
                                                      "treated1", "treated2", "treated3"}));
    // Column sums from the dataset's README (exact integers).
    const std::vector<double> sums{13972512, 21911438, 8358426, 9841335, 18670279, 9571826, 10343856};
    const Eigen::VectorXd librarySizes = m.obsSums();
    for (int i = 0; i < 7; ++i) QCOMPARE(librarySizes[i], sums[static_cast<std::size_t>(i)]);
    const auto gene = std::find(m.geneNames().begin(), m.geneNames().end(), "FBgn0000008") - m.geneNames().begin();
    QCOMPARE(gene, 1);
    const std::vector<double> fbgn8{92, 161, 76, 70, 140, 88, 70};
    for (int i = 0; i < 7; ++i) QCOMPARE(m.at(i, gene), fbgn8[static_cast<std::size_t>(i)]);
    QCOMPARE(m.geneNames().front(), std::string("FBgn0000003"));
    QCOMPARE(m.geneNames().back(), std::string("FBgn0261575"));
    QVERIFY(m.flags().allInteger);
    QVERIFY(m.flags().nonNegative);
    QCOMPARE(loaded.var.nRows(), std::size_t(14599));
    QCOMPARE(loaded.var.nColumns(), std::size_t(0));
    QCOMPARE(loaded.var.indexName, std::string("gene_id"));
    QCOMPARE(loaded.obs.rowNames(), m.obsNames());
    QVERIFY(hasNoteContaining(loaded, "tab-separated"));
  }

  void gzipCopyReadsIdentically() {
    const fs::path dir = diffbio::test::scratchDir("delimited_gzip");
    const std::string gzPath = (dir / "pasilla_gene_counts.tsv.gz").string();
    {
      std::ifstream in(sharedData(kPasilla), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      gzFile gz = gzopen(gzPath.c_str(), "wb6");
      QVERIFY(gz != nullptr);
      QCOMPARE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
      QCOMPARE(gzclose(gz), Z_OK);
    }
    QVERIFY(diffbio::io::isGzipFile(gzPath));
    const LoadedCounts plain = readDelimitedCounts(sharedData(kPasilla));
    const LoadedCounts zipped = readDelimitedCounts(gzPath);
    QVERIFY(zipped.matrix.sameValues(plain.matrix));
    QVERIFY(hasNoteContaining(zipped, "gzip"));
  }

  void transposedPasillaReadsAsSamplesByGenes() {
    // Write pasilla with one row per sample, then read it with samplesAsRows: the same matrix.
    const std::vector<std::string> lines = readLines(sharedData(kPasilla));
    std::vector<std::vector<std::string>> cells;
    for (const auto& line : lines) cells.push_back(splitTabs(line));
    std::string text;
    for (std::size_t col = 0; col < cells[0].size(); ++col) {
      for (std::size_t row = 0; row < cells.size(); ++row) text += (row ? "," : "") + cells[row][col];
      text += "\n";
    }
    const fs::path path = diffbio::test::scratchDir("delimited_transposed") / "pasilla_samples_x_genes.csv";
    writeText(path, text);
    CountReadOptions options;
    options.samplesAsRows = true;
    const LoadedCounts transposed = readDelimitedCounts(path.string(), options);
    const LoadedCounts original = readDelimitedCounts(sharedData(kPasilla));
    QCOMPARE(transposed.matrix.nObs(), 7);
    QCOMPARE(transposed.matrix.nGenes(), 14599);
    QVERIFY(transposed.matrix.sameValues(original.matrix));
    QVERIFY(hasNoteContaining(transposed, "comma-separated"));
    QVERIFY(hasNoteContaining(transposed, "samples x genes"));
  }

  void pydeseq2SamplesAsRows() {
    // PyDESeq2's hard-coded 8 x 5 table, written with one row per sample (pandas style: empty first header).
    CountReadOptions options;
    options.samplesAsRows = true;
    const LoadedCounts loaded =
        readDelimitedCounts(sharedData("pydeseq2_synthetic/tests/data/large_counts/test_counts_from_test_pydeseq2_py.csv"),
                            options);
    const auto& m = loaded.matrix;
    QCOMPARE(m.nObs(), 8);
    QCOMPARE(m.nGenes(), 5);
    QCOMPARE(m.obsNames().front(), std::string("A1"));
    QCOMPARE(m.obsNames().back(), std::string("B4"));
    QCOMPARE(m.geneNames(), (std::vector<std::string>{"g1", "g2", "g3", "g4", "g5"}));
    QCOMPARE(m.at(0, 4), 489843.0);
    QCOMPARE(m.at(7, 0), 15.0);
    QCOMPARE(m.geneSums()[4], 489843.0 + 514571 + 564106 + 556380 + 412551 + 295565 + 280945 + 214062);
  }

  void pydeseq2QuotedCsv() {
    // R's write.csv: every field quoted, an empty first header field; 10 genes x 100 samples.
    const LoadedCounts loaded = readDelimitedCounts(sharedData("pydeseq2_synthetic/datasets/synthetic/test_counts.csv"));
    const auto& m = loaded.matrix;
    QCOMPARE(m.nGenes(), 10);
    QCOMPARE(m.nObs(), 100);
    QCOMPARE(m.obsNames()[0], std::string("sample1"));
    QCOMPARE(m.obsNames()[99], std::string("sample100"));
    QCOMPARE(m.geneNames()[0], std::string("gene1"));
    QCOMPARE(m.at(0, 0), 12.0);  // gene1, sample1
    QCOMPARE(m.at(1, 0), 1.0);   // gene1, sample2
    QCOMPARE(m.at(0, 1), 21.0);  // gene2, sample1
    // Library sizes computed independently with Python's csv module: 307, 299, 352 ... 233; total 29978.
    QCOMPARE(m.obsSums()[0], 307.0);
    QCOMPARE(m.obsSums()[1], 299.0);
    QCOMPARE(m.obsSums()[2], 352.0);
    QCOMPARE(m.obsSums()[99], 233.0);
    QCOMPARE(m.obsSums().sum(), 29978.0);
    QCOMPARE(loaded.var.indexName, std::string("gene_id"));  // the empty header field gets a name
  }

  void featureCountsOutput() {
    // A featureCounts file built from the first pasilla genes: program line, annotation columns, BAM paths.
    const std::vector<std::string> lines = readLines(sharedData(kPasilla));
    const std::vector<std::string> samples = splitTabs(lines[0]);
    std::string text = "# Program:featureCounts v2.0.3; Command:\"featureCounts\" \"-a\" \"dmel-r5.gtf\" \"-o\" "
                       "\"counts.txt\"\nGeneid\tChr\tStart\tEnd\tStrand\tLength";
    for (std::size_t j = 1; j < samples.size(); ++j) text += "\t/data/bam/" + samples[j] + ".bam";
    text += "\n";
    const int nGenes = 50;
    for (int g = 1; g <= nGenes; ++g) {
      const std::vector<std::string> row = splitTabs(lines[static_cast<std::size_t>(g)]);
      // Multi-exon genes have ';'-joined coordinates, single-exon genes plain numbers.
      const std::string chr = g % 2 ? "3R;3R" : "2L";
      const std::string start = g % 2 ? std::to_string(1000 * g) + ";" + std::to_string(1000 * g + 500)
                                      : std::to_string(1000 * g);
      const std::string end = g % 2 ? std::to_string(1000 * g + 300) + ";" + std::to_string(1000 * g + 900)
                                    : std::to_string(1000 * g + 700);
      text += row[0] + "\t" + chr + "\t" + start + "\t" + end + "\t" + (g % 3 ? "+" : "-") + "\t" +
              std::to_string(500 + g);
      for (std::size_t j = 1; j < row.size(); ++j) text += "\t" + row[j];
      text += "\n";
    }
    const fs::path path = diffbio::test::scratchDir("delimited_featurecounts") / "counts.txt";
    writeText(path, text);
    QCOMPARE(static_cast<int>(diffbio::io::sniffFormat(path.string()).format), static_cast<int>(Format::FeatureCounts));

    const LoadedCounts loaded = readDelimitedCounts(path.string());
    QCOMPARE(static_cast<int>(loaded.format), static_cast<int>(Format::FeatureCounts));
    QCOMPARE(loaded.matrix.nObs(), 7);
    QCOMPARE(loaded.matrix.nGenes(), nGenes);
    QCOMPARE(loaded.matrix.obsNames()[0], std::string("untreated1"));  // shortened from /data/bam/untreated1.bam
    QVERIFY(hasNoteContaining(loaded, "shortened"));
    QVERIFY(hasNoteContaining(loaded, "Chr, Start, End, Strand, Length"));
    const auto& var = loaded.var;
    QCOMPARE(var.nColumns(), std::size_t(5));
    QCOMPARE(var.indexName, std::string("Geneid"));
    QVERIFY(var.column("Length").type() == ColumnType::Int);
    QCOMPARE(var.column("Length").ints()[1], std::int64_t(502));
    QVERIFY(var.column("Start").type() == ColumnType::String);  // ';'-joined exon starts
    QCOMPARE(var.column("Start").text(0), std::string("1000;1500"));
    QCOMPARE(var.column("Chr").text(1), std::string("2L"));
    // The counts equal the first 50 pasilla genes.
    const LoadedCounts pasilla = readDelimitedCounts(sharedData(kPasilla));
    std::vector<std::int64_t> first(nGenes);
    std::iota(first.begin(), first.end(), 0);
    const auto expected = pasilla.matrix.selectGenes(first);
    for (int i = 0; i < 7; ++i)
      for (int g = 0; g < nGenes; ++g) QCOMPARE(loaded.matrix.at(i, g), expected.at(i, g));
    QCOMPARE(loaded.matrix.at(0, 1), 92.0);  // FBgn0000008 in untreated1
  }

  void salmonQuant() {
    const std::string path = sharedData("kallisto_test/reference_outputs/salmon_1.10.1_default/quant.sf");
    const LoadedCounts loaded = readSalmonQuant(path);
    const auto& m = loaded.matrix;
    QCOMPARE(static_cast<int>(loaded.format), static_cast<int>(Format::SalmonQuant));
    QCOMPARE(m.nObs(), 1);
    QCOMPARE(m.nGenes(), 14);
    QCOMPARE(m.obsNames()[0], std::string("salmon_1.10.1_default"));  // the folder holding quant.sf
    QCOMPARE(m.geneNames()[1], std::string("ENST00000282507.7"));
    QCOMPARE(m.at(0, 1), 1548.799);
    QCOMPARE(m.at(0, 10), 4231.0);
    QVERIFY(std::fabs(m.obsSums()[0] - 9335.0) < 1e-9);  // salmon's NumReads add up to 9335 mapped reads
    QVERIFY(!m.flags().allInteger);
    QCOMPARE(loaded.matrixSource, std::string("NumReads column"));
    QVERIFY(loaded.var.column("Length").type() == ColumnType::Int);
    QCOMPARE(loaded.var.column("Length").ints()[0], std::int64_t(1924));
    QVERIFY(loaded.var.column("EffectiveLength").type() == ColumnType::Float);
    QCOMPARE(loaded.var.column("TPM").floats()[1], 136050.001942);
    QVERIFY(hasNoteContaining(loaded, "not whole numbers"));
    // readDelimitedCounts hands a salmon header to the salmon reader.
    QVERIFY(readDelimitedCounts(path).matrix.sameValues(m));
  }

  void nonIntegerValuesAreFlaggedNotRejected() {
    const fs::path path = diffbio::test::scratchDir("delimited_nonint") / "tpm.tsv";
    writeText(path, "gene\ta\tb\ng1\t1.5\t2\ng2\t0\t3.25e2\n");
    const LoadedCounts loaded = readDelimitedCounts(path.string());
    QVERIFY(!loaded.matrix.flags().allInteger);
    QCOMPARE(loaded.matrix.at(1, 1), 325.0);
    QVERIFY(hasNoteContaining(loaded, "1.5 for g1 in a"));
  }

  void headerVariants() {
    const fs::path dir = diffbio::test::scratchDir("delimited_headers");
    // No header: all fields after the first are numbers.
    writeText(dir / "noheader.csv", "g1,1,2,3\ng2,4,5,6\n");
    const LoadedCounts none = readDelimitedCounts((dir / "noheader.csv").string());
    QCOMPARE(none.matrix.obsNames(), (std::vector<std::string>{"sample_1", "sample_2", "sample_3"}));
    QCOMPARE(none.matrix.at(2, 1), 6.0);
    QVERIFY(hasNoteContaining(none, "no header line"));
    // R write.table: the header has no field above the row names; CRLF and no final newline; a blank line.
    writeText(dir / "rstyle.txt", "a\tb\r\ng1\t1\t2\r\n\r\ng2\t3\t4");
    const LoadedCounts rstyle = readDelimitedCounts((dir / "rstyle.txt").string());
    QCOMPARE(rstyle.matrix.obsNames(), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(rstyle.matrix.geneNames(), (std::vector<std::string>{"g1", "g2"}));
    QCOMPARE(rstyle.matrix.at(1, 1), 4.0);
    // Quoted fields with a delimiter and a doubled quote inside, a text annotation column, a UTF-8 BOM.
    writeText(dir / "quoted.csv",
              "\xEF\xBB\xBF\"id\",\"symbol\",\"s 1\",\"s,2\"\n\"g1\",\"Abc \"\"x\"\"\",\"7\",8\n\"g2\",\"B, c\",9,10\n");
    const LoadedCounts quoted = readDelimitedCounts((dir / "quoted.csv").string());
    QCOMPARE(quoted.matrix.obsNames(), (std::vector<std::string>{"s 1", "s,2"}));
    QCOMPARE(quoted.matrix.at(1, 0), 8.0);
    QCOMPARE(quoted.var.indexName, std::string("id"));
    QCOMPARE(quoted.var.column("symbol").text(0), std::string("Abc \"x\""));
    QCOMPARE(quoted.var.column("symbol").text(1), std::string("B, c"));
    QVERIFY(hasNoteContaining(quoted, "column symbol is a gene annotation, not counts: kept in var"));
  }

  void badCorpus_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const std::vector<std::string> manifest = readLines(diffbio::test::testData("bad/delimited/expected.tsv"));
    QVERIFY(manifest.size() >= 13);  // header + at least 12 cases
    for (std::size_t i = 1; i < manifest.size(); ++i) {
      const std::vector<std::string> fields = splitTabs(manifest[i]);
      QCOMPARE(fields.size(), std::size_t(2));
      QTest::newRow(fields[0].c_str()) << QString::fromStdString(fields[0]) << QString::fromStdString(fields[1]);
    }
  }

  void badCorpus() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const std::string path = diffbio::test::testData("bad/delimited/" + file.toStdString());
    QVERIFY(fs::exists(path));
    try {
      readLikeReadCounts(path);
      QFAIL("no error");
    } catch (const diffbio::InputError& error) {
      const std::string message = error.what();
      QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
      QVERIFY2(message.find(file.toStdString()) != std::string::npos, message.c_str());
      QVERIFY2(!error.fix().empty(), message.c_str());
    }
    // The reader itself (not only the sniffer) rejects the file too.
    const std::string name = file.toStdString();
    DIFFBIO_EXPECT_INPUT_ERROR(readDelimitedCounts(path), name.c_str());
  }

  void duplicatesInSamplesAsRows() {
    const fs::path path = diffbio::test::scratchDir("delimited_dup_rows") / "samples.csv";
    writeText(path, ",g1,g2\nA1,1,2\nA2,3,4\nA1,5,6\n");
    CountReadOptions options;
    options.samplesAsRows = true;
    DIFFBIO_EXPECT_INPUT_ERROR(readDelimitedCounts(path.string(), options),
                               "samples.csv:4:1: duplicate sample id 'A1', already on line 2");
  }

  void numberParser() {
    QVERIFY(parseNumber("12").kind == NumberKind::Number);
    QVERIFY(parseNumber("12").isInteger);
    QCOMPARE(parseNumber("-7").value, -7.0);
    QCOMPARE(parseNumber("+7").value, 7.0);
    QCOMPARE(parseNumber("123456789012345678").value, 123456789012345678.0);
    QCOMPARE(parseNumber("1234567890123456789012").value, 1.234567890123456789012e21);
    QCOMPARE(parseNumber("2.5e-3").value, 0.0025);
    QCOMPARE(parseNumber(".5").value, 0.5);
    QVERIFY(!parseNumber("2.0").isInteger);
    QVERIFY(parseNumber("").kind == NumberKind::Empty);
    QVERIFY(parseNumber("NA").kind == NumberKind::Missing);
    QVERIFY(parseNumber("#N/A").kind == NumberKind::Missing);
    QVERIFY(parseNumber("NaN").kind == NumberKind::NotANumber);
    QVERIFY(parseNumber("nan").kind == NumberKind::NotANumber);
    QVERIFY(parseNumber("Inf").kind == NumberKind::Infinite);
    QVERIFY(parseNumber("-Infinity").kind == NumberKind::Infinite);
    QVERIFY(parseNumber("1e999").kind == NumberKind::Infinite);
    QVERIFY(parseNumber("1e-999").kind == NumberKind::Number);
    QVERIFY(parseNumber("12 ").kind == NumberKind::Text);
    QVERIFY(parseNumber("12abc").kind == NumberKind::Text);
    QVERIFY(parseNumber("--1").kind == NumberKind::Text);
    QVERIFY(parseNumber("+-1").kind == NumberKind::Text);
    QVERIFY(parseNumber("-").kind == NumberKind::Text);
    QVERIFY(parseNumber("0x10").kind == NumberKind::Text);
    std::int64_t value = 0;
    QVERIFY(diffbio::io::parseInteger("-42", value));
    QCOMPARE(value, std::int64_t(-42));
    QVERIFY(!diffbio::io::parseInteger("4.0", value));
    QVERIFY(!diffbio::io::parseInteger("99999999999999999999", value));
  }
};

QTEST_GUILESS_MAIN(DelimitedCountsTest)
#include "test_delimited_counts.moc"
