#pragma once
// The application window. The pipeline canvas is the centre; around it, in movable docks: the operator palette,
// the inspector, the results (data and table tabs, plots) and the message log. A toolbar and the status bar hold
// Run / Auto-run / Cancel and the running job's progress. Computation never happens on the GUI thread: pipeline
// runs go through the JobRunner, data files are examined on a worker.
//
// Layout, recent files, auto-run, the output folder and the thread count persist in QSettings.
#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>
#include <QTimer>

#include "widgets/data/data_inspection.h"
#include "widgets/jobs/job_runner.h"

class QAction;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QToolButton;

namespace diffbio::widgets {

class CellViewPanel;
class Inspector;
class OperatorPalette;
class PipelineDocument;
class PipelineScene;
class PipelineView;
class ResultsPanel;
class TrainingPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Each returns false (and logs the reason) when the file cannot be read.
  bool openPipeline(const QString& path);
  bool openTemplate(const QString& path);
  void openDemo();  // the bulk DE template with the bundled pasilla inputs
  bool savePipeline(const QString& path);
  // Examines data files on a worker, shows the preview dialog (unless turned off), and adds loader nodes for them
  // (count tables, sample sheets).
  void openData(const QStringList& paths);
  void setDataPreview(bool on) { dataPreview_ = on; }

  void runPipeline();  // runs now (stale nodes only)
  void cancelRun();
  void setAutoRun(bool on);
  bool autoRun() const;
  void setOutputFolder(const QString& folder);

  PipelineDocument* document() const { return document_; }
  JobRunner* runner() const { return runner_; }
  PipelineScene* scene() const { return scene_; }
  PipelineView* view() const { return view_; }
  OperatorPalette* palette() const { return palette_; }
  Inspector* inspector() const { return inspector_; }
  ResultsPanel* results() const { return results_; }
  TrainingPanel* training() const { return training_; }
  CellViewPanel* cells() const { return cells_; }
  QToolButton* cancelButton() const { return cancelButton_; }
  QString logText() const;
  void log(const QString& message);

 Q_SIGNALS:
  void runCompleted(const RunOutcome& outcome);
  void dataOpened(bool ok);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void buildDocks();
  void buildActions();
  void buildMenus();
  void buildStatusBar();
  void restoreSettings();
  void scheduleAutoRun();
  void onNodeStatus(const QString& nodeId, const pipeline::NodeStatus& status);
  void onRunFinished(const RunOutcome& outcome);
  void updateProgress();
  void updateTitle();
  void rememberRecent(const QString& entry);
  void rebuildRecentMenu();
  void placeLoaders(const DataInspection& inspection, bool samplesAsRows);
  bool confirmDiscard();

  PipelineDocument* document_;
  JobRunner* runner_;
  PipelineScene* scene_;
  PipelineView* view_;
  OperatorPalette* palette_ = nullptr;
  Inspector* inspector_ = nullptr;
  ResultsPanel* results_ = nullptr;
  TrainingPanel* training_ = nullptr;
  CellViewPanel* cells_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QToolButton* cancelButton_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QMenu* templateMenu_ = nullptr;
  QAction* runAction_ = nullptr;
  QAction* autoRunAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QTimer autoRunTimer_;
  bool dataPreview_ = true;
  bool layoutRestored_ = false;
  QFutureWatcher<DataInspection> dataWatcher_;
  std::map<std::string, pipeline::NodeStatus> runStatus_;  // nodes of the current run
};

}  // namespace diffbio::widgets
