#pragma once
// The human-readable description of a data file shown by `diffbio info` and by the application's preview: detected
// format, shape, storage and density, integer-ness, first names, annotations, embeddings; for FASTQ the read count,
// length range and quality encoding. One implementation so the CLI and the GUI always agree.
#include <string>
#include <vector>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

// `paths` is one data file or folder, or two FASTQ files (a pair). Throws InputError for bad input.
std::string describeData(const std::vector<std::string>& paths, const CountReadOptions& options = {});

// The part for an already loaded count matrix.
std::string describeCounts(const std::string& path, const FormatGuess& guess, const LoadedCounts& loaded);

}  // namespace diffbio::io
