#pragma once
// Runs the pipeline off the GUI thread. The runner owns the executor (and so the cache of node outputs) and hands
// each run to a worker from Qt's thread pool; the executor's status reports come back to the GUI thread as queued
// calls. Every run gets a generation number: a new request while a run is going cancels it (CancelToken) and runs
// again once it has stopped, and anything still arriving from a superseded generation is dropped, so the canvas
// never shows results of an edit the user has already replaced.
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

#include "core/pipeline/executor.h"

namespace diffbio::widgets {

struct RunOutcome {
  quint64 generation = 0;
  pipeline::RunSummary summary;
  QString error;           // the run could not start (e.g. the graph did not validate)
  double seconds = 0;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  explicit JobRunner(const ops::Registry& registry = ops::Registry::global(), QObject* parent = nullptr);
  ~JobRunner() override;  // cancels and waits for the worker

  void setPipelineFolder(const QString& folder);
  void setOutputFolder(const QString& folder);
  QString outputFolder() const { return outputFolder_; }

  // Starts a run of `graph` (copied). Returns false, with the problems in `why`, when the graph does not validate
  // (nothing is started). If a run is going, it is cancelled and this one follows it.
  bool run(const pipeline::Graph& graph, QString* why = nullptr);
  // For the training panel: training nodes report to `observer` and wait at `pause` (see Executor::setTraining).
  // Both must outlive the runner's runs; takes effect from the next run.
  void setTraining(train::TrainingObserver* observer, const train::PauseGate* pause = nullptr) {
    trainingObserver_ = observer;
    trainingPause_ = pause;
  }
  void cancel();  // stops the current run and forgets a queued one
  bool isBusy() const { return watcher_.isRunning(); }
  quint64 generation() const { return generation_; }

  // Thread-safe reads of the executor's results (also during a run).
  ops::ValuePtr output(const std::string& nodeId, const std::string& port) const;
  pipeline::NodeStatus status(const std::string& nodeId) const;

 Q_SIGNALS:
  void runStarted(quint64 generation, int nodes);
  void nodeStatusChanged(const QString& nodeId, const pipeline::NodeStatus& status);
  void runFinished(const RunOutcome& outcome);  // only for the current generation
  void busyChanged(bool busy);

 private:
  void start(pipeline::Graph graph);
  void onWorkerFinished();
  void deliver(quint64 generation, const std::string& nodeId, const pipeline::NodeStatus& status);

  class Listener;
  std::unique_ptr<pipeline::Executor> executor_;
  CancelToken cancel_;
  QFutureWatcher<RunOutcome> watcher_;
  std::optional<pipeline::Graph> pending_;
  quint64 generation_ = 0;
  QString pipelineFolder_, outputFolder_;
  train::TrainingObserver* trainingObserver_ = nullptr;
  const train::PauseGate* trainingPause_ = nullptr;
};

}  // namespace diffbio::widgets
