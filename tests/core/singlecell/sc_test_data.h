#pragma once
// Loading the single-cell reference datasets for the tests: scanpy's pbmc68k_reduced (raw/X = log-normalised
// values, obs labels, stored X_pca / X_umap) and Seurat's pbmc_small (counts, variable features, stored PCs).
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/io/h5ad.h"
#include "core/io/matrix_market.h"
#include "tests/test_support.h"

namespace diffbio::test {

// One CSV line split on commas, with "..." quotes removed (no embedded commas in these files).
inline std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) {
      fields.push_back(field);
      field.clear();
    } else if (c != '\r') field += c;
  }
  fields.push_back(field);
  return fields;
}

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::string> rowNames;              // first column
  std::vector<std::vector<std::string>> cells;    // remaining columns
  std::size_t column(const std::string& name) const {  // index into cells[row]
    for (std::size_t c = 1; c < header.size(); ++c)
      if (header[c] == name) return c - 1;
    throw std::runtime_error("no column " + name);
  }
  std::vector<double> numbers(const std::string& name) const {
    const auto c = column(name);
    std::vector<double> v;
    for (const auto& row : cells) v.push_back(row[c] == "NA" || row[c].empty() ? std::nan("") : std::stod(row[c]));
    return v;
  }
};

inline CsvTable readCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  CsvTable t;
  std::string line;
  std::getline(in, line);
  t.header = csvFields(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = csvFields(line);
    t.rowNames.push_back(f.front());
    t.cells.emplace_back(f.begin() + 1, f.end());
  }
  return t;
}

inline std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

inline std::string pbmc68k(const std::string& relative) { return sharedData("sc_pbmc68k_reduced_scanpy/" + relative); }
inline std::string pbmcSmall(const std::string& relative) {
  return sharedData("sc_pbmc_small_seuratobject/" + relative);
}

// pbmc68k_reduced's raw/X (log-normalised values of 765 genes; scanpy's HVG tests use it as counts) with obs.
inline io::LoadedCounts pbmc68kRaw() {
  io::CountReadOptions options;
  options.h5adMatrix = "raw/X";
  return io::readH5ad(pbmc68k("10x_pbmc68k_reduced.h5ad"), options);
}

// pbmc_small's raw UMI counts as cells x genes, named.
inline data::CountMatrix pbmcSmallCounts() {
  io::LoadedCounts loaded = io::readMatrixMarket(pbmcSmall("counts_genes_x_cells.mtx"), io::MtxOrientation::RowsAreGenes);
  const auto& m = loaded.matrix;
  data::CountMatrix sparse = m.isSparse() ? m : m.toSparse();
  data::CsrStorage csr = sparse.csr();
  return data::CountMatrix::fromCsr(m.nObs(), m.nGenes(), std::move(csr), readLines(pbmcSmall("barcodes.txt")),
                                    readLines(pbmcSmall("genes.txt")), data::AssayKind::SingleCell);
}

inline double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace diffbio::test
