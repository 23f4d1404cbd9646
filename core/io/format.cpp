#include "core/io/format.h"

#include <hdf5.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "core/io/text_source.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace fs = std::filesystem;

const char* formatName(Format format) {
  switch (format) {
    case Format::Unknown: return "unknown";
    case Format::DelimitedTable: return "delimited count table";
    case Format::FeatureCounts: return "featureCounts output";
    case Format::SalmonQuant: return "salmon quant.sf";
    case Format::MatrixMarket: return "MatrixMarket";
    case Format::TenxMtxDir: return "10x Genomics MTX folder";
    case Format::TenxH5: return "10x Genomics HDF5";
    case Format::H5ad: return "AnnData h5ad";
    case Format::Fastq: return "FASTQ";
  }
  return "unknown";
}

namespace {

constexpr const char* kSupported =
    "supported: CSV/TSV count tables, featureCounts output, salmon quant.sf, MatrixMarket (.mtx), 10x Genomics MTX "
    "folders and .h5 files, AnnData .h5ad, FASTQ (each optionally gzip-compressed)";

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

bool hasHdf5Signature(const std::string& path) {
  static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char head[8] = {};
  const bool ok = std::fread(head, 1, 8, f) == 8 && std::memcmp(head, signature, 8) == 0;
  std::fclose(f);
  return ok;
}

// AnnData files have /X and /obs; Cell Ranger files have /matrix (v3) or genome groups with barcodes (v2).
bool looksLikeAnnData(const std::string& path) {
  H5E_auto2_t oldHandler;
  void* oldData;
  H5Eget_auto2(H5E_DEFAULT, &oldHandler, &oldData);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  bool annData = false;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file >= 0) {
    annData = H5Lexists(file, "obs", H5P_DEFAULT) > 0 && H5Lexists(file, "X", H5P_DEFAULT) > 0;
    H5Fclose(file);
  }
  H5Eset_auto2(H5E_DEFAULT, oldHandler, oldData);
  return annData;
}

bool directoryHasMtx(const fs::path& dir) {
  return fs::exists(dir / "matrix.mtx") || fs::exists(dir / "matrix.mtx.gz");
}

FormatGuess sniffText(const std::string& path) {
  FormatGuess guess;
  guess.gzip = isGzipFile(path);
  TextSource source(path);
  std::string_view line;
  std::string first, second, third;
  int nonEmpty = 0;
  while (nonEmpty < 3 && source.nextLine(line)) {
    if (line.empty() && nonEmpty == 0) continue;
    (nonEmpty == 0 ? first : nonEmpty == 1 ? second : third) = std::string(line);
    ++nonEmpty;
  }
  if (nonEmpty == 0) {
    throw InputError({path}, "the file is empty", "choose a file that contains data");
  }
  for (char c : first) {
    if (c == '\0' || (static_cast<unsigned char>(c) < 9)) {
      throw InputError({path, 1}, "the file is binary and not a format DiffBio recognises", kSupported);
    }
  }
  if (startsWith(first, "%%MatrixMarket")) {
    guess.format = Format::MatrixMarket;
    guess.reason = "first line starts with %%MatrixMarket";
  } else if (startsWith(first, "@") && nonEmpty >= 3 && startsWith(third, "+")) {
    guess.format = Format::Fastq;
    guess.reason = "records start with '@' and the third line with '+'";
  } else if (startsWith(first, "# Program:featureCounts") || startsWith(first, "Geneid\tChr\tStart\tEnd\tStrand\tLength")) {
    guess.format = Format::FeatureCounts;
    guess.reason = "featureCounts header";
  } else if (startsWith(first, "Name\tLength\tEffectiveLength\tTPM\tNumReads")) {
    guess.format = Format::SalmonQuant;
    guess.reason = "salmon quant.sf header";
  } else if (first.find('\t') != std::string::npos || first.find(',') != std::string::npos) {
    guess.format = Format::DelimitedTable;
    guess.reason = first.find('\t') != std::string::npos ? "tab-separated text" : "comma-separated text";
  } else if (startsWith(first, ">")) {
    throw InputError({path, 1}, "this is a FASTA file (first line starts with '>'), not reads with qualities or counts",
                     "DiffBio reads FASTQ for sequencing reads; " + std::string(kSupported));
  } else {
    throw InputError({path, 1}, "unknown format: the first line is neither a table header nor a known file header",
                     kSupported);
  }
  return guess;
}

}  // namespace

FormatGuess sniffFormat(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    throw InputError({path}, "no such file or folder", "check the path (it is relative to the current folder)");
  }
  if (fs::is_directory(status)) {
    if (directoryHasMtx(path)) return {Format::TenxMtxDir, false, "folder with matrix.mtx"};
    throw InputError({path}, "this folder holds no matrix.mtx or matrix.mtx.gz",
                     "choose a Cell Ranger matrix folder (matrix.mtx[.gz] with barcodes and genes/features files), "
                     "or a file");
  }
  if (hasHdf5Signature(path)) {
    if (looksLikeAnnData(path)) return {Format::H5ad, false, "HDF5 with /X and /obs (AnnData)"};
    return {Format::TenxH5, false, "HDF5 without /obs (Cell Ranger)"};
  }
  return sniffText(path);
}

}  // namespace diffbio::io
