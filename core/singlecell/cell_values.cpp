#include "core/singlecell/cell_values.h"

namespace diffbio::sc {

data::Table embeddingTable(const CellEmbedding& e, const std::string& prefix) {
  data::Table t(e.cells);
  t.indexName = "barcode";
  for (Eigen::Index d = 0; d < e.values.cols(); ++d) {
    std::vector<double> column(e.values.rows());
    for (Eigen::Index i = 0; i < e.values.rows(); ++i) column[i] = e.values(i, d);
    t.addColumn(data::Column(prefix + std::to_string(d + 1), std::move(column)));
  }
  return t;
}

data::Table labelTable(const CellLabels& labels) {
  data::Table t(labels.cells);
  t.indexName = "barcode";
  std::vector<std::string> text;
  text.reserve(labels.codes.size());
  for (auto c : labels.codes) text.push_back(c >= 0 ? labels.levels[c] : "NA");
  t.addColumn(data::Column(labels.name, data::makeCategorical(text, labels.levels)));
  return t;
}

}  // namespace diffbio::sc
