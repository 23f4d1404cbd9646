#pragma once
// Compressed sparse matrices stored as three HDF5 datasets data/indices/indptr (10x HDF5 CSC, AnnData CSR/CSC):
// reading them straight into CsrStorage with every consistency check an InputError naming the dataset.
#include <cstdint>
#include <string>

#include "core/data/count_matrix.h"
#include "core/io/hdf5_reader.h"

namespace diffbio::io::h5 {

// Reads `group`/{data,indices,indptr} as `major` compressed rows of `minor` columns each (for CSC, major = columns).
// Checks lengths, monotone pointers and index ranges; sorts indices within a row when they are not ascending;
// rejects duplicate indices within a row. `majorName` names the compressed axis in messages ("cells", "rows").
data::CsrStorage readCompressedSparse(const Reader& reader, const std::string& group, std::int64_t major,
                                      std::int64_t minor, const std::string& majorName);

// The same matrix compressed along the other axis (CSC of major x minor -> CSR of minor x major).
data::CsrStorage transposeCompressed(const data::CsrStorage& in, std::int64_t major, std::int64_t minor);

}  // namespace diffbio::io::h5
