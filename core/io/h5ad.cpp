#include "core/io/h5ad.h"

#include <algorithm>
#include <map>
#include <new>
#include <optional>

#include "core/io/atomic_output.h"
#include "core/io/hdf5_dataframe.h"
#include "core/io/hdf5_matrix.h"
#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_writer.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

using h5::ObjectKind;

constexpr const char* kResaveFix = "re-save the file with a current anndata (adata.write_h5ad) and try again";

// "X", "/raw/X", "layers/counts" -> "/X", "/raw/X", "/layers/counts".
std::string absolute(const std::string& element) {
  return !element.empty() && element.front() == '/' ? element : "/" + element;
}
std::string relative(const std::string& element) {
  return !element.empty() && element.front() == '/' ? element.substr(1) : element;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Reads one file once: the dataframes are cached because several candidate matrices share them.
class H5adReader {
 public:
  H5adReader(const std::string& path, const CountReadOptions& options) : reader_(path), options_(options) {}

  LoadedCounts read();

 private:
  std::vector<std::string> availableMatrices() const;
  data::CountMatrix readMatrix(const std::string& element);
  const data::Table& dataframe(const std::string& group);
  std::string varGroupFor(const std::string& element) const;
  void readObsm(LoadedCounts& loaded);

  h5::Reader reader_;
  const CountReadOptions& options_;
  std::map<std::string, data::Table> dataframes_;
  std::vector<std::string> notes_;
};

std::vector<std::string> H5adReader::availableMatrices() const {
  std::vector<std::string> found;
  if (reader_.kind("/X") != ObjectKind::Missing) found.push_back("X");
  if (reader_.kind("/raw/X") != ObjectKind::Missing) found.push_back("raw/X");
  if (reader_.kind("/layers") == ObjectKind::Group) {
    for (const auto& name : reader_.children("/layers")) found.push_back("layers/" + name);
  }
  return found;
}

const data::Table& H5adReader::dataframe(const std::string& group) {
  auto it = dataframes_.find(group);
  if (it == dataframes_.end()) it = dataframes_.emplace(group, h5::readDataframe(reader_, group, notes_)).first;
  return it->second;
}

// raw/X has its own gene list in raw/var; X and the layers share var.
std::string H5adReader::varGroupFor(const std::string& element) const {
  if (relative(element) == "raw/X" && reader_.kind("/raw/var") == ObjectKind::Group) return "/raw/var";
  return "/var";
}

data::CountMatrix H5adReader::readMatrix(const std::string& element) {
  const std::string path = absolute(element);
  h5::StoredMatrix stored = h5::readAnnDataMatrix(reader_, path);
  const data::Table& obs = dataframe("/obs");
  const std::string varGroup = varGroupFor(element);
  const data::Table& var = dataframe(varGroup);
  if (stored.rows != static_cast<std::int64_t>(obs.nRows())) {
    reader_.fail(path, "has " + std::to_string(stored.rows) + " rows but /obs lists " + std::to_string(obs.nRows()) +
                           " observations",
                 "obs and the matrix must describe the same cells; " + std::string(kResaveFix));
  }
  if (stored.columns != static_cast<std::int64_t>(var.nRows())) {
    reader_.fail(path, "has " + std::to_string(stored.columns) + " columns but " + varGroup + " lists " +
                           std::to_string(var.nRows()) + " genes",
                 "var and the matrix must describe the same genes; " + std::string(kResaveFix));
  }
  if (stored.sparse) {
    return data::CountMatrix::fromCsr(stored.rows, stored.columns, std::move(stored.csr), obs.rowNames(),
                                      var.rowNames(), data::AssayKind::SingleCell);
  }
  return data::CountMatrix::fromDense(std::move(stored.dense), obs.rowNames(), var.rowNames(),
                                      data::AssayKind::SingleCell);
}

LoadedCounts H5adReader::read() {
  LoadedCounts loaded;
  const std::vector<std::string> available = availableMatrices();
  std::string chosen;
  if (options_.h5adMatrix.empty() || options_.h5adMatrix == "auto") {
    // Raw counts are what the count models need: prefer an integer matrix, in this order.
    std::optional<data::CountMatrix> fallback;
    std::string fallbackName;
    std::vector<std::string> looked;
    for (const char* candidate : {"layers/counts", "raw/X", "X"}) {
      if (reader_.kind(absolute(candidate)) == ObjectKind::Missing) continue;
      looked.push_back(candidate);
      data::CountMatrix matrix = readMatrix(candidate);
      if (matrix.flags().allInteger) {
        loaded.matrix = std::move(matrix);
        chosen = candidate;
        break;
      }
      if (!fallback) {
        fallback = std::move(matrix);
        fallbackName = candidate;
      }
    }
    if (chosen.empty()) {
      if (!fallback) {
        reader_.fail("/X", "missing: the file has no X, raw/X or layers/counts matrix",
                     "an AnnData file must hold a matrix X; " + std::string(kResaveFix));
      }
      loaded.matrix = std::move(*fallback);
      chosen = fallbackName;
      loaded.notes.push_back("no integer count matrix found (looked at " + joined(looked) + "); using " + chosen +
                             ", which holds non-integer values (normalised or transformed data, not raw counts)");
    } else {
      loaded.notes.push_back("matrix: " + chosen + " (integer counts, chosen automatically; order of preference: "
                             "layers/counts, raw/X, X)");
    }
  } else {
    chosen = relative(options_.h5adMatrix);
    if (std::find(available.begin(), available.end(), chosen) == available.end()) {
      throw InputError({reader_.path()}, "the file has no matrix '" + chosen + "'",
                       "choose one of: " + joined(available) + " (or auto)");
    }
    loaded.matrix = readMatrix(chosen);
    loaded.notes.push_back("matrix: " + chosen + " (as requested)");
    if (!loaded.matrix.flags().allInteger) {
      loaded.notes.push_back(chosen + " holds non-integer values (normalised or transformed data, not raw counts)");
    }
  }
  loaded.matrixSource = chosen;
  loaded.obs = dataframe("/obs");
  loaded.var = dataframe(varGroupFor(chosen));
  readObsm(loaded);
  loaded.notes.insert(loaded.notes.end(), notes_.begin(), notes_.end());
  return loaded;
}

void H5adReader::readObsm(LoadedCounts& loaded) {
  if (reader_.kind("/obsm") != ObjectKind::Group) return;
  for (const auto& name : reader_.children("/obsm")) {
    const std::string path = "/obsm/" + name;
    const bool dataset = reader_.kind(path) == ObjectKind::Dataset;
    const h5::DatasetInfo info = dataset ? reader_.describe(path) : h5::DatasetInfo{};
    const bool numeric = info.element == h5::ElementClass::Integer || info.element == h5::ElementClass::Float;
    if (!dataset || !numeric || info.dims.size() != 2) {
      loaded.notes.push_back(path + " skipped: only dense 2-D numeric embeddings are read");
      continue;
    }
    if (info.dims[0] != loaded.matrix.nObs()) {
      reader_.fail(path, "has " + std::to_string(info.dims[0]) + " rows but there are " +
                             std::to_string(loaded.matrix.nObs()) + " observations",
                   kResaveFix);
    }
    loaded.obsm.emplace_back(name, h5::readDenseArray(reader_, path));
  }
}

void checkWritable(const LoadedCounts& data, const std::string& path) {
  const auto& m = data.matrix;
  if (data.obs.nColumns() > 0 && static_cast<std::int64_t>(data.obs.nRows()) != m.nObs()) {
    throw std::invalid_argument("writeH5ad: obs has " + std::to_string(data.obs.nRows()) + " rows for " +
                                std::to_string(m.nObs()) + " observations");
  }
  if (data.var.nColumns() > 0 && static_cast<std::int64_t>(data.var.nRows()) != m.nGenes()) {
    throw std::invalid_argument("writeH5ad: var has " + std::to_string(data.var.nRows()) + " rows for " +
                                std::to_string(m.nGenes()) + " genes");
  }
  for (const auto& [name, values] : data.obsm) {
    if (values.rows() != m.nObs()) {
      throw std::invalid_argument("writeH5ad: obsm " + name + " has " + std::to_string(values.rows()) + " rows for " +
                                  std::to_string(m.nObs()) + " observations");
    }
    if (name.empty() || name == "." || name.find('/') != std::string::npos) {
      throw InputError({path}, "the embedding name '" + name + "' cannot be stored in HDF5",
                       "rename the embedding (no '/' and not empty)");
    }
  }
}

}  // namespace

