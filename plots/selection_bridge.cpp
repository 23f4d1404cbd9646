#include "plots/selection_bridge.h"

#include <QHash>
#include <QSaveFile>
#include <algorithm>

#include "core/util/error.h"

namespace diffbio::plots {

namespace {

std::vector<long> mapping(const std::vector<QString>& from, const std::vector<QString>& to) {
  QHash<QString, long> position;
  position.reserve(qsizetype(to.size()));
  for (std::size_t i = 0; i < to.size(); ++i) position.insert(to[i], long(i));  // a repeated ID maps to its last row
  std::vector<long> out(from.size(), -1);
  for (std::size_t i = 0; i < from.size(); ++i) out[i] = position.value(from[i], -1);
  return out;
}

std::vector<std::size_t> translate(const std::vector<std::size_t>& indices, const std::vector<long>& map) {
  std::vector<std::size_t> out;
  out.reserve(indices.size());
  for (std::size_t i : indices)
    if (i < map.size() && map[i] >= 0) out.push_back(std::size_t(map[i]));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

QString csvField(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
    return text;
  QString quoted = text;
  quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

SelectionBridge::SelectionBridge(std::vector<QString> pointIds, std::vector<QString> rowIds, QObject* parent)
    : QObject(parent), rowIds_(std::move(rowIds)) {
  rowOfPoint_ = mapping(pointIds, rowIds_);
  pointOfRow_ = mapping(rowIds_, pointIds);
}

std::vector<std::size_t> SelectionBridge::rowsForPoints(const std::vector<std::size_t>& points) const {
  return translate(points, rowOfPoint_);
}

std::vector<std::size_t> SelectionBridge::pointsForRows(const std::vector<std::size_t>& rows) const {
  return translate(rows, pointOfRow_);
}

void SelectionBridge::setPointSelection(const std::vector<std::size_t>& points) {
  if (updating_) return;
  updating_ = true;
  rows_ = rowsForPoints(points);
  points_ = pointsForRows(rows_);  // normalised: only points that have a row
  Q_EMIT rowSelectionChanged(rows_);
  updating_ = false;
}

void SelectionBridge::setRowSelection(const std::vector<std::size_t>& rows) {
  if (updating_) return;
  updating_ = true;
  std::vector<std::size_t> sorted = rows;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  while (!sorted.empty() && sorted.back() >= rowIds_.size()) sorted.pop_back();
  rows_ = sorted;
  points_ = pointsForRows(rows_);
  Q_EMIT pointSelectionChanged(points_);
  updating_ = false;
}

std::vector<QString> SelectionBridge::selectedIds() const {
  std::vector<QString> ids;
  for (std::size_t r : rows_) ids.push_back(rowIds_[r]);
  return ids;
}

void SelectionBridge::exportSelectedIds(const std::string& path, const QString& header) const {
  writeIdsCsv(selectedIds(), path, header);
}

void writeIdsCsv(const std::vector<QString>& ids, const std::string& path, const QString& header) {
  QSaveFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly))
    throw InputError({path}, "cannot write the selection: " + file.errorString().toStdString(),
                     "check that the folder exists and is writable");
  QByteArray out = csvField(header).toUtf8() + "\n";
  for (const QString& id : ids) out += csvField(id).toUtf8() + "\n";
  file.write(out);
  if (!file.commit())
    throw InputError({path}, "writing the selection failed: " + file.errorString().toStdString(),
                     "check the free space and permissions of the folder");
}

}  // namespace diffbio::plots
