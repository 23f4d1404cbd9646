#include "plots/gene_lookup.h"

#include <cmath>
#include <unordered_map>

namespace diffbio::plots {

namespace {

bool sameIgnoringCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Every spelling of each gene: its name, then its string annotations (symbols).
std::vector<std::vector<std::string>> spellings(const io::LoadedCounts& counts) {
  const auto& genes = counts.matrix.geneNames();
  std::vector<std::vector<std::string>> names(genes.size());
  for (std::size_t g = 0; g < genes.size(); ++g) names[g].push_back(genes[g]);
  if (counts.var.nRows() == genes.size())
    for (const auto& column : counts.var.columns()) {
      if (column.type() != data::ColumnType::String && column.type() != data::ColumnType::Categorical) continue;
      for (std::size_t g = 0; g < genes.size(); ++g)
        if (!column.isMissing(g)) names[g].push_back(column.text(g));
    }
  return names;
}

}  // namespace

std::optional<std::int64_t> findGene(const io::LoadedCounts& counts, const std::string& name) {
  const auto names = spellings(counts);
  for (std::size_t g = 0; g < names.size(); ++g)
    for (const auto& spelling : names[g])
      if (spelling == name) return std::int64_t(g);
  std::optional<std::int64_t> found;
  for (std::size_t g = 0; g < names.size(); ++g)
    for (const auto& spelling : names[g])
      if (sameIgnoringCase(spelling, name)) {
        if (found && *found != std::int64_t(g)) return std::nullopt;  // ambiguous
        found = std::int64_t(g);
      }
  return found;
}

std::vector<double> geneValues(const data::CountMatrix& matrix, std::int64_t gene, const std::vector<std::string>& cells) {
  std::unordered_map<std::string, std::int64_t> rowOf;
  const auto& obs = matrix.obsNames();
  for (std::size_t i = 0; i < obs.size(); ++i) rowOf.emplace(obs[i], std::int64_t(i));
  std::vector<double> values(cells.size(), std::nan(""));
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto found = rowOf.find(cells[c]);
    if (found != rowOf.end()) values[c] = matrix.at(found->second, gene);
  }
  return values;
}

}  // namespace diffbio::plots
