#include "widgets/tables/table_export.h"

#include <QSaveFile>

#include "widgets/tables/table_model.h"

namespace diffbio::widgets {

namespace {
QString field(const QString& text, QChar separator) {
  if (!text.contains(separator) && !text.contains('"') && !text.contains('\n')) return text;
  QString quoted = text;
  quoted.replace("\"", "\"\"");
  return "\"" + quoted + "\"";
}
}  // namespace

QString rowsAsText(const TableModel& model, const std::vector<int>& rows, const std::vector<int>& columns, QChar separator,
                   bool header) {
  QString out;
  auto line = [&](auto cell) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += separator;
      out += field(cell(columns[i]), separator);
    }
    out += '\n';
  };
  if (header) line([&](int c) { return model.columnName(c); });
  for (int row : rows) line([&](int c) { return model.exactText(row, c); });
  return out;
}

QString exportTableRows(const TableModel& model, const std::vector<int>& rows, const QString& path, QChar separator) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
    return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
  std::vector<int> columns;
  for (int c = 0; c < model.columnCount(); ++c) columns.push_back(c);
  // Written in blocks so a large table does not build one giant string.
  constexpr std::size_t kBlock = 4096;
  file.write(rowsAsText(model, {}, columns, separator, true).toUtf8());
  for (std::size_t start = 0; start < rows.size(); start += kBlock) {
    const std::vector<int> block(rows.begin() + start, rows.begin() + std::min(rows.size(), start + kBlock));
    file.write(rowsAsText(model, block, columns, separator, false).toUtf8());
  }
  if (!file.commit()) return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
  return {};
}

}  // namespace diffbio::widgets
