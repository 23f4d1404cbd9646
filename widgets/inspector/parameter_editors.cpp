#include "widgets/inspector/parameter_editors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/data/table.h"

namespace diffbio::widgets {

double sliderToValue(int position, double low, double high, bool logScale) {
  const double t = std::clamp(position, 0, kSliderSteps) / static_cast<double>(kSliderSteps);
  if (logScale && low > 0 && high > low) return std::exp(std::log(low) + t * (std::log(high) - std::log(low)));
  return low + t * (high - low);
}

int valueToSlider(double value, double low, double high, bool logScale) {
  double t = 0;
  if (logScale && low > 0 && high > low)
    t = (std::log(std::max(value, low)) - std::log(low)) / (std::log(high) - std::log(low));
  else if (high > low)
    t = (value - low) / (high - low);
  return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSliderSteps));
}

ops::GeneList parseGeneList(const QString& text) {
  ops::GeneList genes;
  for (const QString& part : text.split(QRegularExpression("[\\s,;]+"), Qt::SkipEmptyParts))
    genes.push_back(part.toStdString());
  return genes;
}

namespace {

QHBoxLayout* tightRow(QWidget* owner) {
  auto* row = new QHBoxLayout(owner);
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(4);
  return row;
}

class IntEditor : public ParameterEditor {
 public:
  IntEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), box_(new QSpinBox(this)) {
    // Spin boxes hold an int: ranges beyond it are clamped to what an int can show.
    constexpr double kMax = std::numeric_limits<int>::max();
    box_->setRange(static_cast<int>(std::max(spec.minimum.value_or(-kMax), -kMax)),
                   static_cast<int>(std::min(spec.maximum.value_or(kMax), kMax)));
    box_->setKeyboardTracking(false);  // commit on Enter, focus out or arrows, not on every digit
    box_->setAccelerated(true);
    tightRow(this)->addWidget(box_);
    connect(box_, &QSpinBox::valueChanged, this, [this](int value) { Q_EMIT committed(ops::ParameterValue(value)); });
  }
  void setValue(const ops::ParameterValue& value) override {
    const QSignalBlocker block(box_);
    box_->setValue(static_cast<int>(value.asInt()));
  }

 private:
  QSpinBox* box_;
};

// A number field (typed values are checked, not clamped, so out-of-range input is refused with a reason) plus a
// slider when both ends of the range are known.
class FloatEditor : public ParameterEditor {
 public:
  FloatEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), field_(new QLineEdit(this)) {
    auto* row = tightRow(this);
    field_->setMinimumWidth(70);
    if (spec.minimum && spec.maximum) {
      slider_ = new QSlider(Qt::Horizontal, this);
      slider_->setRange(0, kSliderSteps);
      slider_->setToolTip(spec.logScale ? tr("logarithmic scale") : tr("linear scale"));
      row->addWidget(slider_, 2);
      connect(slider_, &QSlider::sliderMoved, this, [this](int position) {
        field_->setText(display(sliderToValue(position, *spec_.minimum, *spec_.maximum, spec_.logScale)));
      });
      connect(slider_, &QSlider::sliderReleased, this, [this] { commitText(); });
      connect(slider_, &QSlider::actionTriggered, this, [this](int action) {
        if (action == QAbstractSlider::SliderMove) return;
        // Clicks on the groove and keyboard steps: commit once the slider has moved.
        QMetaObject::invokeMethod(this, [this] {
          field_->setText(display(sliderToValue(slider_->value(), *spec_.minimum, *spec_.maximum, spec_.logScale)));
          commitText();
        }, Qt::QueuedConnection);
      });
    }
    row->addWidget(field_, 1);
    connect(field_, &QLineEdit::editingFinished, this, [this] { commitText(); });
  }
  void setValue(const ops::ParameterValue& value) override {
    field_->setText(display(value.asFloat()));
    if (slider_) {
      const QSignalBlocker block(slider_);
      slider_->setValue(valueToSlider(value.asFloat(), *spec_.minimum, *spec_.maximum, spec_.logScale));
    }
    shown_ = field_->text();
  }

 private:
  static QString display(double value) { return QString::number(value, 'g', 6); }
  void commitText() {
    if (field_->text() == shown_) return;
    bool ok = false;
    const double value = field_->text().trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value)) {
      Q_EMIT unreadable(tr("\"%1\" is not a number").arg(field_->text()));
      return;
    }
    Q_EMIT committed(ops::ParameterValue(value));
  }

  QLineEdit* field_;
  QSlider* slider_ = nullptr;
  QString shown_;
};

