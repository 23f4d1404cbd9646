#pragma once
// Writes table rows as CSV or TSV through QSaveFile, so a failed export never leaves a partial file. Numbers are
// written exactly (shortest round-trip text), fields are quoted only when they must be.
#include <QString>

#include <vector>

namespace diffbio::widgets {

class TableModel;

// `rows` are source rows in the order to write. Returns an empty string on success, else the reason.
QString exportTableRows(const TableModel& model, const std::vector<int>& rows, const QString& path, QChar separator);
// Cells as text lines (tab-separated, with a header line): what Copy puts on the clipboard.
QString rowsAsText(const TableModel& model, const std::vector<int>& rows, const std::vector<int>& columns, QChar separator,
                   bool header);

}  // namespace diffbio::widgets
