#pragma once
// One editor widget per parameter type, generated from its ops::ParameterSpec: spin box (whole numbers), number field
// with a slider when the range is bounded (logarithmic where the spec hints it), check box, combo box, text field,
// file picker (open or save), gene-list editor. An editor emits `committed` with a typed value when the user
// finishes an edit; the inspector checks it against the spec and refuses invalid values with the reason.
#include <QWidget>

#include <memory>

#include "core/ops/operator.h"

namespace diffbio::widgets {

class ParameterEditor : public QWidget {
  Q_OBJECT

 public:
  explicit ParameterEditor(const ops::ParameterSpec& spec, QWidget* parent = nullptr) : QWidget(parent), spec_(spec) {}
  const ops::ParameterSpec& spec() const { return spec_; }
  // Shows `value` without emitting `committed`.
  virtual void setValue(const ops::ParameterValue& value) = 0;

 Q_SIGNALS:
  void committed(const ops::ParameterValue& value);
  // The text typed cannot be read as this parameter's type (the reason, for the inspector to show).
  void unreadable(const QString& reason);

 protected:
  ops::ParameterSpec spec_;
};

ParameterEditor* createParameterEditor(const ops::ParameterSpec& spec, QWidget* parent);

// Slider position (0..kSliderSteps) <-> value, linear or logarithmic; exposed for tests.
inline constexpr int kSliderSteps = 1000;
double sliderToValue(int position, double low, double high, bool logScale);
int valueToSlider(double value, double low, double high, bool logScale);

// "a, b  c\nd" -> {"a", "b", "c", "d"}: gene lists may be pasted from anywhere.
ops::GeneList parseGeneList(const QString& text);

}  // namespace diffbio::widgets
