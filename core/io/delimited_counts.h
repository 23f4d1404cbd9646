#pragma once
// Delimited count tables (CSV/TSV, optionally gzip), featureCounts output and salmon quant.sf.
#include <string>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

// CSV/TSV and featureCounts: detects the delimiter and the header; the first column holds gene ids (or sample ids
// with options.samplesAsRows). Non-numeric annotation columns (featureCounts' Chr, Start, End, Strand, Length, or
// any column that is not entirely numeric) are kept in `var`, not counted, and named in a note.
// Errors (InputError, with line and column): ragged rows, text or NaN/Inf in a count cell, negative values,
// duplicate gene or sample ids, an empty file or a header without data rows.
LoadedCounts readDelimitedCounts(const std::string& path, const CountReadOptions& options = {});

// salmon quant.sf: NumReads become the counts of a single sample named after the folder holding the file (or the
// file name when it is not called quant.sf); Length, EffectiveLength and TPM go into `var`.
LoadedCounts readSalmonQuant(const std::string& path);

}  // namespace diffbio::io
