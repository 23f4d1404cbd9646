#include "widgets/data/data_inspection.h"

#include <QObject>

#include <exception>
#include <string_view>

#include "core/io/count_readers.h"
#include "core/io/data_summary.h"
#include "core/io/format.h"
#include "core/io/sample_sheet.h"
#include "core/io/text_source.h"

namespace diffbio::widgets {

namespace {

// A delimited file whose columns include text (conditions, batches) is a sample sheet; a count table's columns
// are all numbers.
bool looksLikeSampleSheet(const std::string& path) {
  try {
    const auto sheet = io::readSampleSheet(path);
    for (const auto& column : sheet.columns())
      if (column.type() == data::ColumnType::Categorical || column.type() == data::ColumnType::String) return true;
  } catch (const std::exception&) {
  }
  return false;
}

QList<QStringList> firstRows(const std::string& path, int count) {
  QList<QStringList> rows;
  io::TextSource source(path);
  std::string_view line;
  while (rows.size() < count && source.nextLine(line)) {
    const QString text = QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
    const QChar separator = text.count('\t') >= text.count(',') ? QChar('\t') : QChar(',');
    QStringList fields = text.split(separator);
    for (QString& field : fields) field = field.trimmed().remove('"');
    rows << fields;
  }
  return rows;
}

}  // namespace

QStringList DataInspection::countFiles() const {
  QStringList paths;
  for (const auto& file : files)
    if (!file.sampleSheet) paths << file.path;
  return paths;
}

QStringList DataInspection::sampleSheets() const {
  QStringList paths;
  for (const auto& file : files)
    if (file.sampleSheet) paths << file.path;
  return paths;
}

DataInspection inspectData(const QStringList& paths) {
  DataInspection result;
  QStringList text;
  for (const QString& path : paths) {
    const std::string name = path.toStdString();
    try {
      InspectedFile file;
      file.path = path;
      const auto guess = io::sniffFormat(name);
      file.delimited = guess.format == io::Format::DelimitedTable;
      file.sampleSheet = file.delimited && looksLikeSampleSheet(name);
      if (file.sampleSheet) {
        const auto sheet = io::readSampleSheet(name);
        QStringList columns;
        for (const auto& c : sheet.columns()) columns << QString::fromStdString(c.name());
        file.description = QObject::tr("%1\n  sample sheet: %2 samples; columns %3").arg(path).arg(sheet.nRows()).arg(columns.join(", "));
      } else {
        file.description = QString::fromStdString(io::describeData({name}));
      }
      if (guess.format != io::Format::TenxH5 && guess.format != io::Format::H5ad && guess.format != io::Format::TenxMtxDir)
        file.firstRows = firstRows(name, 8);
      text << file.description;
      result.files << file;
    } catch (const std::exception& error) {
      result.error += QString::fromUtf8(error.what()) + "\n";
    }
  }
  if (result.countFiles().size() == 1 && result.sampleSheets().size() == 1) {
    try {
      const auto counts = io::readCounts(result.countFiles().front().toStdString());
      const auto sheet = io::readSampleSheet(result.sampleSheets().front().toStdString());
      const auto match = io::matchSamples(sheet, counts.matrix.obsNames(), result.sampleSheets().front().toStdString());
      QStringList lines;
      lines << QObject::tr("Sample sheet pairing%1:").arg(match.usedContainmentRule ? QObject::tr(" (by contained names)") : QString());
      if (match.mapping.empty())
        for (const auto& name : counts.matrix.obsNames()) lines << "  " + QString::fromStdString(name) + " = " + QString::fromStdString(name);
      for (const auto& line : match.mapping) lines << "  " + QString::fromStdString(line);
      result.pairing = lines.join("\n");
      text << result.pairing;
    } catch (const std::exception& error) {
      result.error += QString::fromUtf8(error.what()) + "\n";
    }
  }
  result.description = text.join("\n");
  result.error = result.error.trimmed();
  return result;
}

}  // namespace diffbio::widgets
