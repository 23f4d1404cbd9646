// The canvas edits the document's graph through gestures: an operator dragged from the palette becomes a node,
// a mouse drag from an output port to an input port connects them (compatible ports highlighted, others greyed
// out meanwhile), and every edit undoes and redoes. Also: copy/paste, moving nodes, deleting, save/load round trip,
// automatic layout of the bulk DE template.
#include "test_support.h"

#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QUndoStack>

#include <functional>
#include <set>

#include "core/pipeline/pipeline_file.h"
#include "widgets/canvas/auto_layout.h"
#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/node_item.h"
#include "widgets/canvas/pipeline_scene.h"
#include "widgets/canvas/pipeline_view.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/palette/operator_palette.h"
#include "widgets/resources_path.h"

using namespace diffbio;
using namespace diffbio::widgets;

namespace {

// A canvas with its document, shown at a fixed size and scale so scene and viewport coordinates are predictable.
struct Canvas {
  PipelineDocument document;
  PipelineScene scene{&document};
  PipelineView view{&document, &scene};
  Canvas() {
    view.resize(1000, 700);
    view.show();
    view.resetTransform();
    view.centerOn(400, 150);
    QVERIFY(QTest::qWaitForWindowExposed(&view));
  }
  QPoint toViewport(QPointF scenePoint) const { return view.mapFromScene(scenePoint); }
  QPointF portPosition(const std::string& node, bool output, const std::string& port) const {
    return scene.nodeItem(node)->portScenePosition(output, port);
  }
};

// QTest::mouseMove does not carry the pressed button to QGraphicsView on every platform plugin; send the event
// with the left button held, as a real drag does.
void dragMove(QWidget* viewport, QPoint to) {
  QMouseEvent move(QEvent::MouseMove, QPointF(to), viewport->mapToGlobal(QPointF(to)), Qt::NoButton, Qt::LeftButton,
                   Qt::NoModifier);
  QApplication::sendEvent(viewport, &move);
}

void mouseDrag(QWidget* viewport, QPoint from, QPoint to, const std::function<void()>& midway = {}) {
  QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, from);
  dragMove(viewport, from + (to - from) / 2);
  dragMove(viewport, to);
  if (midway) midway();
  QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, to);
}

bool hasEdge(const pipeline::Graph& graph, const pipeline::Edge& edge) {
  for (const auto& e : graph.edges())
    if (e == edge) return true;
  return false;
}

}  // namespace

class PipelineCanvasTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void paletteListsTheRegistryAndFilters() {
    OperatorPalette palette(ops::Registry::global());
    const int all = palette.visibleOperatorCount();
    QCOMPARE(all, static_cast<int>(ops::Registry::global().all().size()));
    palette.setFilter("dispersion");
    QVERIFY(palette.visibleOperatorCount() >= 1);
    QVERIFY(palette.visibleOperatorCount() < all);
    QVERIFY(!palette.findOperator("de.dispersions")->isHidden());
    QVERIFY(palette.findOperator("io.load_counts")->isHidden());
    palette.setFilter("");
    QCOMPARE(palette.visibleOperatorCount(), all);
  }

  void dropFromThePaletteAddsANode() {
    Canvas canvas;
    OperatorPalette palette(ops::Registry::global());
    QTreeWidgetItem* item = palette.findOperator("de.size_factors");
    QVERIFY(item);
    // The MIME data is what the palette's own drag carries (the tree's model asks OperatorTree::mimeData). A real
    // QDrag runs a nested platform event loop that the offscreen plugin cannot drive from QTest, so the drop is
    // delivered to the canvas as the drag-enter / drag-move / drop events Qt would send.
    const QModelIndex index = palette.tree()->indexFromItem(item);
    std::unique_ptr<QMimeData> mime(palette.tree()->model()->mimeData({index}));
    QVERIFY(mime && mime->hasFormat(kOperatorMimeType));
    const QPoint at(300, 200);
    QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(canvas.view.viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(canvas.view.viewport(), &move);
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(canvas.view.viewport(), &drop);

    const auto* node = canvas.document.graph().findNode("size_factors");
    QVERIFY(node);
    QCOMPARE(node->operatorId, std::string("de.size_factors"));
    // The node's header is centred under the drop point.
    const QPointF scenePoint = canvas.view.mapToScene(at);
    QCOMPARE(node->position.x + 95, scenePoint.x());
    QCOMPARE(node->position.y + 14, scenePoint.y());
    QVERIFY(canvas.scene.nodeItem("size_factors"));
    QCOMPARE(canvas.scene.selectedNodeIds(), std::vector<std::string>{"size_factors"});

    canvas.document.undoStack()->undo();
    QVERIFY(!canvas.document.graph().findNode("size_factors"));
    QVERIFY(!canvas.scene.nodeItem("size_factors"));
    canvas.document.undoStack()->redo();
    QVERIFY(canvas.document.graph().findNode("size_factors"));
  }

  void mouseDragConnectsCompatiblePortsOnly() {
    Canvas canvas;
    QCOMPARE(canvas.document.addNode("io.load_counts", {0, 0}), std::string("load_counts"));
    QCOMPARE(canvas.document.addNode("io.load_samples", {0, 160}), std::string("load_samples"));
    QCOMPARE(canvas.document.addNode("de.design", {400, 60}), std::string("design"));
    auto* viewport = canvas.view.viewport();

    // Drag from the counts output to the design's counts input; midway, the design's ports show what fits.
    const QPoint from = canvas.toViewport(canvas.portPosition("load_counts", true, "counts"));
    const QPoint to = canvas.toViewport(canvas.portPosition("design", false, "counts"));
    bool checked = false;
    mouseDrag(viewport, from, to, [&] {
      QVERIFY(canvas.scene.connecting());
      auto* design = canvas.scene.nodeItem("design");
      QCOMPARE(design->portHint(false, 0), NodeItem::PortHint::Compatible);    // counts <- counts
      QCOMPARE(design->portHint(false, 1), NodeItem::PortHint::Incompatible);  // samples <- counts: no
      QCOMPARE(canvas.scene.nodeItem("load_samples")->portHint(true, 0), NodeItem::PortHint::Incompatible);
      checked = true;
    });
    QVERIFY(checked);
    QVERIFY(!canvas.scene.connecting());
    QCOMPARE(canvas.scene.nodeItem("design")->portHint(false, 0), NodeItem::PortHint::Normal);
    const pipeline::Edge countsEdge{"load_counts", "counts", "design", "counts"};
    QVERIFY(hasEdge(canvas.document.graph(), countsEdge));
    QCOMPARE(canvas.document.graph().edges().size(), std::size_t{1});

    // An incompatible target: the sample sheet's output onto the design's counts input. Nothing changes.
    mouseDrag(viewport, canvas.toViewport(canvas.portPosition("load_samples", true, "samples")),
              canvas.toViewport(canvas.portPosition("design", false, "counts")));
    QCOMPARE(canvas.document.graph().edges().size(), std::size_t{1});

    // Dragging backwards, from an input to an output, connects too.
    mouseDrag(viewport, canvas.toViewport(canvas.portPosition("design", false, "samples")),
              canvas.toViewport(canvas.portPosition("load_samples", true, "samples")));
    const pipeline::Edge samplesEdge{"load_samples", "samples", "design", "samples"};
    QVERIFY(hasEdge(canvas.document.graph(), samplesEdge));
    QCOMPARE(canvas.scene.items().size(), qsizetype(5));  // 3 nodes + 2 edges

    // Undo and redo walk the connections back and forth.
    auto* undo = canvas.document.undoStack();
    undo->undo();
    QVERIFY(!hasEdge(canvas.document.graph(), samplesEdge));
    undo->undo();
    QVERIFY(!hasEdge(canvas.document.graph(), countsEdge));
    undo->redo();
    undo->redo();
    QVERIFY(hasEdge(canvas.document.graph(), countsEdge) && hasEdge(canvas.document.graph(), samplesEdge));
  }

  void movingDeletingCopyingAndPasting() {
    Canvas canvas;
    canvas.document.loadTemplate(QString::fromStdString(widgets::resourcesDir().toStdString() + "/pipelines/bulk_de.json"));
    const pipeline::Graph original = canvas.document.graph();
    auto* undo = canvas.document.undoStack();

    // Move the design node by dragging its header.
    const auto before = canvas.document.graph().node("design").position;
    const QPoint grab = canvas.toViewport(QPointF(before.x + 60, before.y + 10));
    mouseDrag(canvas.view.viewport(), grab, grab + QPoint(50, 30));
    const auto after = canvas.document.graph().node("design").position;
    QCOMPARE(after.x - before.x, 50.0);
    QCOMPARE(after.y - before.y, 30.0);
    undo->undo();
    QVERIFY(canvas.document.graph().node("design").position == before);
    QCOMPARE(canvas.scene.nodeItem("design")->pos(), QPointF(before.x, before.y));

    // Delete a node with its three connections; undo restores them all.
    canvas.scene.selectNodes({"dispersions"});
    canvas.view.deleteSelection();
    QVERIFY(!canvas.document.graph().findNode("dispersions"));
    QCOMPARE(canvas.document.graph().edges().size(), original.edges().size() - 3);
    undo->undo();
    QVERIFY(canvas.document.graph().findNode("dispersions"));
    QCOMPARE(canvas.document.graph().edges().size(), original.edges().size());

    // Copy two connected nodes and paste: new ids, the edge between them kept, parameters kept.
    canvas.scene.selectNodes({"results", "write_results"});
    canvas.view.copySelection();
    canvas.view.paste();
    const auto& graph = canvas.document.graph();
    QVERIFY(graph.findNode("results_2") && graph.findNode("write_results_2"));
    QVERIFY(hasEdge(graph, {"results_2", "results", "write_results_2", "table"}));
    QCOMPARE(graph.node("results_2").parameters.real("alpha"), 0.1);
    QCOMPARE(canvas.scene.selectedNodeIds(), (std::vector<std::string>{"results_2", "write_results_2"}));
    undo->undo();
    QCOMPARE(graph.nodes().size(), original.nodes().size());
  }

  void saveAndLoadRoundTrip() {
    Canvas canvas;
    canvas.document.loadTemplate(widgets::resourcesDir() + "/pipelines/bulk_de.json");
    canvas.document.setParameter("results", "alpha", ops::ParameterValue(0.05));
    canvas.document.setParameter("size_factors", "method", ops::ParameterValue("poscounts"));
    canvas.document.addNode("de.vst", {900, 500});
    canvas.document.connectPorts({"design", "design", "vst", "design"});
    const auto dir = test::scratchDir("widgets_canvas_roundtrip");
    const QString file = QString::fromStdString((dir / "edited.json").string());
    canvas.document.save(file);
    QVERIFY(canvas.document.undoStack()->isClean());

    PipelineDocument reloaded;
    reloaded.load(file);
    QVERIFY(reloaded.graph() == canvas.document.graph());
    QCOMPARE(reloaded.filePath(), file);
    // Saving again gives the same bytes.
    const QString again = QString::fromStdString((dir / "again.json").string());
    reloaded.save(again);
    QFile a(file), b(again);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), b.readAll());
  }

  void templateLayoutIsLayeredWithoutOverlap() {
    const auto graph = pipeline::readPipelineFile((widgets::resourcesDir() + "/pipelines/bulk_de.json").toStdString());
    const auto positions = layeredLayout(graph, ops::Registry::global());
    QCOMPARE(positions.size(), graph.nodes().size());
    for (const auto& edge : graph.edges())  // every connection runs left to right
      QVERIFY2(positions.at(edge.fromNode).x < positions.at(edge.toNode).x, edge.toNode.c_str());
    std::vector<QRectF> boxes;
    for (const auto& node : graph.nodes()) {
      const auto& spec = ops::Registry::global().spec(node.operatorId);
      boxes.emplace_back(positions.at(node.id).x, positions.at(node.id).y, 190, 28 + 20 * std::max({spec.inputs.size(), spec.outputs.size(), std::size_t{1}}) + 24);
    }
    for (std::size_t i = 0; i < boxes.size(); ++i)
      for (std::size_t j = i + 1; j < boxes.size(); ++j) QVERIFY(!boxes[i].intersects(boxes[j]));
  }
};

QTEST_MAIN(PipelineCanvasTest)
#include "test_pipeline_canvas.moc"
