// CountMatrix -> tensors: zero-copy for dense storage, exact blocks for subsets and sparse storage.
#include "test_support.h"

#include <ATen/ATen.h>

#include "core/data/count_matrix_tensor.h"
#include "core/io/count_readers.h"

using namespace diffbio;
using data::CountMatrix;

class CountMatrixTensorTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void denseIsSharedNotCopied() {
    auto matrix = std::make_shared<const CountMatrix>(
        io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv")).matrix);
    at::Tensor t = data::sharedDenseTensor(matrix);
    QCOMPARE(t.size(0), 7);
    QCOMPARE(t.size(1), 14599);
    QCOMPARE(static_cast<const void*>(t.data_ptr<double>()), static_cast<const void*>(matrix->dense().data()));
    QCOMPARE(t[0].sum().item<double>(), 13972512.0);  // untreated1's library size
    // The tensor keeps the matrix alive on its own.
    const double* storage = matrix->dense().data();
    matrix.reset();
    QCOMPARE(t.data_ptr<double>(), storage);
    const double expected[] = {92, 161, 76, 70, 140, 88, 70};  // FBgn0000008
    for (int j = 0; j < 7; ++j) QCOMPARE(t[j][1].item<double>(), expected[j]);
  }

  void blocksOfDenseAndSparseAgree() {
    // pbmc_small: 80 cells x 230 genes, sparse. A block of chosen cells and genes equals the dense matrix's.
    const CountMatrix sparse =
        io::readCounts(test::sharedData("sc_pbmc_small_seuratobject/counts_genes_x_cells.mtx")).matrix;
    QVERIFY(sparse.isSparse());
    const CountMatrix dense = sparse.toDense();
    const std::vector<std::int64_t> cells{79, 0, 5}, genes{3, 229, 0, 3};
    const at::Tensor a = data::denseBlock(sparse, cells, genes);
    const at::Tensor b = data::denseBlock(dense, cells, genes);
    QCOMPARE(a.size(0), 3);
    QCOMPARE(a.size(1), 4);
    QVERIFY(at::equal(a, b));
    for (std::size_t i = 0; i < cells.size(); ++i)
      for (std::size_t j = 0; j < genes.size(); ++j)
        QCOMPARE(a[i][j].item<double>(), sparse.at(cells[i], genes[j]));
    QCOMPARE(data::denseBlock(sparse).sum().item<double>(), sparse.obsSums().sum());
  }

  void sparseCsrKeepsTheEntries() {
    const CountMatrix sparse =
        io::readCounts(test::sharedData("sc_pbmc_small_seuratobject/counts_genes_x_cells.mtx")).matrix;
    const at::Tensor csr = data::sparseCsrTensor(sparse);
    QCOMPARE(csr.layout(), at::kSparseCsr);
    QCOMPARE(csr.values().numel(), 4456);
    QVERIFY(at::equal(csr.to_dense().to(at::kDouble), data::denseBlock(sparse)));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, data::sparseCsrTensor(sparse.toDense()));
  }
};

QTEST_GUILESS_MAIN(CountMatrixTensorTest)
#include "test_count_matrix_tensor.moc"
