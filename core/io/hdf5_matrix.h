#pragma once
// AnnData matrix elements (X, layers/*, raw/X, obsm/*) in HDF5: dense 2-D arrays and CSR/CSC groups, in the
// anndata >= 0.7 encoding (encoding-type + shape attributes) and the anndata 0.6 one (h5sparse_format/_shape).
#include <cstdint>
#include <string>

#include "core/data/count_matrix.h"
#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_writer.h"

namespace diffbio::io::h5 {

struct StoredMatrix {
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  bool sparse = false;
  data::CsrStorage csr;              // when sparse (CSC is converted to CSR)
  data::CountMatrix::Dense dense;    // when dense
  std::string layout;                // "dense", "CSR" or "CSC", for notes
};

// Reads the matrix element at `path`. InputError for an unknown encoding-type, a bad shape or inconsistent arrays.
StoredMatrix readAnnDataMatrix(const Reader& reader, const std::string& path);

// A 2-D numeric dataset (e.g. obsm/X_umap) as doubles.
data::CountMatrix::Dense readDenseArray(const Reader& reader, const std::string& path);

// Writes `matrix` as a csr_matrix group when sparse, else as a dense float64 array.
void writeAnnDataMatrix(Writer& writer, const std::string& path, const data::CountMatrix& matrix);
void writeDenseArray(Writer& writer, const std::string& path, const data::CountMatrix::Dense& values);

}  // namespace diffbio::io::h5
