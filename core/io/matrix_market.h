#pragma once
// MatrixMarket coordinate files (plain or gzip): reading at >= 15 M entries/s and writing.
#include <string>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

// How the file's rows and columns map onto the CountMatrix (observations x genes).
enum class MtxOrientation {
  RowsAreGenes,  // 10x convention: genes x cells
  RowsAreObs,    // AnnData export convention: cells x genes
};

// Reads `%%MatrixMarket matrix coordinate (integer|real|pattern) general`. Names are numbered ("1", "2", ...)
// unless the caller sets them. A column-sorted genes x cells file (as 10x writes them) streams straight into CSR;
// other orders are sorted afterwards. Errors: bad banner, unsupported field/symmetry, size line, index out of
// range, duplicate entries, fewer/more entries than declared, NaN/Inf, negative values.
LoadedCounts readMatrixMarket(const std::string& path, MtxOrientation orientation = MtxOrientation::RowsAreGenes);

// Writes genes x observations (10x convention), integer field when every value is whole, else real.
void writeMatrixMarket(const data::CountMatrix& matrix, const std::string& path);

}  // namespace diffbio::io
