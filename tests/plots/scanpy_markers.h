#pragma once
// scanpy's stored rank_genes_groups for pbmc68k_reduced (group, rank, gene, scores: 100 genes per bulk_labels
// group) as the marker table sc.markers produces: one row per line, columns group, rank and gene. The sample-sheet
// reader cannot load it (its first column repeats), so the few lines are split here.
#include <fstream>
#include <string>
#include <vector>

#include "core/data/table.h"
#include "test_support.h"

namespace diffbio::test {

inline data::Table scanpyMarkers() {
  std::ifstream in(sharedData("sc_pbmc68k_reduced_scanpy/plain_export/rank_genes_groups.csv"));
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::string> rows, groups, genes;
  std::vector<double> ranks;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto first = line.find(','), second = line.find(',', first + 1), third = line.find(',', second + 1);
    groups.push_back(line.substr(0, first));
    ranks.push_back(std::stod(line.substr(first + 1, second - first - 1)));
    genes.push_back(line.substr(second + 1, third - second - 1));
    rows.push_back(std::to_string(rows.size() + 1));
  }
  data::Table table(rows);
  table.addColumn(data::Column("group", std::move(groups)));
  table.addColumn(data::Column("rank", std::move(ranks)));
  table.addColumn(data::Column("gene", std::move(genes)));
  return table;
}

}  // namespace diffbio::test
