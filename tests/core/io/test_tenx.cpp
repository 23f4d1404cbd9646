// Cell Ranger outputs: every scanpy 10x sample (v2/v3 MTX folders and HDF5 files, several genomes, integer ids).
// The MTX folder and the HDF5 file of the same run are independent encodings and must give identical matrices.
#include "test_support.h"

#include <fstream>

#include "core/io/count_readers.h"
#include "core/io/tenx.h"

using diffbio::data::CountMatrix;
using diffbio::io::LoadedCounts;
using diffbio::io::readTenxH5;
using diffbio::io::readTenxMtxDir;
using diffbio::test::sharedData;

namespace {

std::string tenx(const std::string& relative) {
  return sharedData("sc_10x_format_samples_scanpy/10x_data/" + relative);
}

std::vector<std::string> firstColumn(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(line.substr(0, line.find('\t')));
  return out;
}

}  // namespace

class TenxTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void v2FolderAndH5AreIdentical() {
    const LoadedCounts dir = readTenxMtxDir(tenx("1.2.0/filtered_gene_bc_matrices/hg19_chr21"));
    const LoadedCounts h5 = readTenxH5(tenx("1.2.0/filtered_gene_bc_matrices_h5.h5"));
    QCOMPARE(dir.matrix.nObs(), 12);     // cells
    QCOMPARE(dir.matrix.nGenes(), 343);  // genes
    QCOMPARE(dir.matrix.nnz(), 12);
    QVERIFY(dir.matrix.isSparse());
    QCOMPARE(dir.matrix.kind(), diffbio::data::AssayKind::SingleCell);
    QVERIFY(dir.matrix.flags().allInteger);
    QVERIFY(dir.matrix.sameValues(h5.matrix));  // values, barcodes and gene ids
    // First entries of matrix.mtx: "201 1 1", "123 2 1" (gene, cell, count; 1-based).
    QCOMPARE(dir.matrix.at(0, 200), 1.0);
    QCOMPARE(dir.matrix.at(1, 122), 1.0);
    QCOMPARE(dir.matrix.obsNames().front(), std::string("AACACGTGTACGCTGC-1"));
    QCOMPARE(dir.matrix.geneNames().front(), std::string("DSCAM"));
    QCOMPARE(dir.obs.rowNames(), dir.matrix.obsNames());
    QCOMPARE(dir.var.column("gene_symbols").strings(), h5.var.column("gene_symbols").strings());
    QVERIFY(!dir.var.find("feature_types"));
    QCOMPARE(h5.matrixSource, std::string("/hg19_chr21"));
    QCOMPARE(dir.matrixSource, std::string("matrix.mtx"));
  }

  void v3FolderAndH5AreIdentical() {
    const LoadedCounts dir = readTenxMtxDir(tenx("3.0.0/filtered_feature_bc_matrix"));
    const LoadedCounts h5 = readTenxH5(tenx("3.0.0/filtered_feature_bc_matrix.h5"));
    QCOMPARE(dir.matrix.nObs(), 1107);
    QCOMPARE(dir.matrix.nGenes(), 507);
    QCOMPARE(dir.matrix.nnz(), 23866);
    QVERIFY(dir.matrix.flags().allInteger);
    QVERIFY(dir.matrix.sameValues(h5.matrix));
    // matrix.mtx.gz starts "458 1 3", "456 1 1": genes within a cell are not sorted in the file.
    QCOMPARE(dir.matrix.at(0, 457), 3.0);
    QCOMPARE(dir.matrix.at(0, 455), 1.0);
    QCOMPARE(dir.matrix.geneNames().front(), std::string("ENSG00000279493"));
    QCOMPARE(dir.var.column("gene_symbols").strings().front(), std::string("CH507-9B2.2"));
    QCOMPARE(dir.var.column("feature_types").strings(), h5.var.column("feature_types").strings());
    QCOMPARE(dir.var.column("feature_types").strings().front(), std::string("Gene Expression"));
    QCOMPARE(dir.var.column("gene_symbols").strings(), h5.var.column("gene_symbols").strings());
    QVERIFY(h5.var.find("genome"));
    QCOMPARE(dir.obs.rowNames().back(), h5.obs.rowNames().back());
    // Totals computed two independent ways agree, and every cell has counts.
    QCOMPARE(dir.matrix.obsSums().sum(), h5.matrix.obsSums().sum());
    QVERIFY(dir.matrix.obsSums().minCoeff() > 0);
  }

  void v3GenomeSelection() {
    const std::string path = tenx("3.0.0/filtered_feature_bc_matrix.h5");
    const LoadedCounts all = readTenxH5(path);
    const std::string genome = all.var.column("genome").strings().front();
    const LoadedCounts chosen = readTenxH5(path, genome);
    QCOMPARE(chosen.matrix.nGenes(), 507);  // a single-genome file: choosing its genome keeps everything
    QVERIFY(chosen.matrix.sameValues(all.matrix));
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxH5(path, "mm10"), ("choose one of: " + genome).c_str());
  }

  void multipleGenomesNeedAChoice() {
    const std::string path = tenx("1.2.0/multiple_genomes.h5");
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxH5(path), "several genomes: another_genome, hg19_chr21");
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxH5(path, "mm10"), "choose one of: another_genome, hg19_chr21");
    const LoadedCounts human = readTenxH5(path, "hg19_chr21");
    QVERIFY(human.matrix.sameValues(readTenxH5(tenx("1.2.0/filtered_gene_bc_matrices_h5.h5")).matrix));
    QCOMPARE(human.matrixSource, std::string("/hg19_chr21"));
    const LoadedCounts other = readTenxH5(path, "another_genome");
    QCOMPARE(other.matrix.nObs(), 12);
    QCOMPARE(other.matrix.nGenes(), 343);
    // Through the sniffer and the count-reading options as the app uses them.
    diffbio::io::CountReadOptions options;
    options.genome = "hg19_chr21";
    QVERIFY(diffbio::io::readCounts(path, options).matrix.sameValues(human.matrix));
  }

  // Integer feature ids stay text ids; features.tsv lacks a final newline; the field is "real" with whole values.
  void integerIdsEdgeCase() {
    const LoadedCounts loaded = readTenxMtxDir(tenx("int-ids"));
    QCOMPARE(loaded.matrix.nObs(), 5);
    QCOMPARE(loaded.matrix.nGenes(), 6);
    QCOMPARE(loaded.matrix.nnz(), 3);
    QCOMPARE(loaded.matrix.geneNames(), (std::vector<std::string>{"574405", "574404", "574403", "574402",
                                                                   "100862323", "100862329"}));
    QCOMPARE(loaded.var.column("gene_symbols").strings().back(), std::string("Btbd35f21"));
    QCOMPARE(loaded.matrix.obsNames(), firstColumn(tenx("int-ids/barcodes.tsv")));
    QCOMPARE(loaded.matrix.at(2, 3), 6.0);
    QCOMPARE(loaded.matrix.at(2, 4), 1.0);
    QCOMPARE(loaded.matrix.at(2, 5), 1.0);
    QVERIFY(loaded.matrix.flags().allInteger);
  }

  void sniffedThroughReadCounts() {
    const auto dir = diffbio::io::readCounts(tenx("3.0.0/filtered_feature_bc_matrix"));
    QCOMPARE(dir.format, diffbio::io::Format::TenxMtxDir);
    const auto h5 = diffbio::io::readCounts(tenx("3.0.0/filtered_feature_bc_matrix.h5"));
    QCOMPARE(h5.format, diffbio::io::Format::TenxH5);
    QVERIFY(dir.matrix.sameValues(h5.matrix));
  }

  void folderErrorsNameTheFile() {
    namespace fs = std::filesystem;
    const auto dir = diffbio::test::scratchDir("tenx_bad");
    const fs::path source = tenx("1.2.0/filtered_gene_bc_matrices/hg19_chr21");
    fs::copy_file(source / "matrix.mtx", dir / "matrix.mtx");
    fs::copy_file(source / "genes.tsv", dir / "genes.tsv");
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxMtxDir(dir.string()), "no barcodes.tsv.gz or barcodes.tsv");
    std::ofstream(dir / "barcodes.tsv") << "AAAC-1\nAAAG-1\n";
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxMtxDir(dir.string()), "barcodes.tsv: lists 2 barcodes but matrix.mtx has 12");
    fs::copy_file(source / "barcodes.tsv", dir / "barcodes.tsv", fs::copy_options::overwrite_existing);
    QCOMPARE(readTenxMtxDir(dir.string()).matrix.nObs(), 12);
    std::ofstream(dir / "genes.tsv") << "G1\tA\nG2\tB\n";
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxMtxDir(dir.string()), "genes.tsv: lists 2 genes but matrix.mtx has 343 rows");
    fs::remove(dir / "genes.tsv");
    DIFFBIO_EXPECT_INPUT_ERROR(readTenxMtxDir(dir.string()), "no gene list");
  }
};

QTEST_GUILESS_MAIN(TenxTest)
#include "test_tenx.moc"
