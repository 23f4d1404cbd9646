#pragma once
// Cell Ranger outputs: the MTX folder (v2 genes.tsv, v3 features.tsv.gz) and the HDF5 file (v3 /matrix, v2 genome
// groups). Both give the same CountMatrix (cells x genes, sparse) with gene ids as gene names; gene symbols and
// feature types go into `var`.
#include <string>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

LoadedCounts readTenxMtxDir(const std::string& directory);
LoadedCounts readTenxH5(const std::string& path, const std::string& genome = {});

}  // namespace diffbio::io
