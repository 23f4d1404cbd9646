#pragma once
// Recognising a file's format from its content (magic bytes, first lines), never from its name alone.
#include <string>

namespace diffbio::io {

enum class Format {
  Unknown,
  DelimitedTable,   // CSV/TSV count table (genes x samples by default)
  FeatureCounts,    // featureCounts output with its '#' program line and Chr/Start/End/Strand/Length columns
  SalmonQuant,      // salmon quant.sf (Name, Length, EffectiveLength, TPM, NumReads)
  MatrixMarket,     // a single .mtx file
  TenxMtxDir,       // Cell Ranger MTX folder (matrix.mtx[.gz] + genes.tsv or features.tsv.gz + barcodes.tsv[.gz])
  TenxH5,           // Cell Ranger HDF5 (v3 /matrix, or v2 per-genome groups)
  H5ad,             // AnnData HDF5
  Fastq,            // FASTQ, plain or gzip
};

const char* formatName(Format format);

struct FormatGuess {
  Format format = Format::Unknown;
  bool gzip = false;
  std::string reason;  // why the sniffer decided, e.g. "first line starts with %%MatrixMarket"
};

// Throws InputError if the path does not exist or is unreadable, and for an unknown format (naming what was seen
// and the formats that are supported).
FormatGuess sniffFormat(const std::string& path);

}  // namespace diffbio::io
