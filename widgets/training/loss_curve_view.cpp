#include "widgets/training/loss_curve_view.h"

#include <QPainter>

#include "plots/plot_painter.h"

namespace diffbio::widgets {

LossCurveView::LossCurveView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(240, 160);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void LossCurveView::setModel(plots::PlotModel model) {
  model_ = std::move(model);
  update();
}

void LossCurveView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), Qt::white);
  plots::paintPlot(painter, model_, QRectF(rect()).adjusted(4, 4, -4, -4));
}

}  // namespace diffbio::widgets
