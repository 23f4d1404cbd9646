#include "core/io/hdf5_sparse.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace diffbio::io::h5 {

namespace {

constexpr const char* kRewriteFix = "the sparse matrix is inconsistent; re-save the file with the tool that made it";

// Sorts one row's (index, value) pairs by index and reports the first repeated index, or -1.
std::int64_t sortRow(data::CsrStorage& csr, std::int64_t begin, std::int64_t end,
                     std::vector<std::pair<std::int32_t, float>>& scratch) {
  scratch.clear();
  for (std::int64_t k = begin; k < end; ++k) scratch.emplace_back(csr.indices[k], csr.values[k]);
  std::sort(scratch.begin(), scratch.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::int64_t k = begin; k < end; ++k) {
    const auto& [index, value] = scratch[static_cast<std::size_t>(k - begin)];
    if (k > begin && index == csr.indices[k - 1]) return index;
    csr.indices[k] = index;
    csr.values[k] = value;
  }
  return -1;
}

}  // namespace

data::CsrStorage readCompressedSparse(const Reader& reader, const std::string& group, std::int64_t major,
                                      std::int64_t minor, const std::string& majorName) {
  const std::string dataPath = child(group, "data"), indicesPath = child(group, "indices"),
                    indptrPath = child(group, "indptr");
  if (minor > std::numeric_limits<std::int32_t>::max()) {
    reader.fail(group, "has more than 2,147,483,647 columns, which DiffBio cannot index", kRewriteFix);
  }
  const std::int64_t nnz = reader.describe(dataPath).count();
  const std::int64_t indexCount = reader.describe(indicesPath).count();
  const std::int64_t pointerCount = reader.describe(indptrPath).count();
  if (indexCount != nnz) {
    reader.fail(indicesPath, "has " + std::to_string(indexCount) + " values but " + dataPath + " has " +
                                 std::to_string(nnz) + "; they must be equally long",
                kRewriteFix);
  }
  if (pointerCount != major + 1) {
    reader.fail(indptrPath, "has " + std::to_string(pointerCount) + " values, but " + std::to_string(major) + " " +
                                majorName + " need " + std::to_string(major + 1) + " (one more than the " + majorName +
                                ")",
                kRewriteFix);
  }
  data::CsrStorage csr;
  csr.indptr = reader.readNumbers<std::int64_t>(indptrPath);
  if (csr.indptr.front() != 0 || csr.indptr.back() != nnz) {
    reader.fail(indptrPath, "runs from " + std::to_string(csr.indptr.front()) + " to " +
                                std::to_string(csr.indptr.back()) + " but must run from 0 to " + std::to_string(nnz) +
                                " (the length of " + dataPath + ")",
                kRewriteFix);
  }
  for (std::size_t i = 1; i < csr.indptr.size(); ++i) {
    if (csr.indptr[i] < csr.indptr[i - 1]) {
      reader.fail(indptrPath, "decreases at position " + std::to_string(i) + " (" +
                                  std::to_string(csr.indptr[i - 1]) + " then " + std::to_string(csr.indptr[i]) + ")",
                  kRewriteFix);
    }
  }
  csr.indices = reader.readNumbers<std::int32_t>(indicesPath);
  for (std::size_t k = 0; k < csr.indices.size(); ++k) {
    if (csr.indices[k] < 0 || csr.indices[k] >= minor) {
      reader.fail(indicesPath, "value " + std::to_string(csr.indices[k]) + " at position " + std::to_string(k) +
                                   " is out of range 0.." + std::to_string(minor - 1),
                  kRewriteFix);
    }
  }
  csr.values = reader.readNumbers<float>(dataPath);
  std::vector<std::pair<std::int32_t, float>> scratch;
  for (std::int64_t r = 0; r < major; ++r) {
    const std::int64_t begin = csr.indptr[r], end = csr.indptr[r + 1];
    bool ascending = true;
    for (std::int64_t k = begin + 1; k < end && ascending; ++k) ascending = csr.indices[k - 1] < csr.indices[k];
    if (ascending) continue;
    const std::int64_t repeated = sortRow(csr, begin, end, scratch);
    if (repeated >= 0) {
      reader.fail(indicesPath, "index " + std::to_string(repeated) + " appears twice in the same " +
                                   majorName.substr(0, majorName.size() - 1) + " (number " + std::to_string(r) + ")",
                  kRewriteFix);
    }
  }
  return csr;
}

data::CsrStorage transposeCompressed(const data::CsrStorage& in, std::int64_t major, std::int64_t minor) {
  data::CsrStorage out;
  out.indptr.assign(static_cast<std::size_t>(minor) + 1, 0);
  for (std::int32_t index : in.indices) ++out.indptr[static_cast<std::size_t>(index) + 1];
  for (std::size_t i = 1; i < out.indptr.size(); ++i) out.indptr[i] += out.indptr[i - 1];
  out.indices.resize(in.indices.size());
  out.values.resize(in.values.size());
  std::vector<std::int64_t> next(out.indptr.begin(), out.indptr.end() - 1);
  // Walking the input rows in order leaves each output row's indices ascending.
  for (std::int64_t r = 0; r < major; ++r) {
    for (std::int64_t k = in.indptr[r]; k < in.indptr[r + 1]; ++k) {
      const std::int64_t at = next[in.indices[k]]++;
      out.indices[at] = static_cast<std::int32_t>(r);
      out.values[at] = in.values[k];
    }
  }
  return out;
}

}  // namespace diffbio::io::h5
