#pragma once
// Numeric row filters typed the way people write them: `padj < 0.05`, `|log2FoldChange| > 1`, joined with `and`
// (or `&`, `&&`, `,`). Column names are matched exactly, then ignoring case. A row with a missing value in a
// filtered column is left out (as R's subset() does).
#include <QString>

#include <vector>

#include "core/data/table.h"

namespace diffbio::widgets {

struct RowCondition {
  enum class Op { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };
  std::size_t column = 0;
  bool absolute = false;
  Op op = Op::Less;
  double value = 0;
  bool accepts(const data::Table& table, std::size_t row) const;
};

struct RowFilter {
  std::vector<RowCondition> conditions;
  QString error;  // why the text could not be read (then `conditions` is empty)
  bool ok() const { return error.isEmpty(); }
  bool accepts(const data::Table& table, std::size_t row) const;
};

RowFilter parseRowFilter(const QString& text, const data::Table& table);

}  // namespace diffbio::widgets
