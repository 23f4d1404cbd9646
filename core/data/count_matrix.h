#pragma once
// A matrix of counts (or other expression values) with observation and gene names.
//
// Orientation: rows are observations (samples or cells), columns are genes (features), as in AnnData and in the
// seed's `counts[n_samples, n_genes]`. This choice lets 10x MTX (column-sorted genes x cells), 10x HDF5 (CSC) and
// h5ad CSR all load straight into CSR without a transpose, and gives the DE engine a [samples, genes] tensor.
//
// Storage is dense (row-major doubles, for bulk data) or sparse CSR (float32 values, int32 column indices, int64
// row pointers: 8 bytes per stored entry, for single-cell data, which is never densified whole).
// Values are immutable after construction; flags such as integer-ness are computed once there.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace diffbio::data {

enum class AssayKind { Bulk, SingleCell };

struct CsrStorage {
  std::vector<std::int64_t> indptr;   // nObs + 1 entries
  std::vector<std::int32_t> indices;  // gene index of each stored entry; sorted within a row
  std::vector<float> values;          // stored values, same length as indices
};

struct ValueFlags {
  bool allInteger = true;   // every value is a whole number (raw counts)
  bool nonNegative = true;  // no value below zero
  bool allFinite = true;    // no NaN or infinity
};

class CountMatrix {
 public:
  using Dense = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  CountMatrix() = default;
  // Names must match the shape; throws std::invalid_argument otherwise (a programming error, not user input).
  static CountMatrix fromDense(Dense values, std::vector<std::string> obsNames, std::vector<std::string> geneNames,
                               AssayKind kind = AssayKind::Bulk);
  // Checks that indptr is monotone and indices are in range and sorted within rows; throws std::invalid_argument.
  static CountMatrix fromCsr(std::int64_t nObs, std::int64_t nGenes, CsrStorage csr,
                             std::vector<std::string> obsNames, std::vector<std::string> geneNames,
                             AssayKind kind = AssayKind::SingleCell);

  std::int64_t nObs() const { return nObs_; }
  std::int64_t nGenes() const { return nGenes_; }
  bool isSparse() const { return sparse_; }
  AssayKind kind() const { return kind_; }
  const ValueFlags& flags() const { return flags_; }

  const Dense& dense() const;        // throws std::logic_error when sparse
  const CsrStorage& csr() const;     // throws std::logic_error when dense
  double at(std::int64_t obs, std::int64_t gene) const;  // O(log nnz-per-row) for sparse

  std::int64_t nnz() const;          // stored non-zeros for sparse; non-zero entries for dense
  double density() const;            // nnz / (nObs * nGenes)

  const std::vector<std::string>& obsNames() const { return obsNames_; }
  const std::vector<std::string>& geneNames() const { return geneNames_; }

  // Per-axis summaries computed without densifying.
  Eigen::VectorXd obsSums() const;   // library sizes
  Eigen::VectorXd geneSums() const;
  Eigen::VectorXd obsMeans() const;
  Eigen::VectorXd geneMeans() const;

  CountMatrix toDense() const;       // for small matrices only (a copy)
  CountMatrix toSparse() const;
  // Subsets keep the storage kind and the order given.
  CountMatrix selectGenes(const std::vector<std::int64_t>& genes) const;
  CountMatrix selectObs(const std::vector<std::int64_t>& obs) const;

  bool sameValues(const CountMatrix& other) const;  // equal shape, names and values, whatever the storage

 private:
  void computeFlags();

  std::int64_t nObs_ = 0;
  std::int64_t nGenes_ = 0;
  bool sparse_ = false;
  AssayKind kind_ = AssayKind::Bulk;
  Dense dense_;
  CsrStorage csr_;
  std::vector<std::string> obsNames_;
  std::vector<std::string> geneNames_;
  ValueFlags flags_;
};

}  // namespace diffbio::data