class BoolEditor : public ParameterEditor {
 public:
  BoolEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), box_(new QCheckBox(this)) {
    tightRow(this)->addWidget(box_);
    connect(box_, &QCheckBox::toggled, this, [this](bool on) { Q_EMIT committed(ops::ParameterValue(on)); });
  }
  void setValue(const ops::ParameterValue& value) override {
    const QSignalBlocker block(box_);
    box_->setChecked(value.asBool());
  }

 private:
  QCheckBox* box_;
};

class EnumEditor : public ParameterEditor {
 public:
  EnumEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), box_(new QComboBox(this)) {
    for (const auto& choice : spec.choices) box_->addItem(QString::fromStdString(choice));
    tightRow(this)->addWidget(box_);
    connect(box_, &QComboBox::activated, this,
            [this](int index) { Q_EMIT committed(ops::ParameterValue(box_->itemText(index).toStdString())); });
  }
  void setValue(const ops::ParameterValue& value) override {
    const QSignalBlocker block(box_);
    box_->setCurrentText(QString::fromStdString(value.asText()));
  }

 private:
  QComboBox* box_;
};

// Text and paths: commit on Enter or when the field loses focus; paths get a browse button.
class TextEditor : public ParameterEditor {
 public:
  TextEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), field_(new QLineEdit(this)) {
    auto* row = tightRow(this);
    row->addWidget(field_, 1);
    if (spec.type == ops::ParameterType::Path) {
      auto* browse = new QToolButton(this);
      browse->setText(QStringLiteral("…"));
      browse->setToolTip(spec.outputPath ? tr("Choose where to write") : tr("Choose a file"));
      row->addWidget(browse);
      connect(browse, &QToolButton::clicked, this, [this] {
        const QString chosen = spec_.outputPath
                                   ? QFileDialog::getSaveFileName(this, tr("Write to"), field_->text())
                                   : QFileDialog::getOpenFileName(this, tr("Choose a file"), field_->text());
        if (chosen.isEmpty()) return;
        field_->setText(chosen);
        commitText();
      });
    }
    connect(field_, &QLineEdit::editingFinished, this, [this] { commitText(); });
  }
  void setValue(const ops::ParameterValue& value) override {
    field_->setText(QString::fromStdString(value.asText()));
    shown_ = field_->text();
  }

 private:
  void commitText() {
    if (field_->text() == shown_) return;
    Q_EMIT committed(ops::ParameterValue(field_->text().toStdString()));
  }
  QLineEdit* field_;
  QString shown_;
};

class GenesEditor : public ParameterEditor {
 public:
  GenesEditor(const ops::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent), text_(new QPlainTextEdit(this)) {
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    text_->setPlaceholderText(tr("gene ids, separated by spaces, commas or lines"));
    text_->setMaximumHeight(90);
    column->addWidget(text_);
    auto* row = new QHBoxLayout;
    count_ = new QLabel(this);
    auto* apply = new QPushButton(tr("Apply"), this);
    row->addWidget(count_, 1);
    row->addWidget(apply);
    column->addLayout(row);
    connect(text_, &QPlainTextEdit::textChanged, this,
            [this] { count_->setText(tr("%n gene(s)", nullptr, static_cast<int>(parseGeneList(text_->toPlainText()).size()))); });
    connect(apply, &QPushButton::clicked, this, [this] { Q_EMIT committed(ops::ParameterValue(parseGeneList(text_->toPlainText()))); });
  }
  void setValue(const ops::ParameterValue& value) override {
    QStringList lines;
    for (const auto& gene : value.asGenes()) lines << QString::fromStdString(gene);
    const QSignalBlocker block(text_);
    text_->setPlainText(lines.join("\n"));
    count_->setText(tr("%n gene(s)", nullptr, static_cast<int>(lines.size())));
  }

 private:
  QPlainTextEdit* text_;
  QLabel* count_;
};

}  // namespace

ParameterEditor* createParameterEditor(const ops::ParameterSpec& spec, QWidget* parent) {
  switch (spec.type) {
    case ops::ParameterType::Int: return new IntEditor(spec, parent);
    case ops::ParameterType::Float: return new FloatEditor(spec, parent);
    case ops::ParameterType::Bool: return new BoolEditor(spec, parent);
    case ops::ParameterType::Enum: return new EnumEditor(spec, parent);
    case ops::ParameterType::String:
    case ops::ParameterType::Path: return new TextEditor(spec, parent);
    case ops::ParameterType::Genes: return new GenesEditor(spec, parent);
  }
  return new TextEditor(spec, parent);
}

}  // namespace diffbio::widgets
