#pragma once
// AnnData dataframes (obs, var, raw/var) in HDF5 <-> data::Table.
//
// Read: the `_index` attribute names the index dataset and `column-order` the columns; columns may be numeric
// arrays, h5py bools, variable- or fixed-length strings, categoricals (anndata >= 0.8: a group with `categories` and
// `codes`; anndata 0.7: codes in the column dataset and the levels in `__categories/<name>`), and nullable
// integer/boolean/string groups. Anything else is skipped with a note.
// Write: anndata >= 0.8 encodings (dataframe 0.2.0, string-array, array, categorical 0.2.0, nullable-integer and
// nullable-boolean 0.1.0). A String column with missing values is written as a categorical (missing code -1).
#include <string>
#include <vector>

#include "core/data/table.h"
#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_writer.h"

namespace diffbio::io::h5 {

// The index (row names) only, without reading the columns.
std::vector<std::string> readDataframeIndex(const Reader& reader, const std::string& group);

// The whole dataframe. `notes` receives one line per skipped column.
data::Table readDataframe(const Reader& reader, const std::string& group, std::vector<std::string>& notes);

// Writes `table` with `rowNames` as its index (the table may have no rows and no columns, for names only).
void writeDataframe(Writer& writer, const std::string& group, const data::Table& table,
                    const std::vector<std::string>& rowNames);

// Sets encoding-type / encoding-version, the two attributes every AnnData element carries.
void setEncoding(Writer& writer, const std::string& object, const std::string& type, const std::string& version);

}  // namespace diffbio::io::h5
