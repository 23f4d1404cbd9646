#pragma once
// Paints one PlotModel (a loss curve or parameter traces, plots/loss_curve_plot.h) with the plots painter.
#include <QWidget>

#include "plots/plot_model.h"

namespace diffbio::widgets {

class LossCurveView : public QWidget {
  Q_OBJECT
 public:
  explicit LossCurveView(QWidget* parent = nullptr);
  void setModel(plots::PlotModel model);
  const plots::PlotModel& model() const { return model_; }
  QSize sizeHint() const override { return {420, 240}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  plots::PlotModel model_;
};

}  // namespace diffbio::widgets
