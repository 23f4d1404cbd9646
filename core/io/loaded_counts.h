#pragma once
// What a count reader returns: the matrix plus whatever annotations the file carried, and notes for the user.
#include <string>
#include <utility>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"
#include "core/io/format.h"

namespace diffbio::io {

struct CountReadOptions {
  // Delimited tables are genes x samples (one row per gene) unless this is set: then one row per sample.
  bool samplesAsRows = false;
  // 10x v2 HDF5 with several genome groups: which one to read (empty = the only one; an error if several).
  std::string genome;
  // h5ad: "auto" prefers integer counts (layers/counts, then raw/X, then X); or "X", "raw/X", "layers/NAME".
  std::string h5adMatrix = "auto";
  // A lone MatrixMarket file is genes x observations (the 10x convention) unless this is set.
  bool mtxRowsAreObs = false;
};

struct LoadedCounts {
  Format format = Format::Unknown;
  data::CountMatrix matrix;        // observations x genes (see count_matrix.h)
  data::Table obs;                 // per-observation annotations; row names = matrix.obsNames()
  data::Table var;                 // per-gene annotations; row names = matrix.geneNames()
  std::vector<std::pair<std::string, data::CountMatrix::Dense>> obsm;  // embeddings such as X_pca, X_umap
  std::string matrixSource;        // where the values came from, e.g. "raw/X", "NumReads column"
  std::vector<std::string> notes;  // what the user should know: skipped columns, chosen layer, ...
};

}  // namespace diffbio::io
