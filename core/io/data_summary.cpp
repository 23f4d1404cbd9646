#include "core/io/data_summary.h"

#include <cstdio>
#include <sstream>

#include "core/io/count_readers.h"
#include "core/io/fastq.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

std::string firstNames(const std::vector<std::string>& names, std::size_t shown = 5) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > shown) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f %%", 100.0 * fraction);
  return buffer;
}

std::string describeColumns(const data::Table& table) {
  if (table.nColumns() == 0) return "none";
  std::string text;
  for (const auto& column : table.columns()) {
    if (!text.empty()) text += "; ";
    text += column.name() + " (" + data::columnTypeName(column.type());
    if (column.type() == data::ColumnType::Categorical)
      text += ", " + std::to_string(column.categorical().levels.size()) + " levels";
    text += ")";
  }
  return text;
}

std::string describeFastq(const std::vector<std::string>& paths) {
  const bool paired = paths.size() == 2;
  const FastqSummary summary = paired ? summarizePairedFastq(paths[0], paths[1]) : summarizeFastq(paths[0]);
  std::ostringstream out;
  out << "file:      " << paths[0] << (paired ? " + " + paths[1] : "") << "\n"
      << "format:    FASTQ" << (summary.gzip ? " (gzip)" : "") << (paired ? ", paired" : "") << "\n"
      << "reads:     " << summary.reads << (paired ? " pairs" : "") << "\n"
      << "lengths:   " << summary.minLength << "-" << summary.maxLength << " nt" << "\n"
      << "bases:     " << summary.totalBases << "\n"
      << "qualities: " << qualityEncodingName(summary.encoding) << "\n";
  return out.str();
}

}  // namespace

std::string describeCounts(const std::string& path, const FormatGuess& guess, const LoadedCounts& loaded) {
  const auto& m = loaded.matrix;
  const bool singleCell = m.kind() == data::AssayKind::SingleCell;
  const char* obsWord = singleCell ? "cells" : "samples";
  std::ostringstream out;
  out << "file:      " << path << "\n"
      << "format:    " << formatName(guess.format) << (guess.gzip ? " (gzip)" : "") << "\n"
      << "shape:     " << m.nGenes() << " genes x " << m.nObs() << " " << obsWord << "\n"
      << "storage:   " << (m.isSparse() ? "sparse (CSR)" : "dense") << ", " << m.nnz() << " non-zero entries ("
      << percent(m.density()) << " dense)\n";
  if (!loaded.matrixSource.empty()) out << "matrix:    " << loaded.matrixSource << "\n";
  const auto& f = m.flags();
  out << "values:    " << (f.allInteger ? "integer counts" : "non-integer values (not raw counts)")
      << (f.nonNegative ? "" : ", some negative") << (f.allFinite ? "" : ", some NaN/Inf") << "\n"
      << "genes:     " << firstNames(m.geneNames()) << "\n"
      << obsWord << ":" << std::string(singleCell ? 5 : 3, ' ') << firstNames(m.obsNames()) << "\n"
      << "obs annotations: " << describeColumns(loaded.obs) << "\n"
      << "var annotations: " << describeColumns(loaded.var) << "\n";
  if (!loaded.obsm.empty()) {
    out << "embeddings:";
    for (const auto& [name, values] : loaded.obsm) out << " " << name << " (" << values.rows() << " x " << values.cols() << ")";
    out << "\n";
  }
  for (const auto& note : loaded.notes) out << "note:      " << note << "\n";
  return out.str();
}

std::string describeData(const std::vector<std::string>& paths, const CountReadOptions& options) {
  if (paths.empty() || paths.size() > 2) throw std::invalid_argument("describeData: one path, or two FASTQ files");
  const FormatGuess guess = sniffFormat(paths[0]);
  if (guess.format == Format::Fastq) {
    if (paths.size() == 2 && sniffFormat(paths[1]).format != Format::Fastq)
      throw InputError({paths[1]}, "the second file of a pair is not FASTQ", "give the two FASTQ files of a pair");
    return describeFastq(paths);
  }
  if (paths.size() == 2)
    throw InputError({paths[1]}, "a second file is only accepted for paired FASTQ", "give one count file or folder");
  return describeCounts(paths[0], guess, readCounts(paths[0], options));
}

}  // namespace diffbio::io
