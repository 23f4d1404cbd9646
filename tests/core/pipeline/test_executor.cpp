// The executor: topological runs, cache reuse after parameter changes, shared values, failures, cancellation.
#include "test_support.h"

#include <atomic>
#include <fstream>
#include <thread>

#include "core/pipeline/executor.h"
#include "pipeline_test_operators.h"

using namespace diffbio;
using namespace diffbio::pipeline;

namespace {

double valueOf(const Executor& executor, const std::string& node, const std::string& port) {
  const auto value = executor.output(node, port);
  if (!value) throw std::runtime_error("no output " + node + "." + port);
  return value->as<double>();
}

// source(2) -> add(+3) -> add2(+10, b = source): 2 + 3 + 10 + 2 = 17.
Graph chain(const std::string& prefix) {
  Graph g;
  g.addNode(prefix + "source", "test.source", {{"value", 2.0}});
  g.addNode(prefix + "add", "test.add", {{"addend", 3.0}});
  g.addNode(prefix + "add2", "test.add", {{"addend", 10.0}});
  g.connect({prefix + "source", "value", prefix + "add", "a"});
  g.connect({prefix + "add", "sum", prefix + "add2", "a"});
  g.connect({prefix + "source", "value", prefix + "add2", "b"});
  return g;
}

struct Recorder : ExecutionListener {
  std::mutex mutex;
  std::vector<std::pair<std::string, NodeStatus>> events;
  void nodeStatusChanged(const std::string& node, const NodeStatus& status) override {
    std::lock_guard lock(mutex);
    events.emplace_back(node, status);
  }
  std::vector<NodeState> statesOf(const std::string& node) {
    std::vector<NodeState> states;
    for (const auto& [id, status] : events)
      if (id == node && (states.empty() || states.back() != status.state)) states.push_back(status.state);
    return states;
  }
};

}  // namespace

class ExecutorTest : public QObject {
  Q_OBJECT

  ops::Registry registry = test::makeTestRegistry();

 private Q_SLOTS:
  void runsInTopologicalOrder() {
    Graph g;  // nodes added downstream first: the order must come from the edges
    g.addNode("sum", "test.add", {{"addend", 1.0}});
    g.addNode("src", "test.source", {{"value", 4.0}});
    g.connect({"src", "value", "sum", "a"});
    Executor executor(registry);
    CancelToken cancel;
    const auto summary = executor.run(g, cancel);
    QVERIFY(summary.ok());
    QCOMPARE(summary.executed, 2);
    QCOMPARE(valueOf(executor, "sum", "sum"), 5.0);
    QCOMPARE(executor.status("sum").state, NodeState::Done);
  }

  void changingADownstreamParameterRerunsOnlyThatNode() {
    Graph g = chain("p1_");
    Executor executor(registry);
    CancelToken cancel;
    executor.run(g, cancel);
    QCOMPARE(valueOf(executor, "p1_add2", "sum"), 17.0);
    QCOMPARE(test::executionsOf("p1_source"), 1);
    QCOMPARE(test::executionsOf("p1_add"), 1);
    QCOMPARE(test::executionsOf("p1_add2"), 1);

    // Nothing changed: everything comes from the cache.
    auto summary = executor.run(g, cancel);
    QCOMPARE(summary.executed, 0);
    QCOMPARE(summary.reused, 3);
    QVERIFY(executor.status("p1_add2").reused);

    g.setParameter("p1_add2", "addend", 20.0);
    summary = executor.run(g, cancel);
    QCOMPARE(summary.executed, 1);
    QCOMPARE(valueOf(executor, "p1_add2", "sum"), 27.0);
    QCOMPARE(test::executionsOf("p1_source"), 1);
    QCOMPARE(test::executionsOf("p1_add"), 1);
    QCOMPARE(test::executionsOf("p1_add2"), 2);

    // An upstream change re-runs that node and its descendants, not the source.
    g.setParameter("p1_add", "addend", 0.0);
    summary = executor.run(g, cancel);
    QCOMPARE(summary.executed, 2);
    QCOMPARE(valueOf(executor, "p1_add2", "sum"), 24.0);
    QCOMPARE(test::executionsOf("p1_source"), 1);
    QCOMPARE(test::executionsOf("p1_add"), 2);
    QCOMPARE(test::executionsOf("p1_add2"), 3);

    // Setting a parameter to its default value explicitly is the same key: no re-run.
    g.setParameter("p1_source", "value", 2.0);
    QCOMPARE(executor.run(g, cancel).executed, 0);
  }

