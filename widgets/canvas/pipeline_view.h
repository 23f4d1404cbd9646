#pragma once
// The canvas view: zoom with the wheel (around the cursor), pan with the middle button or Space + drag, rubber-band
// multi-selection, operators dropped from the palette become nodes, Delete / copy / cut / paste act on the
// selection, and "fit" frames the whole pipeline.
#include <QGraphicsView>

namespace diffbio::widgets {

class PipelineDocument;
class PipelineScene;

// The MIME type the palette puts an operator id in when it is dragged.
inline constexpr const char* kOperatorMimeType = "application/x-diffbio-operator";
// Copied nodes: pipeline JSON (the file format).
inline constexpr const char* kPipelineMimeType = "application/x-diffbio-pipeline";

class PipelineView : public QGraphicsView {
  Q_OBJECT

 public:
  PipelineView(PipelineDocument* document, PipelineScene* scene, QWidget* parent = nullptr);

  PipelineScene* pipelineScene() const { return scene_; }
  void fitToView();
  void deleteSelection();
  void copySelection();
  void cutSelection();
  void paste();
  double zoom() const;

 Q_SIGNALS:
  void filesDropped(const QStringList& paths);
  void message(const QString& text);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void zoomBy(double factor);

  PipelineDocument* document_;
  PipelineScene* scene_;
  bool panning_ = false;
  bool spaceHeld_ = false;
  QPoint panFrom_;
  int pasteCount_ = 0;
};

}  // namespace diffbio::widgets
