// The format sniffer decides by content, on the real files in ../shared/data.
#include "test_support.h"

#include <fstream>

#include "core/io/format.h"

using diffbio::io::Format;
using diffbio::io::sniffFormat;
using diffbio::test::sharedData;

class FormatTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void recognisesTheRealFiles_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("format");
    QTest::addColumn<bool>("gzip");
    auto row = [](const char* name, const std::string& path, Format f, bool gz) {
      QTest::newRow(name) << QString::fromStdString(path) << static_cast<int>(f) << gz;
    };
    row("pasilla", sharedData("pasilla/pasilla_gene_counts.tsv"), Format::DelimitedTable, false);
    row("sample sheet", sharedData("pasilla/pasilla_sample_annotation.csv"), Format::DelimitedTable, false);
    row("salmon", sharedData("kallisto_test/reference_outputs/salmon_1.10.1_default/quant.sf"), Format::SalmonQuant,
        false);
    row("mtx", sharedData("sc_pbmc_small_seuratobject/counts_genes_x_cells.mtx"), Format::MatrixMarket, false);
    row("mtx.gz", sharedData("sc_pbmc68k_reduced_scanpy/plain_export/raw_X_cells_x_genes.mtx.gz"),
        Format::MatrixMarket, true);
    row("10x v2 dir", sharedData("sc_10x_format_samples_scanpy/10x_data/1.2.0/filtered_gene_bc_matrices/hg19_chr21"),
        Format::TenxMtxDir, false);
    row("10x v3 dir", sharedData("sc_10x_format_samples_scanpy/10x_data/3.0.0/filtered_feature_bc_matrix"),
        Format::TenxMtxDir, false);
    row("10x v3 h5", sharedData("sc_10x_format_samples_scanpy/10x_data/3.0.0/filtered_feature_bc_matrix.h5"),
        Format::TenxH5, false);
    row("10x v2 h5", sharedData("sc_10x_format_samples_scanpy/10x_data/1.2.0/filtered_gene_bc_matrices_h5.h5"),
        Format::TenxH5, false);
    row("h5ad", sharedData("sc_pbmc68k_reduced_scanpy/10x_pbmc68k_reduced.h5ad"), Format::H5ad, false);
    row("fastq.gz", sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz"), Format::Fastq, true);
    row("fastq", sharedData("fastq_fastp_testdata/R1.fq"), Format::Fastq, false);
  }

  void recognisesTheRealFiles() {
    QFETCH(QString, path);
    QFETCH(int, format);
    QFETCH(bool, gzip);
    const auto guess = sniffFormat(path.toStdString());
    QCOMPARE(static_cast<int>(guess.format), format);
    QCOMPARE(guess.gzip, gzip);
    QVERIFY(!guess.reason.empty());
  }

  void explainsWhatItCannotRead() {
    DIFFBIO_EXPECT_INPUT_ERROR(sniffFormat("/nonexistent/counts.tsv"), "no such file");
    DIFFBIO_EXPECT_INPUT_ERROR(sniffFormat(sharedData("pasilla")), "no matrix.mtx");
    DIFFBIO_EXPECT_INPUT_ERROR(sniffFormat(sharedData("hmm_dishonest_casino/casino.RData")), "supported:");
    const auto dir = diffbio::test::scratchDir("format");
    std::ofstream(dir / "empty.tsv").close();
    DIFFBIO_EXPECT_INPUT_ERROR(sniffFormat((dir / "empty.tsv").string()), "empty");
    std::ofstream(dir / "words.txt") << "just some words\nand more\n";
    DIFFBIO_EXPECT_INPUT_ERROR(sniffFormat((dir / "words.txt").string()), "unknown format");
  }
};

QTEST_GUILESS_MAIN(FormatTest)
#include "test_format.moc"
