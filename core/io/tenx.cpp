#include "core/io/tenx.h"

#include <algorithm>
#include <filesystem>
#include <new>
#include <string_view>

#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_sparse.h"
#include "core/io/mtx_parse.h"
#include "core/io/text_source.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace fs = std::filesystem;

namespace {

// Per-gene annotations of a Cell Ranger output; ids become the gene names, the rest goes to `var`.
struct TenxFeatures {
  std::vector<std::string> ids;
  std::vector<std::string> symbols;
  std::vector<std::string> types;    // empty when the file has no feature-type column (v2)
  std::vector<std::string> genomes;  // empty unless the HDF5 file lists them
};

std::string firstExisting(const fs::path& dir, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (fs::exists(dir / name)) return (dir / name).string();
  }
  return {};
}

std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

// genes.tsv (id, symbol) or features.tsv.gz (id, symbol, type): one line per matrix row.
TenxFeatures readFeatureFile(const std::string& path) {
  TenxFeatures features;
  TextSource source(path);
  std::string_view line;
  while (source.nextLine(line)) {
    const auto fields = splitTabs(line);
    if (fields[0].empty()) {
      throw InputError({path, source.lineNumber(), 1}, "empty gene id",
                       "each line must hold 'gene_id<TAB>gene_symbol[<TAB>feature_type]'");
    }
    features.ids.emplace_back(fields[0]);
    features.symbols.emplace_back(fields.size() > 1 ? fields[1] : fields[0]);
    if (fields.size() > 2) {
      if (features.types.size() + 1 != features.ids.size()) {
        throw InputError({path, source.lineNumber()}, "this line has a feature type but earlier lines do not",
                         "every line must have the same columns");
      }
      features.types.emplace_back(fields[2]);
    } else if (!features.types.empty()) {
      throw InputError({path, source.lineNumber()}, "this line has no feature type (third column) but earlier lines do",
                       "every line must have the same columns");
    }
  }
  return features;
}

std::vector<std::string> readBarcodeFile(const std::string& path) {
  std::vector<std::string> barcodes;
  TextSource source(path);
  std::string_view line;
  while (source.nextLine(line)) {
    const std::string_view barcode = line.substr(0, line.find('\t'));
    if (barcode.empty()) {
      throw InputError({path, source.lineNumber(), 1}, "empty barcode", "each line must hold one cell barcode");
    }
    barcodes.emplace_back(barcode);
  }
  return barcodes;
}

// Builds what both 10x readers return: cells x genes, gene ids as names, symbols and types in `var`.
LoadedCounts assemble(std::int64_t nCells, std::int64_t nGenes, data::CsrStorage csr, std::vector<std::string> barcodes,
                      TenxFeatures features) {
  LoadedCounts loaded;
  loaded.matrix = data::CountMatrix::fromCsr(nCells, nGenes, std::move(csr), std::move(barcodes), features.ids,
                                             data::AssayKind::SingleCell);
  loaded.obs = data::Table(loaded.matrix.obsNames());
  loaded.obs.indexName = "barcode";
  loaded.var = data::Table(std::move(features.ids));
  loaded.var.indexName = "gene_ids";
  loaded.var.addColumn(data::Column("gene_symbols", std::move(features.symbols)));
  if (!features.types.empty()) loaded.var.addColumn(data::Column("feature_types", std::move(features.types)));
  if (!features.genomes.empty()) loaded.var.addColumn(data::Column("genome", std::move(features.genomes)));
  return loaded;
}

// ---- HDF5 -------------------------------------------------------------------------------------------------------

bool looksLikeV2Genome(const h5::Reader& reader, const std::string& group) {
  for (const char* name : {"data", "indices", "indptr", "shape", "barcodes", "genes"}) {
    if (reader.kind(h5::child(group, name)) != h5::ObjectKind::Dataset) return false;
  }
  return true;
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// Reads /group/shape (genes, cells) and checks the names against it.
std::pair<std::int64_t, std::int64_t> readShape(const h5::Reader& reader, const std::string& group) {
  const std::string shapePath = h5::child(group, "shape");
  const auto shape = reader.readNumbers<std::int64_t>(shapePath);
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    reader.fail(shapePath, "must hold two non-negative numbers (genes, cells)",
                "the file is not a complete Cell Ranger matrix; re-export it with Cell Ranger");
  }
  return {shape[0], shape[1]};
}

