#include "plots/de_results.h"

#include <cmath>

#include "core/util/error.h"

namespace diffbio::plots {

namespace {

std::vector<double> numbers(const data::Table& table, const std::string& name, const std::string& source) {
  const data::Column* column = table.find(name);
  if (!column)
    throw InputError({source}, "the results table has no column '" + name + "'",
                     "give a DE results table with baseMean, log2FoldChange, pvalue and padj (as `diffbio de` writes)");
  std::vector<double> values(column->size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = column->number(i).value_or(std::nan(""));
  return values;
}

}  // namespace

DeResults deResultsFromTable(const data::Table& table, const std::string& source) {
  DeResults results;
  results.genes = table.rowNames();
  results.baseMean = numbers(table, "baseMean", source);
  results.log2FoldChange = numbers(table, "log2FoldChange", source);
  results.pvalue = numbers(table, "pvalue", source);
  results.padj = numbers(table, "padj", source);
  return results;
}

}  // namespace diffbio::plots