LoadedCounts readH5ad(const std::string& path, const CountReadOptions& options) {
  try {
    H5adReader reader(path, options);
    return reader.read();
  } catch (const std::bad_alloc&) {
    throw InputError({path}, "not enough memory to hold this matrix",
                     "close other programs, or use a machine with more memory");
  }
}

void writeH5ad(const LoadedCounts& data, const std::string& path) {
  checkWritable(data, path);
  AtomicOutputPath output(path);
  {
    h5::Writer writer(output.temporaryPath(), path);
    h5::setEncoding(writer, "/", "anndata", "0.1.0");
    h5::writeAnnDataMatrix(writer, "/X", data.matrix);
    h5::writeDataframe(writer, "/obs", data.obs, data.matrix.obsNames());
    h5::writeDataframe(writer, "/var", data.var, data.matrix.geneNames());
    writer.group("/obsm");
    h5::setEncoding(writer, "/obsm", "dict", "0.1.0");
    for (const auto& [name, values] : data.obsm) h5::writeDenseArray(writer, "/obsm/" + name, values);
    for (const char* group : {"/layers", "/obsp", "/varm", "/varp", "/uns"}) {
      writer.group(group);
      h5::setEncoding(writer, group, "dict", "0.1.0");
    }
    writer.close();
  }
  output.commit();
}

}  // namespace diffbio::io
