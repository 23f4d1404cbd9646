#include "widgets/inspector/inspector.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/ops/registry.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/inspector/parameter_editors.h"

namespace diffbio::widgets {

Inspector::Inspector(PipelineDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), title_(new QLabel(this)), help_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 8, 8, 8);
  QFont big = title_->font();
  big.setPointSizeF(big.pointSizeF() * 1.25);
  big.setBold(true);
  title_->setFont(big);
  title_->setWordWrap(true);
  help_->setWordWrap(true);
  help_->setStyleSheet("color: palette(mid);");
  help_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(title_);
  layout->addWidget(help_);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  form_ = new QWidget(scroll);
  formLayout_ = new QFormLayout(form_);
  formLayout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  formLayout_->setContentsMargins(0, 6, 0, 0);
  scroll->setWidget(form_);
  layout->addWidget(scroll, 1);

  connect(document_, &PipelineDocument::parameterChanged, this, [this](const QString& nodeId, const QString&) {
    if (nodeId == nodeId_) refreshValues();
  });
  connect(document_, &PipelineDocument::trainableChanged, this, [this](const QString& nodeId) {
    const auto* node = document_->graph().findNode(nodeId_.toStdString());
    if (nodeId != nodeId_ || !trainable_ || !node) return;
    const QSignalBlocker block(trainable_);
    trainable_->setChecked(node->trainable);
  });
  connect(document_, &PipelineDocument::structureChanged, this, [this] {
    if (!nodeId_.isEmpty() && !document_->graph().findNode(nodeId_.toStdString())) showNode({});
  });
  showNode({});
}

void Inspector::showNode(const QString& nodeId) {
  nodeId_ = nodeId;
  rebuild();
}

ParameterEditor* Inspector::editor(const std::string& parameter) const {
  const auto it = rows_.find(parameter);
  return it == rows_.end() ? nullptr : it->second.editor;
}

QString Inspector::refusal(const std::string& parameter) const {
  const auto it = rows_.find(parameter);
  return it == rows_.end() || it->second.error->isHidden() ? QString() : it->second.error->text();
}

void Inspector::rebuild() {
  while (formLayout_->rowCount() > 0) formLayout_->removeRow(0);
  rows_.clear();
  trainable_ = nullptr;
  const auto* node = document_->graph().findNode(nodeId_.toStdString());
  const auto* spec = node ? ops::Registry::global().findSpec(node->operatorId) : nullptr;
  if (!spec) {
    title_->setText(tr("No node selected"));
    help_->setText(tr("Select a node on the canvas to see and tune its parameters. Drag operators from the palette "
                      "onto the canvas; drag from an output port to an input port to connect them."));
    return;
  }
  title_->setText(QStringLiteral("%1  <span style='font-weight:normal'>%2</span>")
                      .arg(nodeId_.toHtmlEscaped(), QString::fromStdString(spec->displayName).toHtmlEscaped()));
  help_->setText(QString::fromStdString(spec->help));
  trainable_ = new QCheckBox(tr("Trainable"), form_);
  trainable_->setToolTip(tr("Let a training node downstream learn this node's quantities"));
  trainable_->setChecked(node->trainable);
  connect(trainable_, &QCheckBox::toggled, this, [this](bool on) { document_->setTrainable(nodeId_.toStdString(), on); });
  formLayout_->addRow(trainable_);
  if (spec->parameters.empty()) {
    formLayout_->addRow(new QLabel(tr("This operator has no parameters."), form_));
    return;
  }
  for (const auto& parameter : spec->parameters) {
    Row row;
    auto* field = new QWidget(form_);
    auto* fieldLayout = new QVBoxLayout(field);
    fieldLayout->setContentsMargins(0, 0, 0, 0);
    fieldLayout->setSpacing(2);
    auto* line = new QHBoxLayout;
    row.editor = createParameterEditor(parameter, field);
    row.editor->setToolTip(QString::fromStdString(parameter.help));
    row.reset = new QToolButton(field);
    row.reset->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    row.reset->setToolTip(tr("Reset to the default (%1)").arg(QString::fromStdString(parameter.defaultValue.toString())));
    row.reset->setAutoRaise(true);
    line->addWidget(row.editor, 1);
    line->addWidget(row.reset);
    fieldLayout->addLayout(line);
    row.error = new QLabel(field);
    row.error->setWordWrap(true);
    row.error->setStyleSheet("color: #c0392b;");
    row.error->hide();
    fieldLayout->addWidget(row.error);

    auto* label = new QLabel(QString::fromStdString(parameter.name), form_);
    label->setToolTip(QString::fromStdString(parameter.help));
    formLayout_->addRow(label, field);

    const std::string name = parameter.name;
    connect(row.editor, &ParameterEditor::committed, this, [this, name](const ops::ParameterValue& value) {
      const auto* node = document_->graph().findNode(nodeId_.toStdString());
      if (!node) return;
      const auto& spec = ops::Registry::global().spec(node->operatorId);
      const auto* parameterSpec = spec.findParameter(name);
      Row& row = rows_.at(name);
      if (const auto problem = parameterSpec->problemWith(value)) {
        row.error->setText(tr("Not accepted: %1").arg(QString::fromStdString(*problem)));
        row.error->show();
        refreshValues();  // show the value that is still in force
        row.error->show();
        return;
      }
      row.error->hide();
      document_->setParameter(node->id, name, value);
    });
    connect(row.editor, &ParameterEditor::unreadable, this, [this, name](const QString& reason) {
      Row& row = rows_.at(name);
      row.error->setText(tr("Not accepted: %1").arg(reason));
      row.error->show();
    });
    connect(row.reset, &QToolButton::clicked, this, [this, name] {
      rows_.at(name).error->hide();
      document_->setParameter(nodeId_.toStdString(), name, std::nullopt);
    });
    rows_[name] = row;
  }
  refreshValues();
}

void Inspector::refreshValues() {
  const auto* node = document_->graph().findNode(nodeId_.toStdString());
  if (!node) return;
  const auto& spec = ops::Registry::global().spec(node->operatorId);
  const auto values = spec.withDefaults(node->parameters);
  for (auto& [name, row] : rows_) {
    const ops::ParameterValue& value = values.at(name);
    // A value of the wrong kind (only possible from a hand-edited file) is shown as the default.
    const ops::ParameterSpec* parameter = spec.findParameter(name);
    const bool fits = value.kind() == ops::parameterKind(parameter->type) ||
                      (parameter->type == ops::ParameterType::Float && value.kind() == ops::ParameterValue::Kind::Int);
    row.editor->setValue(fits ? value : parameter->defaultValue);
    row.reset->setEnabled(node->parameters.has(name));
    row.error->hide();
  }
}

}  // namespace diffbio::widgets