  void markStaleForcesNodeAndDescendants() {
    Graph g = chain("p2_");
    Executor executor(registry);
    CancelToken cancel;
    executor.run(g, cancel);
    const auto stale = executor.markStale(g, "p2_add");
    QCOMPARE(stale, (std::vector<std::string>{"p2_add", "p2_add2"}));
    QCOMPARE(executor.status("p2_add").state, NodeState::Stale);
    QCOMPARE(executor.status("p2_source").state, NodeState::Done);
    QVERIFY(!executor.output("p2_add", "sum"));
    QCOMPARE(executor.run(g, cancel).executed, 2);
    QCOMPARE(test::executionsOf("p2_source"), 1);
    QCOMPARE(test::executionsOf("p2_add2"), 2);
  }

  void valuesAreSharedNotCopied() {
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("left", "test.pass");
    g.addNode("right", "test.pass");
    g.connect({"src", "value", "left", "in"});
    g.connect({"src", "value", "right", "in"});
    Executor executor(registry);
    CancelToken cancel;
    executor.run(g, cancel);
    const auto original = executor.output("src", "value");
    QVERIFY(original);
    QCOMPARE(executor.output("left", "out").get(), original.get());
    QCOMPARE(executor.output("right", "out").get(), original.get());
  }

  void listenerSeesStatesProgressAndTiming() {
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("slow", "test.slow", {{"seconds", 0.05}});
    g.connect({"src", "value", "slow", "in"});
    Executor executor(registry);
    CancelToken cancel;
    Recorder recorder;
    executor.run(g, cancel, &recorder);
    QCOMPARE(recorder.statesOf("slow"),
             (std::vector<NodeState>{NodeState::Queued, NodeState::Running, NodeState::Done}));
    int progressReports = 0;
    for (const auto& [id, status] : recorder.events)
      if (id == "slow" && status.state == NodeState::Running && status.progress > 0) ++progressReports;
    QVERIFY(progressReports > 3);
    const double seconds = executor.status("slow").seconds;
    QVERIFY2(seconds >= 0.05 && seconds < 1.0, qPrintable(QString::number(seconds)));
  }

  void failureStopsOnlyItsDescendants() {
    Graph g;
    g.addNode("bad", "test.fail");
    g.addNode("after_bad", "test.add");
    g.addNode("src", "test.source", {{"value", 7.0}});
    g.addNode("fine", "test.add");
    g.connect({"bad", "value", "after_bad", "a"});
    g.connect({"src", "value", "fine", "a"});
    Executor executor(registry);
    CancelToken cancel;
    const auto summary = executor.run(g, cancel);
    QVERIFY(!summary.ok());
    QCOMPARE(summary.failed, std::vector<std::string>{"bad"});
    QCOMPARE(executor.status("bad").state, NodeState::Failed);
    QCOMPARE(executor.status("bad").message, std::string("the test data has no genes\n  fix: load a matrix with genes"));
    QCOMPARE(executor.status("after_bad").state, NodeState::Stale);
    QVERIFY(executor.status("after_bad").message.find("\"bad\"") != std::string::npos);
    QCOMPARE(test::executionsOf("after_bad"), 0);
    QCOMPARE(valueOf(executor, "fine", "sum"), 7.0);
  }

  void anUpstreamFailureWithdrawsOldDownstreamOutputs() {
    const auto dir = test::scratchDir("pipeline-failure");
    std::ofstream(dir / "good.txt") << "5\n";
    Graph g;
    g.addNode("load", "test.load", {{"path", (dir / "good.txt").string()}});
    g.addNode("first", "test.add");
    g.addNode("second", "test.add");
    g.connect({"load", "value", "first", "a"});
    g.connect({"first", "sum", "second", "a"});
    Executor executor(registry);
    CancelToken cancel;
    QVERIFY(executor.run(g, cancel).ok());
    QCOMPARE(valueOf(executor, "second", "sum"), 5.0);

    g.setParameter("load", "path", (dir / "missing.txt").string());
    const auto summary = executor.run(g, cancel);
    QCOMPARE(summary.failed, std::vector<std::string>{"load"});
    QVERIFY2(executor.status("load").message.find("missing.txt: no number in the file") != std::string::npos,
             executor.status("load").message.c_str());
    // Neither downstream node may keep offering the result computed from the old file.
    QVERIFY(!executor.output("first", "sum"));
    QVERIFY(!executor.output("second", "sum"));
    QCOMPARE(executor.status("second").state, NodeState::Stale);
  }

