// Writes the binary members of this bad-input corpus (HDF5 files and a truncated gzip MatrixMarket file) with the
// project's own HDF5 writer, so they can be regenerated and reviewed. The text files are written by hand.
// Not part of the build. To regenerate, from the repository root after building the core into build-h2:
//   g++ -std=c++17 -I. -isystem /usr/include/eigen3 tests/data/bad/singlecell/make_binary_files.cpp
//       build-h2/core/libdiffbio_core.a -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lz -ldeflate -o /tmp/make_bad
//   (cd tests/data/bad/singlecell && /tmp/make_bad)
#include <zlib.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/io/hdf5_writer.h"

namespace h5 = diffbio::io::h5;

namespace {

void encoding(h5::Writer& w, const std::string& object, const char* type, const char* version) {
  w.stringAttribute(object, "encoding-type", type);
  w.stringAttribute(object, "encoding-version", version);
}

// obs (nObs rows, optionally one categorical column) and var (2 genes) dataframes.
void dataframes(h5::Writer& w, int nObs, const std::vector<std::int8_t>& codes = {}) {
  w.group("/obs");
  encoding(w, "/obs", "dataframe", "0.2.0");
  w.stringAttribute("/obs", "_index", "_index");
  std::vector<std::string> cells;
  for (int i = 0; i < nObs; ++i) cells.push_back("cell" + std::to_string(i + 1));
  w.strings("/obs/_index", cells);
  if (!codes.empty()) {
    w.stringListAttribute("/obs", "column-order", {"cell_type"});
    w.group("/obs/cell_type");
    encoding(w, "/obs/cell_type", "categorical", "0.2.0");
    w.boolAttribute("/obs/cell_type", "ordered", false);
    w.strings("/obs/cell_type/categories", {"B", "T"});
    w.numbers("/obs/cell_type/codes", codes);
  } else {
    w.doubleListAttribute("/obs", "column-order", {});
  }
  w.group("/var");
  encoding(w, "/var", "dataframe", "0.2.0");
  w.stringAttribute("/var", "_index", "_index");
  w.doubleListAttribute("/var", "column-order", {});
  w.strings("/var/_index", {"GENE1", "GENE2"});
}

void csrX(h5::Writer& w, const char* type, std::int64_t rows) {
  w.group("/X");
  encoding(w, "/X", type, "0.1.0");
  w.integerListAttribute("/X", "shape", {rows, 2});
  w.numbers("/X/data", std::vector<float>{1, 2, 3});
  w.numbers("/X/indices", std::vector<std::int32_t>{0, 1, 1});
  std::vector<std::int64_t> indptr{0, 1, 2, 3};
  while (static_cast<std::int64_t>(indptr.size()) < rows + 1) indptr.push_back(3);
  w.numbers("/X/indptr", indptr);
}

// A Cell Ranger v3 /matrix of 4 genes x 3 cells with the given pointers and indices.
void tenxV3(const std::string& path, const std::vector<std::int64_t>& indptr,
            const std::vector<std::int64_t>& indices) {
  h5::Writer w(path, path);
  w.group("/matrix");
  w.numbers("/matrix/shape", std::vector<std::int32_t>{4, 3});
  w.numbers("/matrix/data", std::vector<std::int32_t>(indices.size(), 1));
  w.numbers("/matrix/indices", indices);
  w.numbers("/matrix/indptr", indptr);
  w.strings("/matrix/barcodes", {"AAAC-1", "AAAG-1", "AACT-1"});
  w.group("/matrix/features");
  w.strings("/matrix/features/id", {"G1", "G2", "G3", "G4"});
  w.strings("/matrix/features/name", {"A", "B", "C", "D"});
  w.strings("/matrix/features/feature_type", std::vector<std::string>(4, "Gene Expression"));
  w.strings("/matrix/features/genome", std::vector<std::string>(4, "GRCh38"));
  w.close();
}

void tenxV2Genome(h5::Writer& w, const std::string& genome) {
  const std::string g = "/" + genome;
  w.group(g);
  w.numbers(g + "/shape", std::vector<std::int32_t>{2, 2});
  w.numbers(g + "/data", std::vector<std::int32_t>{1, 3});
  w.numbers(g + "/indices", std::vector<std::int64_t>{0, 1});
  w.numbers(g + "/indptr", std::vector<std::int64_t>{0, 1, 2});
  w.strings(g + "/barcodes", {"AAAC-1", "AAAG-1"});
  w.strings(g + "/genes", {"G1", "G2"});
  w.strings(g + "/gene_names", {"A", "B"});
}

void truncatedGzip(const std::string& path) {
  std::string text = "%%MatrixMarket matrix coordinate integer general\n%\n2000 1000 10000\n";
  for (int cell = 1; cell <= 1000; ++cell) {
    for (int k = 0; k < 10; ++k) {
      const int gene = 1 + k * 100 + cell % 100;
      text += std::to_string(gene) + " " + std::to_string(cell) + " " + std::to_string(1 + k % 5) + "\n";
    }
  }
  std::vector<unsigned char> compressed(compressBound(text.size()) + 64);
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip wrapper
  z.next_in = reinterpret_cast<unsigned char*>(text.data());
  z.avail_in = static_cast<unsigned>(text.size());
  z.next_out = compressed.data();
  z.avail_out = static_cast<unsigned>(compressed.size());
  deflate(&z, Z_FINISH);
  const std::size_t size = z.total_out;
  deflateEnd(&z);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(compressed.data(), 1, size / 3, f);  // the first third: the stream stops mid-way
  std::fclose(f);
}

}  // namespace

int main() {
  {  // X is a group with an encoding-type DiffBio does not read.
    h5::Writer w("h5ad_unknown_encoding.h5ad", "h5ad_unknown_encoding.h5ad");
    encoding(w, "/", "anndata", "0.1.0");
    dataframes(w, 3);
    csrX(w, "coo_matrix", 3);
    w.close();
  }
  {  // obs lists 3 cells, X has 4 rows.
    h5::Writer w("h5ad_obs_length.h5ad", "h5ad_obs_length.h5ad");
    encoding(w, "/", "anndata", "0.1.0");
    dataframes(w, 3);
    csrX(w, "csr_matrix", 4);
    w.close();
  }
  {  // A categorical code beyond its 2 categories.
    h5::Writer w("h5ad_bad_categorical_codes.h5ad", "h5ad_bad_categorical_codes.h5ad");
    encoding(w, "/", "anndata", "0.1.0");
    dataframes(w, 3, {0, 5, 1});
    csrX(w, "csr_matrix", 3);
    w.close();
  }
  tenxV3("tenx_mismatched_indptr.h5", {0, 1, 3}, {0, 1, 2});          // 3 cells need 4 pointers, there are 3
  tenxV3("tenx_indptr_short_of_data.h5", {0, 1, 2, 2}, {0, 1, 2});    // ends at 2, but there are 3 entries
  tenxV3("tenx_indices_out_of_range.h5", {0, 1, 2, 3}, {0, 7, 2});    // gene 7 of 4
  {
    h5::Writer w("tenx_two_genomes.h5", "tenx_two_genomes.h5");
    tenxV2Genome(w, "GRCh38");
    tenxV2Genome(w, "mm10");
    w.close();
  }
  truncatedGzip("mtx_truncated.mtx.gz");
  return 0;
}
