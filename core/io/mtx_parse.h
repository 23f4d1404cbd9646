#pragma once
// The MatrixMarket parse itself, shared by the lone-.mtx reader and the 10x folder reader (which attach their own
// names): streams a coordinate file into CSR storage (observations x genes) without building names.
#include <cstdint>
#include <string>

#include "core/data/count_matrix.h"
#include "core/io/matrix_market.h"

namespace diffbio::io {

enum class MtxField { Integer, Real, Pattern };

struct MtxContent {
  std::int64_t fileRows = 0;     // as declared on the size line
  std::int64_t fileColumns = 0;
  MtxField field = MtxField::Real;
  std::int64_t nObs = 0;         // the CSR shape after applying the orientation
  std::int64_t nGenes = 0;
  data::CsrStorage csr;          // rows sorted, column indices strictly increasing within each row
  bool streamedInOrder = true;   // entries arrived grouped by observation, so no sort by row was needed
};

// Throws InputError naming the file, line and column for every malformed input (see matrix_market.h).
MtxContent parseMatrixMarket(const std::string& path, MtxOrientation orientation);

}  // namespace diffbio::io
