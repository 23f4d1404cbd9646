#include "core/io/hdf5_matrix.h"

#include "core/io/hdf5_dataframe.h"
#include "core/io/hdf5_sparse.h"

namespace diffbio::io::h5 {

namespace {

constexpr const char* kResaveFix = "re-save the file with a current anndata (adata.write_h5ad) and try again";

std::pair<std::int64_t, std::int64_t> sparseShape(const Reader& reader, const std::string& path,
                                                  const char* attribute) {
  const auto shape = reader.integerListAttribute(path, attribute);
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    reader.fail(path, std::string("needs a '") + attribute + "' attribute with two non-negative numbers",
                kResaveFix);
  }
  return {shape[0], shape[1]};
}

}  // namespace

data::CountMatrix::Dense readDenseArray(const Reader& reader, const std::string& path) {
  const DatasetInfo info = reader.describe(path);
  if (info.dims.size() != 2) {
    reader.fail(path, "is a " + std::to_string(info.dims.size()) + "-dimensional array where a matrix (2-D) is needed",
                kResaveFix);
  }
  data::CountMatrix::Dense values(info.dims[0], info.dims[1]);
  reader.readNumbersInto<double>(path, values.data(), static_cast<std::size_t>(values.size()));
  return values;
}

StoredMatrix readAnnDataMatrix(const Reader& reader, const std::string& path) {
  StoredMatrix stored;
  const ObjectKind kind = reader.kind(path);
  if (kind == ObjectKind::Dataset) {
    const std::string encoding = reader.stringAttribute(path, "encoding-type").value_or("array");
    if (encoding != "array") {
      reader.fail(path, "has encoding-type '" + encoding + "', which DiffBio does not read as a matrix", kResaveFix);
    }
    stored.dense = readDenseArray(reader, path);
    stored.rows = stored.dense.rows();
    stored.columns = stored.dense.cols();
    stored.layout = "dense";
    return stored;
  }
  if (kind != ObjectKind::Group) reader.fail(path, "missing", kResaveFix);
  std::string encoding = reader.stringAttribute(path, "encoding-type").value_or("");
  const char* shapeAttribute = "shape";
  if (encoding.empty()) {  // anndata 0.6 wrote h5sparse attributes instead
    const std::string old = reader.stringAttribute(path, "h5sparse_format").value_or("");
    if (old == "csr" || old == "csc") encoding = old + "_matrix";
    shapeAttribute = "h5sparse_shape";
  }
  if (encoding != "csr_matrix" && encoding != "csc_matrix") {
    reader.fail(path,
                encoding.empty() ? std::string("is a group without an encoding-type attribute, so not a matrix")
                                 : "has encoding-type '" + encoding + "', which DiffBio does not read as a matrix",
                "store the matrix as a dense array or as a CSR/CSC sparse matrix (scipy.sparse csr_matrix)");
  }
  const auto [rows, columns] = sparseShape(reader, path, shapeAttribute);
  stored.rows = rows;
  stored.columns = columns;
  stored.sparse = true;
  if (encoding == "csr_matrix") {
    stored.csr = readCompressedSparse(reader, path, rows, columns, "rows");
    stored.layout = "CSR";
  } else {
    stored.csr = transposeCompressed(readCompressedSparse(reader, path, columns, rows, "columns"), columns, rows);
    stored.layout = "CSC";
  }
  return stored;
}

void writeDenseArray(Writer& writer, const std::string& path, const data::CountMatrix::Dense& values) {
  writer.numbers(path, values.data(), {values.rows(), values.cols()});
  setEncoding(writer, path, "array", "0.2.0");
}

void writeAnnDataMatrix(Writer& writer, const std::string& path, const data::CountMatrix& matrix) {
  if (!matrix.isSparse()) {
    writeDenseArray(writer, path, matrix.dense());
    return;
  }
  const data::CsrStorage& csr = matrix.csr();
  writer.group(path);
  setEncoding(writer, path, "csr_matrix", "0.1.0");
  writer.integerListAttribute(path, "shape", {matrix.nObs(), matrix.nGenes()});
  writer.numbers(child(path, "data"), csr.values);
  writer.numbers(child(path, "indices"), csr.indices);
  writer.numbers(child(path, "indptr"), csr.indptr);
}

}  // namespace diffbio::io::h5
