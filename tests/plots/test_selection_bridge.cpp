// Linked selection: plot points and table rows are matched by ID (a plot may leave out or reorder rows), each
// direction emits the other once, and the selected IDs are written to CSV atomically.
#include <QtTest/QtTest>

#include "plots/selection_bridge.h"
#include "test_support.h"

using namespace diffbio::plots;

class SelectionBridgeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void mapsPointsAndRowsById() {
    // The plot leaves out gene "c" (e.g. no p-value) and lists the rest in another order.
    SelectionBridge bridge({"d", "a", "b"}, {"a", "b", "c", "d"});
    QSignalSpy rows(&bridge, &SelectionBridge::rowSelectionChanged);
    QSignalSpy points(&bridge, &SelectionBridge::pointSelectionChanged);
    bridge.setPointSelection({0, 2});
    QCOMPARE(rows.count(), 1);
    QCOMPARE(bridge.selectedRows(), (std::vector<std::size_t>{1, 3}));
    QCOMPARE(bridge.selectedIds(), (std::vector<QString>{"b", "d"}));
    QCOMPARE(points.count(), 0);
    bridge.setRowSelection({2, 0, 9});  // "c" has no point; 9 is no row
    QCOMPARE(points.count(), 1);
    QCOMPARE(bridge.selectedPoints(), (std::vector<std::size_t>{1}));
    QCOMPARE(bridge.selectedRows(), (std::vector<std::size_t>{0, 2}));
  }

  void noFeedbackLoopWhenBothDirectionsAreConnected() {
    SelectionBridge bridge({"x", "y"}, {"x", "y"});
    int echoes = 0;
    // A table that answers every row change by reporting its rows back (as a QItemSelectionModel would).
    QObject::connect(&bridge, &SelectionBridge::rowSelectionChanged, &bridge, [&](const std::vector<std::size_t>& r) {
      ++echoes;
      bridge.setRowSelection(r);
    });
    bridge.setPointSelection({1});
    QCOMPARE(echoes, 1);
    QCOMPARE(bridge.selectedRows(), std::vector<std::size_t>{1});
  }

  void exportsSelectedIdsAsCsv() {
    const auto dir = diffbio::test::scratchDir("plots_selection_csv");
    SelectionBridge bridge({"AAAC-1", "gene,with comma", "B"}, {"AAAC-1", "gene,with comma", "B"});
    bridge.setPointSelection({0, 1});
    const auto path = (dir / "selection.csv").string();
    bridge.exportSelectedIds(path, "barcode");
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("barcode\nAAAC-1\n\"gene,with comma\"\n"));
    DIFFBIO_EXPECT_INPUT_ERROR(bridge.exportSelectedIds((dir / "missing" / "s.csv").string()), "cannot write");
  }
};

QTEST_MAIN(SelectionBridgeTest)
#include "test_selection_bridge.moc"
