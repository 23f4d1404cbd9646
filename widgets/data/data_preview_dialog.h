#pragma once
// File > Open data's preview: per file its detected format and shape (the `diffbio info` description), its first
// rows, and for a delimited count table an orientation switch (samples as columns or as rows); with a count table
// and a sample sheet, how their samples pair. Accepting creates the loader nodes.
#include <QDialog>

#include "widgets/data/data_inspection.h"

class QCheckBox;

namespace diffbio::widgets {

class DataPreviewDialog : public QDialog {
  Q_OBJECT

 public:
  DataPreviewDialog(const DataInspection& inspection, QWidget* parent = nullptr);
  // The table has one row per sample (the loader's samples_as_rows).
  bool samplesAsRows() const;
  void setSamplesAsRows(bool on);

 private:
  QCheckBox* samplesAsRows_ = nullptr;
};

}  // namespace diffbio::widgets