void checkLength(const h5::Reader& reader, const std::string& dataset, std::size_t actual, std::int64_t expected,
                 const char* what) {
  if (static_cast<std::int64_t>(actual) != expected) {
    reader.fail(dataset, "has " + std::to_string(actual) + " " + what + " but the matrix shape says " +
                             std::to_string(expected),
                "the file is inconsistent; re-export it with Cell Ranger");
  }
}

LoadedCounts readV3(const h5::Reader& reader, const std::string& genome) {
  const auto [nGenes, nCells] = readShape(reader, "/matrix");
  TenxFeatures features;
  features.ids = reader.readStrings("/matrix/features/id");
  checkLength(reader, "/matrix/features/id", features.ids.size(), nGenes, "feature ids");
  features.symbols = reader.kind("/matrix/features/name") == h5::ObjectKind::Dataset
                         ? reader.readStrings("/matrix/features/name")
                         : features.ids;
  checkLength(reader, "/matrix/features/name", features.symbols.size(), nGenes, "feature names");
  if (reader.kind("/matrix/features/feature_type") == h5::ObjectKind::Dataset) {
    features.types = reader.readStrings("/matrix/features/feature_type");
    checkLength(reader, "/matrix/features/feature_type", features.types.size(), nGenes, "feature types");
  }
  if (reader.kind("/matrix/features/genome") == h5::ObjectKind::Dataset) {
    features.genomes = reader.readStrings("/matrix/features/genome");
    checkLength(reader, "/matrix/features/genome", features.genomes.size(), nGenes, "genome names");
  }
  auto barcodes = reader.readStrings("/matrix/barcodes");
  checkLength(reader, "/matrix/barcodes", barcodes.size(), nCells, "barcodes");
  // CSC genes x cells: the compressed axis is the cells, which is exactly CSR cells x genes.
  data::CsrStorage csr = h5::readCompressedSparse(reader, "/matrix", nCells, nGenes, "cells");
  LoadedCounts loaded = assemble(nCells, nGenes, std::move(csr), std::move(barcodes), features);
  loaded.matrixSource = "/matrix";
  if (genome.empty()) return loaded;
  // v3 keeps every genome in one matrix; a chosen genome keeps its features only.
  std::vector<std::int64_t> keep;
  std::vector<std::size_t> keepRows;
  for (std::size_t g = 0; g < features.genomes.size(); ++g) {
    if (features.genomes[g] == genome) {
      keep.push_back(static_cast<std::int64_t>(g));
      keepRows.push_back(g);
    }
  }
  if (keep.empty()) {
    std::vector<std::string> present = features.genomes;
    std::sort(present.begin(), present.end());
    present.erase(std::unique(present.begin(), present.end()), present.end());
    throw InputError({reader.path()}, "no features of genome '" + genome + "' in /matrix/features/genome",
                     present.empty() ? "this file does not list genomes; read it without choosing one"
                                     : "choose one of: " + joinNames(present));
  }
  loaded.matrix = loaded.matrix.selectGenes(keep);
  loaded.var = loaded.var.selectRows(keepRows);
  loaded.matrixSource = "/matrix (genome " + genome + ")";
  return loaded;
}

LoadedCounts readV2(const h5::Reader& reader, const std::string& genome) {
  std::vector<std::string> genomes;
  for (const auto& name : reader.children("/")) {
    if (reader.kind("/" + name) == h5::ObjectKind::Group && looksLikeV2Genome(reader, "/" + name)) {
      genomes.push_back(name);
    }
  }
  if (genomes.empty()) {
    throw InputError({reader.path()}, "no /matrix group and no genome groups (with data, indices, indptr, shape, "
                                      "barcodes, genes): this is not a Cell Ranger matrix file",
                     "choose a filtered_feature_bc_matrix.h5 / filtered_gene_bc_matrices_h5.h5 file from Cell Ranger");
  }
  std::string chosen = genome;
  if (chosen.empty()) {
    if (genomes.size() > 1) {
      throw InputError({reader.path()}, "the file holds several genomes: " + joinNames(genomes),
                       "choose one genome to read (the genome option)");
    }
    chosen = genomes.front();
  } else if (std::find(genomes.begin(), genomes.end(), chosen) == genomes.end()) {
    throw InputError({reader.path()}, "the file has no genome '" + chosen + "'",
                     "choose one of: " + joinNames(genomes));
  }
  const std::string group = "/" + chosen;
  const auto [nGenes, nCells] = readShape(reader, group);
  TenxFeatures features;
  features.ids = reader.readStrings(group + "/genes");
  checkLength(reader, group + "/genes", features.ids.size(), nGenes, "gene ids");
  features.symbols = reader.kind(group + "/gene_names") == h5::ObjectKind::Dataset
                         ? reader.readStrings(group + "/gene_names")
                         : features.ids;
  checkLength(reader, group + "/gene_names", features.symbols.size(), nGenes, "gene names");
  auto barcodes = reader.readStrings(group + "/barcodes");
  checkLength(reader, group + "/barcodes", barcodes.size(), nCells, "barcodes");
  data::CsrStorage csr = h5::readCompressedSparse(reader, group, nCells, nGenes, "cells");
  LoadedCounts loaded = assemble(nCells, nGenes, std::move(csr), std::move(barcodes), std::move(features));
  loaded.matrixSource = group;
  if (genomes.size() > 1) loaded.notes.push_back("read genome " + chosen + " of " + joinNames(genomes));
  return loaded;
}

}  // namespace

