#include "widgets/tables/row_filter.h"

#include <QRegularExpression>

#include <cmath>

namespace diffbio::widgets {

bool RowCondition::accepts(const data::Table& table, std::size_t row) const {
  const auto number = table.column(column).number(row);
  if (!number || std::isnan(*number)) return false;
  const double x = absolute ? std::abs(*number) : *number;
  switch (op) {
    case Op::Less: return x < value;
    case Op::LessEqual: return x <= value;
    case Op::Greater: return x > value;
    case Op::GreaterEqual: return x >= value;
    case Op::Equal: return x == value;
    case Op::NotEqual: return x != value;
  }
  return false;
}

bool RowFilter::accepts(const data::Table& table, std::size_t row) const {
  for (const auto& condition : conditions)
    if (!condition.accepts(table, row)) return false;
  return true;
}

RowFilter parseRowFilter(const QString& text, const data::Table& table) {
  RowFilter filter;
  static const QRegularExpression separator(R"(\s+(?:and|AND)\s+|\s*&&\s*|\s*&\s*|\s*,\s*)");
  static const QRegularExpression term(
      R"(^\s*(\|)?\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*(\|)?\s*(<=|>=|==|!=|<|>|=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$)");
  for (const QString& part : text.split(separator, Qt::SkipEmptyParts)) {
    const auto match = term.match(part);
    if (!match.hasMatch()) {
      filter.error = QObject::tr("cannot read \"%1\": write e.g. padj < 0.05 or |log2FoldChange| > 1").arg(part.trimmed());
      filter.conditions.clear();
      return filter;
    }
    if (match.captured(1).isEmpty() != match.captured(3).isEmpty()) {
      filter.error = QObject::tr("\"%1\": the absolute value needs bars on both sides, |name|").arg(part.trimmed());
      filter.conditions.clear();
      return filter;
    }
    const std::string name = match.captured(2).toStdString();
    std::optional<std::size_t> column;
    for (std::size_t c = 0; c < table.nColumns(); ++c)
      if (table.column(c).name() == name) column = c;
    if (!column)
      for (std::size_t c = 0; c < table.nColumns(); ++c)
        if (QString::fromStdString(table.column(c).name()).compare(match.captured(2), Qt::CaseInsensitive) == 0) column = c;
    if (!column) {
      QStringList names;
      for (const auto& c : table.columns()) names << QString::fromStdString(c.name());
      filter.error = QObject::tr("no column \"%1\"; the columns are %2").arg(match.captured(2), names.join(", "));
      filter.conditions.clear();
      return filter;
    }
    const auto type = table.column(*column).type();
    if (type == data::ColumnType::String || type == data::ColumnType::Categorical) {
      filter.error = QObject::tr("column \"%1\" holds text, not numbers").arg(match.captured(2));
      filter.conditions.clear();
      return filter;
    }
    RowCondition condition;
    condition.column = *column;
    condition.absolute = !match.captured(1).isEmpty();
    const QString op = match.captured(4);
    using Op = RowCondition::Op;
    condition.op = op == "<" ? Op::Less : op == "<=" ? Op::LessEqual : op == ">" ? Op::Greater
                 : op == ">=" ? Op::GreaterEqual : op == "!=" ? Op::NotEqual : Op::Equal;
    condition.value = match.captured(5).toDouble();
    filter.conditions.push_back(condition);
  }
  return filter;
}

}  // namespace diffbio::widgets
