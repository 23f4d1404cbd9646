#pragma once
// Writing result and annotation tables as TSV or CSV (gzip with a .gz suffix), atomically.
#include <string>

#include "core/data/count_matrix.h"
#include "core/data/table.h"

namespace diffbio::io {

enum class Delimiter { Tab, Comma };
Delimiter delimiterForPath(const std::string& path);  // ".csv"/".csv.gz" -> Comma, otherwise Tab

// The first column holds the row names under `table.indexName`; numbers use the shortest exact text; NA for missing.
// Fields containing the delimiter, quotes or newlines are quoted (RFC 4180) in CSV.
void writeTable(const data::Table& table, const std::string& path);
void writeTable(const data::Table& table, const std::string& path, Delimiter delimiter);

// A count matrix as a genes x samples table (the layout of DESeq2 and featureCounts), first column `gene_id`.
void writeCountTable(const data::CountMatrix& matrix, const std::string& path);

}  // namespace diffbio::io
