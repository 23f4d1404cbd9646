#include "widgets/canvas/pipeline_view.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <exception>

#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/node_geometry.h"
#include "widgets/canvas/pipeline_scene.h"
#include "widgets/document/pipeline_document.h"

namespace diffbio::widgets {

PipelineView::PipelineView(PipelineDocument* document, PipelineScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent), document_(document), scene_(scene) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setRubberBandSelectionMode(Qt::IntersectsItemShape);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setAcceptDrops(true);
  setFrameShape(QFrame::NoFrame);
  setSceneRect(-5000, -5000, 10000, 10000);
}

double PipelineView::zoom() const { return transform().m11(); }

void PipelineView::zoomBy(double factor) {
  const double target = std::clamp(zoom() * factor, 0.15, 4.0);
  scale(target / zoom(), target / zoom());
}

void PipelineView::fitToView() {
  QRectF bounds;
  for (auto* item : scene_->items())
    if (item->type() == NodeItem::Type) bounds |= item->sceneBoundingRect();
  if (bounds.isEmpty()) return;
  fitInView(bounds.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
  if (zoom() > 1.25) zoomBy(1.25 / zoom());  // a small pipeline should not fill the screen with giant nodes
}

void PipelineView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0) return;
  zoomBy(std::pow(1.15, steps));
  event->accept();
}

void PipelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (spaceHeld_ && event->button() == Qt::LeftButton)) {
    panning_ = true;
    panFrom_ = event->pos();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void PipelineView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint delta = event->pos() - panFrom_;
    panFrom_ = event->pos();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void PipelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_) {
    panning_ = false;
    viewport()->setCursor(spaceHeld_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

void PipelineView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    spaceHeld_ = true;
    viewport()->setCursor(Qt::OpenHandCursor);
    return;
  }
  if (event->matches(QKeySequence::Delete) || event->key() == Qt::Key_Backspace) {
    deleteSelection();
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void PipelineView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    spaceHeld_ = false;
    viewport()->setCursor(Qt::ArrowCursor);
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void PipelineView::deleteSelection() {
  const auto nodes = scene_->selectedNodeIds();
  const auto edges = scene_->selectedEdges();
  if (nodes.empty() && edges.empty()) return;
  document_->undoStack()->beginMacro(tr("Delete selection"));
  for (const auto& edge : edges) document_->disconnectPorts(edge);
  document_->removeNodes(nodes);
  document_->undoStack()->endMacro();
}

void PipelineView::copySelection() {
  const auto ids = scene_->selectedNodeIds();
  if (ids.empty()) return;
  auto* mime = new QMimeData;
  const QString text = document_->copyText(ids);
  mime->setData(kPipelineMimeType, text.toUtf8());
  mime->setText(text);
  QApplication::clipboard()->setMimeData(mime);
  pasteCount_ = 0;
}

void PipelineView::cutSelection() {
  copySelection();
  deleteSelection();
}

void PipelineView::paste() {
  const QMimeData* mime = QApplication::clipboard()->mimeData();
  if (!mime) return;
  const QString text = mime->hasFormat(kPipelineMimeType) ? QString::fromUtf8(mime->data(kPipelineMimeType)) : mime->text();
  if (!text.contains("diffbio-pipeline")) return;
  try {
    ++pasteCount_;
    const auto ids = document_->pasteText(text, QPointF(40.0 * pasteCount_, 40.0 * pasteCount_));
    scene_->selectNodes(ids);
  } catch (const std::exception& error) {
    Q_EMIT message(tr("Cannot paste: %1").arg(QString::fromUtf8(error.what())));
  }
}

// ---- drops: operators from the palette, files from the file manager ----

void PipelineView::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasFormat(kOperatorMimeType) || event->mimeData()->hasUrls())
    event->acceptProposedAction();
  else
    event->ignore();
}

void PipelineView::dragMoveEvent(QDragMoveEvent* event) {
  if (event->mimeData()->hasFormat(kOperatorMimeType) || event->mimeData()->hasUrls())
    event->acceptProposedAction();
  else
    event->ignore();
}

void PipelineView::dropEvent(QDropEvent* event) {
  const QMimeData* mime = event->mimeData();
  if (mime->hasFormat(kOperatorMimeType)) {
    const std::string operatorId = QString::fromUtf8(mime->data(kOperatorMimeType)).toStdString();
    // The node's header centre lands under the cursor.
    const QPointF at = mapToScene(event->position().toPoint()) - QPointF(node_geometry::kWidth / 2, node_geometry::kHeader / 2);
    const std::string id = document_->addNode(operatorId, at);
    scene_->selectNodes({id});
    event->acceptProposedAction();
    return;
  }
  QStringList paths;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  if (!paths.isEmpty()) {
    Q_EMIT filesDropped(paths);
    event->acceptProposedAction();
  }
}

}  // namespace diffbio::widgets
