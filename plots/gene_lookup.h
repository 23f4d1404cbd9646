#pragma once
// Finding a gene by what a person types: the matrix's gene name (often an Ensembl ID for 10x data) or a symbol in
// the gene annotations (10x `gene_symbols`), exact first, then ignoring case when that is unambiguous. Used by the
// plot nodes that colour or group cells by a gene's expression.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/io/loaded_counts.h"

namespace diffbio::plots {

// The gene's column in `counts.matrix`, or nothing when no gene matches (or a case-insensitive match is ambiguous).
std::optional<std::int64_t> findGene(const io::LoadedCounts& counts, const std::string& name);

// One value per name in `cells` (cells absent from the matrix get NaN): the gene's column, read without densifying.
std::vector<double> geneValues(const data::CountMatrix& matrix, std::int64_t gene, const std::vector<std::string>& cells);

}  // namespace diffbio::plots
