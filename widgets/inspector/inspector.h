#pragma once
// The inspector: the selected node's operator, help and parameters, with editors generated from the operator's
// ParameterSpecs (parameter_editors.h). Each row has the help as tooltip, a reset-to-default button, and a line
// where a refused value's reason appears. Edits become undoable document commands.
#include <QWidget>

#include <map>
#include <string>

class QCheckBox;
class QLabel;
class QFormLayout;
class QToolButton;

namespace diffbio::widgets {

class ParameterEditor;
class PipelineDocument;

class Inspector : public QWidget {
  Q_OBJECT

 public:
  explicit Inspector(PipelineDocument* document, QWidget* parent = nullptr);

  void showNode(const QString& nodeId);  // empty = nothing selected
  QString nodeId() const { return nodeId_; }
  ParameterEditor* editor(const std::string& parameter) const;
  QString refusal(const std::string& parameter) const;  // the reason shown for the last refused value, or empty

 private:
  struct Row {
    ParameterEditor* editor = nullptr;
    QToolButton* reset = nullptr;
    QLabel* error = nullptr;
  };
  void rebuild();
  void refreshValues();

  PipelineDocument* document_;
  QString nodeId_;
  QLabel* title_;
  QLabel* help_;
  QWidget* form_ = nullptr;
  QFormLayout* formLayout_ = nullptr;
  QCheckBox* trainable_ = nullptr;
  std::map<std::string, Row> rows_;
};

}  // namespace diffbio::widgets
