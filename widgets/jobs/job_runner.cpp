#include "widgets/jobs/job_runner.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>

#include "core/pipeline/validation.h"
#include "core/util/error.h"

namespace diffbio::widgets {

// Forwards the executor's reports (on the worker) to the GUI thread. Progress of a running node is thinned to one
// report per 1 % or 40 ms, so a fast operator cannot flood the event queue and make the window sluggish.
class JobRunner::Listener : public pipeline::ExecutionListener {
 public:
  Listener(JobRunner* runner, quint64 generation) : runner_(runner), generation_(generation) {}

  void nodeStatusChanged(const std::string& nodeId, const pipeline::NodeStatus& status) override {
    if (status.state == pipeline::NodeState::Running) {
      const auto now = std::chrono::steady_clock::now();
      const bool sameNode = nodeId == lastNode_;
      if (sameNode && status.progress - lastProgress_ < 0.01 && now - lastSent_ < std::chrono::milliseconds(40)) return;
      lastNode_ = nodeId;
      lastProgress_ = status.progress;
      lastSent_ = now;
    }
    QMetaObject::invokeMethod(
        runner_, [runner = runner_, generation = generation_, nodeId, status] { runner->deliver(generation, nodeId, status); },
        Qt::QueuedConnection);
  }

 private:
  JobRunner* runner_;
  quint64 generation_;
  std::string lastNode_;
  double lastProgress_ = -1;
  std::chrono::steady_clock::time_point lastSent_{};
};

JobRunner::JobRunner(const ops::Registry& registry, QObject* parent)
    : QObject(parent), executor_(std::make_unique<pipeline::Executor>(registry)) {
  connect(&watcher_, &QFutureWatcher<RunOutcome>::finished, this, &JobRunner::onWorkerFinished);
}

JobRunner::~JobRunner() {
  pending_.reset();
  cancel_.cancel();
  watcher_.waitForFinished();
}

void JobRunner::setPipelineFolder(const QString& folder) {
  pipelineFolder_ = folder;
  if (!isBusy()) executor_->setPipelineFolder(folder.toStdString());
}

void JobRunner::setOutputFolder(const QString& folder) {
  outputFolder_ = folder;
  if (!isBusy()) executor_->setOutputFolder(folder.toStdString());
}

bool JobRunner::run(const pipeline::Graph& graph, QString* why) {
  const auto problems = pipeline::validate(graph);
  if (!problems.empty()) {
    if (why) {
      QStringList lines;
      for (const auto& problem : problems) lines << QString::fromStdString(problem.message);
      *why = lines.join("\n");
    }
    return false;
  }
  ++generation_;  // whatever is still running now belongs to the past
  if (isBusy()) {
    pending_ = graph;
    cancel_.cancel();
    return true;
  }
  start(graph);
  return true;
}

void JobRunner::cancel() {
  pending_.reset();
  if (isBusy()) cancel_.cancel();
}

void JobRunner::start(pipeline::Graph graph) {
  cancel_.reset();
  executor_->setPipelineFolder(pipelineFolder_.toStdString());
  executor_->setOutputFolder(outputFolder_.toStdString());
  executor_->setTraining(trainingObserver_, trainingPause_);
  const quint64 generation = generation_;
  const int nodes = static_cast<int>(graph.nodes().size());
  auto listener = std::make_shared<Listener>(this, generation);
  pipeline::Executor* executor = executor_.get();
  const CancelToken* token = &cancel_;
  watcher_.setFuture(QtConcurrent::run([executor, token, listener, generation, graph = std::move(graph)] {
    RunOutcome outcome;
    outcome.generation = generation;
    const auto begin = std::chrono::steady_clock::now();
    try {
      outcome.summary = executor->run(graph, *token, listener.get());
    } catch (const std::exception& error) {
      outcome.error = QString::fromUtf8(error.what());
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return outcome;
  }));
  Q_EMIT runStarted(generation, nodes);
  Q_EMIT busyChanged(true);
}

void JobRunner::onWorkerFinished() {
  const RunOutcome outcome = watcher_.result();
  if (pending_) {  // superseded: its outcome is dropped and the latest graph runs now
    pipeline::Graph next = std::move(*pending_);
    pending_.reset();
    start(std::move(next));
    return;
  }
  Q_EMIT busyChanged(false);
  if (outcome.generation == generation_) Q_EMIT runFinished(outcome);
}

void JobRunner::deliver(quint64 generation, const std::string& nodeId, const pipeline::NodeStatus& status) {
  if (generation != generation_) return;  // from a superseded run
  Q_EMIT nodeStatusChanged(QString::fromStdString(nodeId), status);
}

ops::ValuePtr JobRunner::output(const std::string& nodeId, const std::string& port) const {
  return executor_->output(nodeId, port);
}

pipeline::NodeStatus JobRunner::status(const std::string& nodeId) const { return executor_->status(nodeId); }

}  // namespace diffbio::widgets
