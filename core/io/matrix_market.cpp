#include "core/io/matrix_market.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <new>

#include "core/io/atomic_output.h"
#include "core/io/mtx_parse.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

std::vector<std::string> numberedNames(std::int64_t count) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 1; i <= count; ++i) names.push_back(std::to_string(i));
  return names;
}

const char* fieldName(MtxField field) {
  switch (field) {
    case MtxField::Integer: return "integer";
    case MtxField::Real: return "real";
    case MtxField::Pattern: return "pattern";
  }
  return "real";
}

// Buffers formatted lines and hands them to the output in large pieces.
class LineBuffer {
 public:
  explicit LineBuffer(AtomicOutputFile& out) : out_(out) {}
  ~LineBuffer() = default;

  template <typename Number>
  void number(Number value) {
    const auto result = std::to_chars(at_, end_, value);
    at_ = result.ptr;
  }
  void character(char c) { *at_++ = c; }
  // Makes room for one more line (three numbers of at most 32 characters each).
  void reserveLine() {
    if (end_ - at_ < 128) flush();
  }
  void flush() {
    out_.write(std::string_view(buffer_, static_cast<std::size_t>(at_ - buffer_)));
    at_ = buffer_;
  }

 private:
  AtomicOutputFile& out_;
  char buffer_[1 << 16];
  char* at_ = buffer_;
  char* const end_ = buffer_ + sizeof buffer_;
};

// One entry line "gene obs value" (1-based, 10x orientation). Whole values are written without a decimal point.
template <typename Value>
void writeEntry(LineBuffer& lines, std::int64_t gene, std::int64_t obs, Value value, bool integerField) {
  lines.reserveLine();
  lines.number(gene + 1);
  lines.character(' ');
  lines.number(obs + 1);
  lines.character(' ');
  if (integerField) lines.number(static_cast<std::int64_t>(value));
  else lines.number(value);  // shortest text that reads back to the same float/double
  lines.character('\n');
}

}  // namespace

LoadedCounts readMatrixMarket(const std::string& path, MtxOrientation orientation) {
  LoadedCounts loaded;
  try {
    MtxContent content = parseMatrixMarket(path, orientation);
    loaded.matrix = data::CountMatrix::fromCsr(content.nObs, content.nGenes, std::move(content.csr),
                                               numberedNames(content.nObs), numberedNames(content.nGenes),
                                               data::AssayKind::SingleCell);
    loaded.matrixSource = std::string("MatrixMarket ") + fieldName(content.field) + " entries";
    loaded.notes.push_back(orientation == MtxOrientation::RowsAreGenes
                               ? "read as genes x observations (rows are genes, the 10x convention); "
                                 "observations and genes are numbered from 1"
                               : "read as observations x genes (rows are observations); "
                                 "observations and genes are numbered from 1");
    if (!content.streamedInOrder) {
      loaded.notes.push_back("the entries were not grouped by observation and were sorted after reading");
    }
  } catch (const std::bad_alloc&) {
    throw InputError({path}, "not enough memory to hold this matrix",
                     "close other programs, or use a machine with more memory (about 8 bytes per entry)");
  }
  loaded.obs = data::Table(loaded.matrix.obsNames());
  loaded.var = data::Table(loaded.matrix.geneNames());
  return loaded;
}

void writeMatrixMarket(const data::CountMatrix& matrix, const std::string& path) {
  const data::ValueFlags& flags = matrix.flags();
  if (!flags.allFinite) {
    throw InputError({path}, "the matrix holds NaN or infinite values, which a MatrixMarket count file cannot carry",
                     "replace them (e.g. by 0) before exporting, or export a table instead");
  }
  const bool integerField = flags.allInteger;
  // Explicitly stored zeros are left out, so count the entries that will be written.
  std::int64_t entries = matrix.nnz();
  if (matrix.isSparse()) {
    entries = 0;
    for (float v : matrix.csr().values) entries += v != 0.0f ? 1 : 0;
  }
  AtomicOutputFile out(path);
  std::string header = std::string("%%MatrixMarket matrix coordinate ") + (integerField ? "integer" : "real") +
                       " general\n%\n" + std::to_string(matrix.nGenes()) + " " + std::to_string(matrix.nObs()) +
                       " " + std::to_string(entries) + "\n";
  out.write(header);
  auto lines = std::make_unique<LineBuffer>(out);
  // Observation by observation, genes ascending: column-sorted genes x cells, exactly as Cell Ranger writes it.
  if (matrix.isSparse()) {
    const auto& csr = matrix.csr();
    for (std::int64_t obs = 0; obs < matrix.nObs(); ++obs) {
      for (std::int64_t k = csr.indptr[obs]; k < csr.indptr[obs + 1]; ++k) {
        if (csr.values[k] != 0.0f) writeEntry(*lines, csr.indices[k], obs, csr.values[k], integerField);
      }
    }
  } else {
    const auto& dense = matrix.dense();
    for (std::int64_t obs = 0; obs < matrix.nObs(); ++obs) {
      for (std::int64_t gene = 0; gene < matrix.nGenes(); ++gene) {
        const double value = dense(obs, gene);
        if (value != 0.0) writeEntry(*lines, gene, obs, value, integerField);
      }
    }
  }
  lines->flush();
  out.commit();
}

}  // namespace diffbio::io