  void operatorBreakingItsSpecFails() {
    Graph g;
    g.addNode("liar", "test.liar");
    Executor executor(registry);
    CancelToken cancel;
    executor.run(g, cancel);
    QCOMPARE(executor.status("liar").state, NodeState::Failed);
    QVERIFY2(executor.status("liar").message.find("a bug in the operator test.liar") != std::string::npos,
             executor.status("liar").message.c_str());
    QVERIFY(!executor.output("liar", "value"));
  }

  void invalidGraphIsRefused() {
    Graph g;
    g.addNode("lonely", "test.add");
    Executor executor(registry);
    CancelToken cancel;
    DIFFBIO_EXPECT_INPUT_ERROR(executor.run(g, cancel), "needs input \"a\"");
    QCOMPARE(test::executionsOf("lonely"), 0);
  }

  void cancellingStopsWithin200msAndKeepsNothing() {
    const auto dir = test::scratchDir("pipeline-cancel");
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("slow", "test.slow", {{"seconds", 30.0}, {"step_ms", 3}});
    g.addNode("sink", "test.write", {{"path", (dir / "result.txt").string()}});
    g.connect({"src", "value", "slow", "in"});
    g.connect({"slow", "value", "sink", "in"});
    Executor executor(registry);
    CancelToken cancel;
    Recorder recorder;
    RunSummary summary;
    std::atomic<bool> finished{false};
    std::chrono::steady_clock::time_point returned;
    std::thread worker([&] {
      summary = executor.run(g, cancel, &recorder);
      returned = std::chrono::steady_clock::now();
      finished = true;
    });
    // Cancel once the slow node is well under way.
    while (executor.status("slow").state != NodeState::Running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto cancelledAt = std::chrono::steady_clock::now();
    cancel.cancel();
    worker.join();
    const double ms = std::chrono::duration<double, std::milli>(returned - cancelledAt).count();
    QVERIFY2(ms < 200, qPrintable(QString("stopped %1 ms after cancel").arg(ms)));
    QVERIFY(summary.cancelled);
    QCOMPARE(executor.status("slow").state, NodeState::Stale);
    QVERIFY(!executor.output("slow", "value"));
    QCOMPARE(executor.status("sink").state, NodeState::Stale);  // was queued, never started
    QCOMPARE(test::executionsOf("sink"), 0);
    QVERIFY(std::filesystem::is_empty(dir));
    QCOMPARE(executor.status("src").state, NodeState::Done);  // finished work is kept

    // A new run picks up where it stopped: the source comes from the cache.
    cancel.reset();
    g.setParameter("slow", "seconds", 0.01);
    const auto second = executor.run(g, cancel);
    QVERIFY(second.ok());
    QCOMPARE(second.reused, 1);
    QVERIFY(std::filesystem::exists(dir / "result.txt"));
  }

  void cancellingASinkMidWriteLeavesNoFile() {
    const auto dir = test::scratchDir("pipeline-cancel-sink");
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("sink", "test.write", {{"path", std::string("result.txt")}, {"seconds", 30.0}});
    g.connect({"src", "value", "sink", "in"});
    Executor executor(registry);
    executor.setOutputFolder(dir);  // the relative path lands here
    CancelToken cancel;
    std::thread worker([&] { executor.run(g, cancel); });
    while (executor.status("sink").state != NodeState::Running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // The sink is writing its temporary file now.
    QVERIFY(!std::filesystem::is_empty(dir));
    cancel.cancel();
    worker.join();
    QVERIFY2(std::filesystem::is_empty(dir), "a cancelled sink left a file behind");
  }
};

QTEST_GUILESS_MAIN(ExecutorTest)
#include "test_executor.moc"
