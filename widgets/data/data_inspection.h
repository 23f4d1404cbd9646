#pragma once
// What opening data files finds, computed on a worker thread (the window never reads files on the GUI thread):
// for each file its role (count table or sample sheet, decided by content), the description `diffbio info` prints
// (format, shape, ...), its first rows as text, and for a count table with a sample sheet how their samples pair.
#include <QList>
#include <QString>
#include <QStringList>

namespace diffbio::widgets {

struct InspectedFile {
  QString path;
  bool sampleSheet = false;      // else a count table (or other data the count reader takes)
  bool delimited = false;        // a delimited table: the orientation can be switched
  QString description;
  QList<QStringList> firstRows;  // up to 8 lines split into fields, for the preview
};

struct DataInspection {
  QList<InspectedFile> files;
  QString pairing;  // how the sample sheet's rows pair with the count table's samples (empty: not applicable)
  QString description;  // all descriptions and the pairing, for the message log
  QString error;
  QStringList countFiles() const;
  QStringList sampleSheets() const;
};

DataInspection inspectData(const QStringList& paths);

}  // namespace diffbio::widgets
