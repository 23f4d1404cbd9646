#pragma once
// The training panel: trains the training node of a pipeline (core/train/training_operator.h) on a worker thread
// and shows it happen. Loss and optimiser choices, learning rate and epochs; validation fraction, patience,
// min delta, restore best and batch size (the node's standard parameters); Train / Pause / Stop; a progress bar
// with the ETA; the live loss curve (log scale and smoothing optional) and traces of chosen parameters and
// metrics, both redrawn at most 30 times a second from a timer that drains the worker's events; the metrics table
// (before, after, references); "apply trained parameters"; checkpoint save and load.
//
// The GUI thread never trains: Train copies the pipeline and runs it with QtConcurrent on the panel's own
// executor, so the exact fit upstream is computed once and reused by later trainings; the training node itself is
// always re-run. Stop raises the run's cancel token: the trainer stops at its next check (before a step and between a
// step's forward pass, backward pass and update; the step in flight is rolled back) and the node writes its
// checkpoint, so Load checkpoint + Train continues from there. The validation loss is drawn with the loss, and the
// validation metrics are offered as traces ("metric: validation_f1").
#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/pipeline/executor.h"
#include "core/pipeline/graph.h"
#include "core/train/pause_gate.h"
#include "core/train/training_context.h"
#include "core/util/cancel_token.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTemporaryDir;
class QTimer;

namespace diffbio::widgets {

class LossCurveView;
class TrainingEventBuffer;

class TrainingPanel : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingPanel(QWidget* parent = nullptr);
  ~TrainingPanel() override;  // stops a running training and waits for it

  // The pipeline to train and the folder its relative paths are relative to. Returns false (Train disabled) when
  // it has no training node; the first training node is the one trained.
  bool setPipeline(const pipeline::Graph& graph, const QString& pipelineFolder = {});
  const pipeline::Graph& pipeline() const { return graph_; }
  void loadDemo();  // the seed-000 DE training demo (resources/pipelines/de_training_demo.json)

  void setEpochs(int epochs);
  void setLearningRate(double rate);
  void setOptimizer(const QString& name);
  void setValidation(double fraction, int patience, double minDelta = 0, bool restoreBest = true);
  void setBatchSize(int batchSize);
  bool isTraining() const { return running_; }

  // What is shown, for the window's status bar and for tests.
  const std::vector<double>& lossValues() const { return losses_; }
  QTableWidget* metricsTable() const { return metricsTable_; }
  QStringList traceNames() const;
  void setShownTraces(const QStringList& names);
  int curveRedraws() const { return curveRedraws_; }
  QString statusText() const;
  const LossCurveView* lossView() const { return lossView_; }
  const LossCurveView* traceView() const { return traceView_; }
  // When the worker noticed Stop: milliseconds from stop() to the end of the run on the worker thread.
  std::optional<double> lastStopLatencyMs() const { return stopLatencyMs_; }
  // Steps the worker reported after Stop was pressed, in the last run (structurally at most 1).
  int stepsAfterStop() const;

 public Q_SLOTS:
  void train();
  void togglePause();
  void stop();
  bool saveCheckpoint(const QString& path);  // the last training's checkpoint, written atomically
  bool loadCheckpoint(const QString& path);  // the next Train resumes from it
  void applyTrainedParameters();

 Q_SIGNALS:
  void trainingStarted();
  // "completed 100 steps", "cancelled after step 12", "failed: ..."
  void trainingFinished(const QString& status);
  // After "apply trained parameters" or loading a checkpoint changed the pipeline's parameters.
  void pipelineChanged(const diffbio::pipeline::Graph& graph);

 private:
  void buildUi();
  void drainEvents();  // timer: at most 30 per second
  void runFinished();
  void redrawCurves();
  void fillMetrics(const ops::ValuePtr& metrics);
  void setRunning(bool running);
  std::string checkpointFile() const;
  void addTraceItem(const std::string& name, bool checked, int position = -1);

  pipeline::Graph graph_;
  std::string trainNode_;
  QString folder_;
  std::unique_ptr<pipeline::Executor> executor_;
  std::unique_ptr<TrainingEventBuffer> events_;
  CancelToken cancel_;
  train::PauseGate pause_;
  QFutureWatcher<pipeline::RunSummary> watcher_;
  bool running_ = false;
  std::unique_ptr<QTemporaryDir> scratch_;  // the checkpoint of the last training
  QString resumeFrom_, savedCheckpoint_;
  std::optional<train::TrainedModel> model_;

  // Curves: one row per step received.
  std::vector<double> steps_, losses_;
  std::map<std::string, std::vector<double>> series_;  // components, "metric: ...", traces (NaN where absent)
  std::int64_t totalSteps_ = 0;
  int curveRedraws_ = 0;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point stopAt_, finishedAt_;  // finishedAt_: written by the worker before it ends
  bool stopRequested_ = false;
  std::optional<double> stopLatencyMs_;

  QComboBox* loss_ = nullptr;
  QComboBox* optimizer_ = nullptr;
  QDoubleSpinBox* learningRate_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QDoubleSpinBox* validationFraction_ = nullptr;
  QSpinBox* patience_ = nullptr;
  QDoubleSpinBox* minDelta_ = nullptr;
  QCheckBox* restoreBest_ = nullptr;
  QSpinBox* batchSize_ = nullptr;
  QPushButton* trainButton_ = nullptr;
  QPushButton* pauseButton_ = nullptr;
  QPushButton* stopButton_ = nullptr;
  QPushButton* applyButton_ = nullptr;
  QPushButton* saveButton_ = nullptr;
  QPushButton* loadButton_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* eta_ = nullptr;
  QLabel* status_ = nullptr;
  QCheckBox* logScale_ = nullptr;
  QDoubleSpinBox* smoothing_ = nullptr;
  LossCurveView* lossView_ = nullptr;
  LossCurveView* traceView_ = nullptr;
  QListWidget* traces_ = nullptr;
  QTableWidget* metricsTable_ = nullptr;
  QTimer* timer_ = nullptr;
};

}  // namespace diffbio::widgets
