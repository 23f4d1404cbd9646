#include "widgets/data/data_preview_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace diffbio::widgets {

DataPreviewDialog::DataPreviewDialog(const DataInspection& inspection, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Open data"));
  resize(820, 560);
  auto* layout = new QVBoxLayout(this);
  auto* tabs = new QTabWidget(this);
  bool anyDelimitedCounts = false;
  for (const auto& file : inspection.files) {
    auto* page = new QWidget(tabs);
    auto* pageLayout = new QVBoxLayout(page);
    auto* description = new QPlainTextEdit(file.description, page);
    description->setReadOnly(true);
    description->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    description->setMaximumHeight(170);
    pageLayout->addWidget(new QLabel(file.sampleSheet ? tr("Sample sheet (becomes a \"Load sample sheet\" node)")
                                                      : tr("Count data (becomes a \"Load counts\" node)"), page));
    pageLayout->addWidget(description);
    if (!file.firstRows.isEmpty()) {
      int columns = 0;
      for (const auto& row : file.firstRows) columns = std::max(columns, static_cast<int>(row.size()));
      auto* table = new QTableWidget(static_cast<int>(file.firstRows.size()), columns, page);
      for (int r = 0; r < file.firstRows.size(); ++r)
        for (int c = 0; c < file.firstRows[r].size(); ++c) table->setItem(r, c, new QTableWidgetItem(file.firstRows[r][c]));
      table->setEditTriggers(QAbstractItemView::NoEditTriggers);
      table->horizontalHeader()->setVisible(false);
      table->resizeColumnsToContents();
      pageLayout->addWidget(new QLabel(tr("First rows:"), page));
      pageLayout->addWidget(table, 1);
    }
    tabs->addTab(page, QFileInfo(file.path).fileName());
    anyDelimitedCounts |= file.delimited && !file.sampleSheet;
  }
  layout->addWidget(tabs, 1);
  if (anyDelimitedCounts) {
    samplesAsRows_ = new QCheckBox(tr("One row per sample (the table's columns are genes)"), this);
    samplesAsRows_->setToolTip(tr("Count tables are read with genes as rows and samples as columns unless this is set"));
    layout->addWidget(samplesAsRows_);
  }
  if (!inspection.pairing.isEmpty()) {
    auto* pairing = new QPlainTextEdit(inspection.pairing, this);
    pairing->setReadOnly(true);
    pairing->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    pairing->setMaximumHeight(130);
    layout->addWidget(pairing);
  }
  if (!inspection.error.isEmpty()) {
    auto* error = new QLabel(inspection.error, this);
    error->setWordWrap(true);
    error->setStyleSheet("color: #c0392b;");
    layout->addWidget(error);
  }
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Add loader nodes"));
  buttons->button(QDialogButtonBox::Ok)->setEnabled(!inspection.files.isEmpty());
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

bool DataPreviewDialog::samplesAsRows() const { return samplesAsRows_ && samplesAsRows_->isChecked(); }

void DataPreviewDialog::setSamplesAsRows(bool on) {
  if (samplesAsRows_) samplesAsRows_->setChecked(on);
}

}  // namespace diffbio::widgets
