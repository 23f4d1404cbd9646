#pragma once
// AnnData .h5ad: reading X (dense, CSR or CSC), layers/counts, raw/X, obs/var dataframes (including categoricals)
// and obsm; writing counts, obs/var columns and obsm embeddings in a form anndata (>= 0.8) reads back.
#include <string>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

LoadedCounts readH5ad(const std::string& path, const CountReadOptions& options = {});

// Writes `data.matrix` as X (CSR when sparse, dense otherwise), `data.obs`/`data.var` as dataframes and
// `data.obsm` as dense arrays. Atomic: a temporary file renamed into place.
void writeH5ad(const LoadedCounts& data, const std::string& path);

}  // namespace diffbio::io