LoadedCounts readTenxMtxDir(const std::string& directory) {
  const fs::path dir(directory);
  const std::string matrixPath = firstExisting(dir, {"matrix.mtx.gz", "matrix.mtx"});
  const std::string featuresPath = firstExisting(dir, {"features.tsv.gz", "features.tsv", "genes.tsv.gz", "genes.tsv"});
  const std::string barcodesPath = firstExisting(dir, {"barcodes.tsv.gz", "barcodes.tsv"});
  const std::string folderFix =
      "a Cell Ranger matrix folder holds matrix.mtx[.gz], barcodes.tsv[.gz] and features.tsv[.gz] (v3) or genes.tsv "
      "(v2); copy the missing file into the folder";
  if (matrixPath.empty()) throw InputError({directory}, "no matrix.mtx or matrix.mtx.gz in this folder", folderFix);
  if (featuresPath.empty()) {
    throw InputError({(dir / "features.tsv.gz").string()},
                     "the folder has no gene list (features.tsv.gz, features.tsv, genes.tsv.gz or genes.tsv)",
                     folderFix);
  }
  if (barcodesPath.empty()) {
    throw InputError({(dir / "barcodes.tsv.gz").string()}, "the folder has no barcodes.tsv.gz or barcodes.tsv",
                     folderFix);
  }
  // Names first: they are small, and a mismatch is then reported before the long matrix parse finishes.
  TenxFeatures features = readFeatureFile(featuresPath);
  std::vector<std::string> barcodes = readBarcodeFile(barcodesPath);
  try {
    MtxContent content = parseMatrixMarket(matrixPath, MtxOrientation::RowsAreGenes);
    if (static_cast<std::int64_t>(features.ids.size()) != content.nGenes) {
      throw InputError({featuresPath}, "lists " + std::to_string(features.ids.size()) + " genes but " +
                                           fs::path(matrixPath).filename().string() + " has " +
                                           std::to_string(content.nGenes) + " rows",
                       "the gene list and the matrix must come from the same Cell Ranger run");
    }
    if (static_cast<std::int64_t>(barcodes.size()) != content.nObs) {
      throw InputError({barcodesPath}, "lists " + std::to_string(barcodes.size()) + " barcodes but " +
                                           fs::path(matrixPath).filename().string() + " has " +
                                           std::to_string(content.nObs) + " columns (cells)",
                       "the barcodes and the matrix must come from the same Cell Ranger run");
    }
    LoadedCounts loaded = assemble(content.nObs, content.nGenes, std::move(content.csr), std::move(barcodes),
                                   std::move(features));
    loaded.matrixSource = fs::path(matrixPath).filename().string();
    loaded.notes.push_back(std::string("Cell Ranger ") +
                           (featuresPath.find("features.tsv") != std::string::npos ? "v3" : "v2") +
                           " folder; gene ids are the gene names, symbols are in the gene_symbols column");
    return loaded;
  } catch (const std::bad_alloc&) {
    throw InputError({matrixPath}, "not enough memory to hold this matrix",
                     "close other programs, or use a machine with more memory (about 8 bytes per entry)");
  }
}

LoadedCounts readTenxH5(const std::string& path, const std::string& genome) {
  const h5::Reader reader(path);
  try {
    LoadedCounts loaded = reader.kind("/matrix") == h5::ObjectKind::Group ? readV3(reader, genome)
                                                                          : readV2(reader, genome);
    loaded.notes.push_back("Cell Ranger HDF5; gene ids are the gene names, symbols are in the gene_symbols column");
    return loaded;
  } catch (const std::bad_alloc&) {
    throw InputError({path}, "not enough memory to hold this matrix",
                     "close other programs, or use a machine with more memory (about 8 bytes per entry)");
  }
}

}  // namespace diffbio::io
