// Training as a pipeline node (core/train/training_operator.h) through the real executor, on the seed-000
// experiment made small (300 genes, 10 vs 10 samples) so each run takes a moment: the template equals the CLI's
// demo graph, the loss falls and the detection improves, a stopped run resumes to exactly the uninterrupted one,
// the per-node trainable flags choose what is learnt, and bad checkpoints are refused with a clear message.
#include "test_support.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/data/table.h"
#include "core/ops/registry.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/train/demo_pipelines.h"
#include "core/train/training_context.h"
#include "core/train/training_operator.h"

using namespace diffbio;
namespace fs = std::filesystem;

namespace {

pipeline::Graph smallDemo(std::int64_t epochs) {
  pipeline::Graph graph = train::deTrainingDemoPipeline();
  graph.setParameter("simulation", "genes", 300);
  graph.setParameter("simulation", "samples", 20);
  graph.setParameter("simulation", "de_genes", 30);
  graph.setParameter("train", "epochs", epochs);
  return graph;
}

// Records what the run reports, and cancels the run after `cancelAfter` steps when set.
struct Recorder : train::TrainingObserver {
  std::vector<std::string> calls;
  std::vector<train::TrainingEvent> steps;
  train::TrainingStart start;
  std::optional<train::TrainingResult> finished;
  CancelToken* cancel = nullptr;
  std::int64_t cancelAfter = -1;
  void trainingStarted(const std::string& node, const train::TrainingStart& s) override {
    calls.push_back("start " + node);
    start = s;
  }
  void trainingStep(const std::string&, const train::TrainingEvent& e) override {
    steps.push_back(e);
    if (cancel && e.step == cancelAfter) cancel->cancel();
  }
  void trainingFinished(const std::string& node, const train::TrainingResult& r) override {
    calls.push_back("finish " + node);
    finished = r;
  }
};

struct Run {
  pipeline::RunSummary summary;
  ops::ValuePtr metrics, log, model;
  std::string trainMessage;
};

Run runGraph(const pipeline::Graph& graph, const fs::path& out, Recorder* recorder = nullptr,
             CancelToken* token = nullptr) {
  CancelToken local;
  CancelToken& cancel = token ? *token : local;
  pipeline::Executor executor;
  executor.setOutputFolder(out);
  executor.setTraining(recorder);
  Run run;
  run.summary = executor.run(graph, cancel);
  run.metrics = executor.output("train", "metrics");
  run.log = executor.output("train", "log");
  run.model = executor.output("train", "model");
  run.trainMessage = executor.status("train").message;
  return run;
}

std::vector<double> logColumn(const Run& run, const std::string& name) {
  return run.log->as<data::Table>().column(name).floats();
}

std::string fileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double metric(const ops::ValuePtr& metrics, const std::string& row, const std::string& column) {
  const auto& table = metrics->as<data::Table>();
  for (std::size_t r = 0; r < table.nRows(); ++r)
    if (table.rowNames()[r] == row) return table.column(column).floats()[r];
  return std::nan("");
}

}  // namespace

class TrainingNodeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void templateIsTheDemoGraph() {
    // The GUI template may add figure nodes (plot.*, registered by the plots layer, which this core test does not
    // link) after the training graph; everything else must be the CLI's demo graph exactly.
    const std::string path = std::string(DIFFBIO_TEST_DATA) + "/../../resources/pipelines/de_training_demo.json";
    nlohmann::json json = nlohmann::json::parse(fileText(path));
    std::set<std::string> figures;
    auto& nodes = json["nodes"];
    for (auto node = nodes.begin(); node != nodes.end();) {
      const std::string op = node->at("operator").get<std::string>();
      if (op.rfind("plot.", 0) == 0 && !ops::Registry::global().findSpec(op)) {
        figures.insert(node->at("id").get<std::string>());
        node = nodes.erase(node);
      } else {
        ++node;
      }
    }
    auto& edges = json["edges"];
    for (auto edge = edges.begin(); edge != edges.end();) {
      QVERIFY2(!figures.count(edge->at("from").get<std::string>()), "a figure node feeds another node");
      edge = figures.count(edge->at("to").get<std::string>()) ? edges.erase(edge) : edge + 1;
    }
    const pipeline::Graph fromFile = pipeline::parsePipeline(json.dump(), {}, path);
    QVERIFY(fromFile == train::deTrainingDemoPipeline());
    // The seed's settings: 2,000 genes, 50 vs 50, Adam at 0.01 for 100 epochs.
    const auto& trainNode = fromFile.node("train");
    QCOMPARE(trainNode.parameters.text("optimizer"), std::string("adam"));
    QCOMPARE(trainNode.parameters.real("learning_rate"), 0.01);
    QCOMPARE(trainNode.parameters.integer("epochs"), std::int64_t{100});
    QCOMPARE(fromFile.node("simulation").parameters.integer("genes"), std::int64_t{2000});
    QCOMPARE(fromFile.node("simulation").parameters.integer("samples"), std::int64_t{100});
  }

  void trainsReportsAndWritesFiles() {
    const fs::path out = test::scratchDir("training_node/train");
    Recorder recorder;
    const Run run = runGraph(smallDemo(30), out, &recorder);
    QVERIFY2(run.summary.ok(), run.trainMessage.c_str());
    QCOMPARE(recorder.calls, (std::vector<std::string>{"start train", "finish train"}));
    QCOMPARE(recorder.steps.size(), std::size_t{30});
    QCOMPARE(recorder.start.totalSteps, std::int64_t{30});
    QCOMPARE(recorder.start.firstStep, std::int64_t{0});
    // Traces: every sample's size factor, plus dispersion and log2 fold change of six watched genes.
    QCOMPARE(recorder.start.traceNames.size(), std::size_t{20 + 12});
    QCOMPARE(recorder.steps.back().traces.size(), std::size_t{20 + 12});
    QVERIFY(recorder.steps.back().traces.count("size_factor[control_1]"));

    // The label loss falls and detection improves (F1 of p < 0.05 calls against the simulated truth).
    const double lossBefore = metric(run.metrics, "loss", "before"), lossAfter = metric(run.metrics, "loss", "after");
    qInfo("loss %.4f -> %.4f, F1 %.4f -> %.4f (exact pipeline %.4f)", lossBefore, lossAfter,
          metric(run.metrics, "f1", "before"), metric(run.metrics, "f1", "after"),
          metric(run.metrics, "f1", "exact pipeline (padj < 0.05)"));
    QVERIFY(lossAfter < 0.9 * lossBefore);
    QVERIFY(metric(run.metrics, "f1", "after") > metric(run.metrics, "f1", "before"));
    // The first logged loss is the "before" loss: both are the label loss at the exact fit.
    QVERIFY(std::fabs(recorder.steps.front().loss - lossBefore) < 1e-12);
    QVERIFY(std::isfinite(metric(run.metrics, "precision", "exact pipeline (padj < 0.05)")));

    // The log table, its file and the checkpoint.
    const auto& log = run.log->as<data::Table>();
    QCOMPARE(log.nRows(), std::size_t{30});
    QCOMPARE(log.column("loss").floats().front(), recorder.steps.front().loss);
    QVERIFY(log.find("f1") && log.find("labels") && log.find("lr"));
    QVERIFY(fs::exists(out / "checkpoint.pt"));
    QVERIFY(fs::exists(out / "trained_results.tsv"));
    std::ifstream logFile(out / "training_log.tsv");
    std::string header;
    std::getline(logFile, header);
    QVERIFY2(header.rfind("step\tepoch\tloss\tlr", 0) == 0, header.c_str());

    const auto& model = run.model->as<train::TrainedModel>();
    QCOMPARE(model.operatorId, std::string("train.de_labels"));
    QCOMPARE(model.tensors.size(), std::size_t{3});  // size factors, coefficients, dispersions
    QCOMPARE(model.checkpointPath, (out / "checkpoint.pt").string());
    QVERIFY(model.updates.empty());
  }

  void stoppedRunResumesExactly() {
    // Uninterrupted: 12 epochs.
    const fs::path whole = test::scratchDir("training_node/whole");
    const Run uninterrupted = runGraph(smallDemo(12), whole);
    QVERIFY(uninterrupted.summary.ok());

    // Stopped after step 5 (the checkpoint and the log are still written), then resumed to 12.
    const fs::path parts = test::scratchDir("training_node/parts");
    Recorder stopper;
    CancelToken token;
    stopper.cancel = &token;
    stopper.cancelAfter = 5;
    const Run stopped = runGraph(smallDemo(12), parts, &stopper, &token);
    QVERIFY(stopped.summary.cancelled);
    QVERIFY(!stopped.metrics);
    QCOMPARE(stopper.finished->status, train::TrainingStatus::Cancelled);
    QVERIFY(fs::exists(parts / "checkpoint.pt"));
    QVERIFY(fileText(parts / "training_log.tsv").size() > 0);

    pipeline::Graph resume = smallDemo(12);
    resume.setParameter("train", "resume_from", (parts / "checkpoint.pt").string());
    Recorder resumed;
    const Run finished = runGraph(resume, parts, &resumed);
    QVERIFY2(finished.summary.ok(), finished.trainMessage.c_str());
    QCOMPARE(resumed.start.firstStep, std::int64_t{5});
    QCOMPARE(resumed.steps.size(), std::size_t{7});
    // Identical log files (every number written in shortest exact form) and identical metrics.
    QCOMPARE(fileText(parts / "training_log.tsv"), fileText(whole / "training_log.tsv"));
    for (const char* row : {"loss", "precision", "recall", "f1"})
      for (const char* column : {"before", "after"})
        QCOMPARE(metric(finished.metrics, row, column), metric(uninterrupted.metrics, row, column));
  }

  void twiceFiftyEpochsEqualOneHundred() {
    // The seed's 100 epochs, once straight through and once as 50 + 50 resumed from the checkpoint.
    const fs::path whole = test::scratchDir("training_node/hundred");
    const Run hundred = runGraph(smallDemo(100), whole);
    QVERIFY(hundred.summary.ok());
    const fs::path halves = test::scratchDir("training_node/halves");
    QVERIFY(runGraph(smallDemo(50), halves).summary.ok());
    pipeline::Graph second = smallDemo(100);
    second.setParameter("train", "resume_from", (halves / "checkpoint.pt").string());
    const Run resumed = runGraph(second, halves);
    QVERIFY2(resumed.summary.ok(), resumed.trainMessage.c_str());
    const auto& a = hundred.log->as<data::Table>().column("loss").floats();
    const auto& b = resumed.log->as<data::Table>().column("loss").floats();
    QCOMPARE(a.size(), std::size_t{100});
    QCOMPARE(b.size(), std::size_t{100});
    for (std::size_t i = 0; i < a.size(); ++i) QCOMPARE(b[i], a[i]);  // bitwise equal losses
    QCOMPARE(fileText(halves / "training_log.tsv"), fileText(whole / "training_log.tsv"));
    QCOMPARE(fileText(halves / "trained_results.tsv"), fileText(whole / "trained_results.tsv"));
  }

  void trainableFlagsChooseWhatIsLearnt() {
    const fs::path out = test::scratchDir("training_node/flags");
    pipeline::Graph graph = smallDemo(3);
    graph.node("size_factors").trainable = true;
    const Run run = runGraph(graph, out);
    QVERIFY2(run.summary.ok(), run.trainMessage.c_str());
    const auto& model = run.model->as<train::TrainedModel>();
    QCOMPARE(model.tensors.size(), std::size_t{1});
    QCOMPARE(model.tensors.front().name, std::string("log_size_factors"));
    QCOMPARE(model.tensors.front().values.size(), std::size_t{20});

    // The flag is saved in the pipeline file (only when set) and read back.
    const std::string text = pipeline::formatPipeline(graph, {});
    QVERIFY(text.find("\"trainable\": true") != std::string::npos);
    QVERIFY(pipeline::parsePipeline(text, {}, "flags.json") == graph);
    QVERIFY(pipeline::formatPipeline(smallDemo(3), {}).find("trainable") == std::string::npos);

    // Marking a node re-runs the training node (its cache key includes the flags of its inputs).
    pipeline::Executor executor;
    executor.setOutputFolder(out);
    CancelToken token;
    QVERIFY(executor.run(graph, token).ok());
    const auto first = executor.output("train", "model");
    QVERIFY(executor.run(graph, token).ok());
    QCOMPARE(executor.output("train", "model"), first);  // unchanged: reused
    graph.node("wald").trainable = true;
    const auto summary = executor.run(graph, token);
    QVERIFY(summary.ok());
    QCOMPARE(summary.executed, 2);  // the training node and the sink after it; the exact fit is reused
    QCOMPARE(executor.output("train", "model")->as<train::TrainedModel>().tensors.size(), std::size_t{2});
  }

  void badCheckpointsAreRefused() {
    const fs::path out = test::scratchDir("training_node/bad");
    QVERIFY(runGraph(smallDemo(2), out).summary.ok());

    // Another problem (more genes) cannot resume from this checkpoint.
    pipeline::Graph other = smallDemo(4);
    other.setParameter("simulation", "genes", 310);
    other.setParameter("train", "resume_from", (out / "checkpoint.pt").string());
    other.setParameter("train", "checkpoint", "other.pt");
    const Run refused = runGraph(other, out);
    QCOMPARE(refused.summary.failed, std::vector<std::string>{"train"});
    QVERIFY2(refused.trainMessage.find("checkpoint") != std::string::npos, refused.trainMessage.c_str());

    // A file that is no checkpoint at all.
    {
      std::ofstream junk(out / "junk.pt");
      junk << "not a checkpoint";
    }
    pipeline::Graph junk = smallDemo(4);
    junk.setParameter("train", "resume_from", (out / "junk.pt").string());
    const Run bad = runGraph(junk, out);
    QCOMPARE(bad.summary.failed, std::vector<std::string>{"train"});
    QVERIFY2(bad.trainMessage.find("junk.pt") != std::string::npos, bad.trainMessage.c_str());
  }

  void validationSplitReportsHeldOutGenesAndRestoresTheBest() {
    // 20 % of the 300 genes held out (seeded): the loss is trained on the other 240; after every epoch the label
    // loss, precision, recall and F1 on the held-out genes are logged and sent with the events. A high learning rate
    // over-fits, so the validation loss turns up; early stopping (patience 3) stops 3 epochs after the best one and
    // restores it: the "after" validation loss is then exactly the best logged one.
    const fs::path out = test::scratchDir("training_node/validation");
    pipeline::Graph graph = smallDemo(60);
    graph.setParameter("train", "validation_fraction", 0.2);
    graph.setParameter("train", "patience", std::int64_t{3});
    graph.setParameter("train", "learning_rate", 0.1);
    Recorder recorder;
    const Run run = runGraph(graph, out, &recorder);
    QVERIFY2(run.summary.ok(), run.trainMessage.c_str());
    QCOMPARE(recorder.start.validationItems, std::int64_t{60});
    QCOMPARE(recorder.start.itemName, std::string("genes"));
    QVERIFY(recorder.steps.front().validationLoss.has_value());
    QVERIFY(recorder.steps.front().validationMetrics.count("f1"));

    const std::vector<double> validation = logColumn(run, "validation_loss");
    QVERIFY(run.log->as<data::Table>().find("validation_f1"));
    const auto best = std::min_element(validation.begin(), validation.end());
    const auto bestEpoch = std::distance(validation.begin(), best);
    const auto& result = run.model->as<train::TrainedModel>().result;
    qInfo("%s; validation loss %.4f -> best %.4f at epoch %lld; validation F1 before %.4f after %.4f (exact %.4f)",
          result.message.c_str(), validation.front(), *best, static_cast<long long>(bestEpoch + 1),
          metric(run.metrics, "validation_f1", "before"), metric(run.metrics, "validation_f1", "after"),
          metric(run.metrics, "validation_f1", "exact pipeline (padj < 0.05)"));
    QCOMPARE(result.bestEpoch, std::int64_t(bestEpoch));
    QVERIFY(result.restoredBest);
    QCOMPARE(metric(run.metrics, "validation_loss", "after"), *best);
    QVERIFY(std::isfinite(metric(run.metrics, "validation_f1", "exact pipeline (padj < 0.05)")));
    if (result.status == train::TrainingStatus::EarlyStopped)
      QCOMPARE(std::int64_t(validation.size()), std::int64_t(bestEpoch) + 1 + 3);
    else
      QCOMPARE(validation.size(), std::size_t{60});
    // The split is splitItems' (disjoint, sorted, 60 + 240), and the same seed gives the same one.
    const auto split = train::splitItems(300, 0.2, 42);
    QCOMPARE(split.validation.size(), std::size_t{60});
    QCOMPARE(split.training.size(), std::size_t{240});
    QVERIFY(split.validation == train::splitItems(300, 0.2, 42).validation);
    QVERIFY(split.validation != train::splitItems(300, 0.2, 43).validation);
  }

  void minibatchesAreSeededAndAFullBatchEqualsBatchSizeN() {
    auto batched = [](std::int64_t batchSize, std::int64_t seed, std::int64_t epochs = 3) {
      pipeline::Graph graph = smallDemo(epochs);
      graph.setParameter("train", "batch_size", batchSize);
      graph.setParameter("train", "seed", seed);
      return graph;
    };
    Recorder first;
    const Run a = runGraph(batched(64, 5), test::scratchDir("training_node/batch_a"), &first);
    const Run b = runGraph(batched(64, 5), test::scratchDir("training_node/batch_b"));
    const Run c = runGraph(batched(64, 6), test::scratchDir("training_node/batch_c"));
    QVERIFY(a.summary.ok() && b.summary.ok() && c.summary.ok());
    QCOMPARE(first.start.stepsPerEpoch, std::int64_t{5});  // ceil(300 / 64)
    QCOMPARE(logColumn(a, "loss").size(), std::size_t{15});
    QVERIFY(logColumn(a, "loss") == logColumn(b, "loss"));  // same seed: bitwise the same run
    QVERIFY(logColumn(a, "loss") != logColumn(c, "loss"));  // another seed: other batches
    QCOMPARE(fileText(test::scratchDir("training_node/batch_a") / "trained_results.tsv"),
             fileText(test::scratchDir("training_node/batch_b") / "trained_results.tsv"));

    // One batch of all 300 genes is the full batch, bitwise (the batch's indices are sorted).
    const Run full = runGraph(batched(0, 5, 5), test::scratchDir("training_node/batch_full"));
    const Run all = runGraph(batched(300, 5, 5), test::scratchDir("training_node/batch_all"));
    QVERIFY(full.summary.ok() && all.summary.ok());
    QCOMPARE(logColumn(all, "loss").size(), std::size_t{5});
    QVERIFY(logColumn(full, "loss") == logColumn(all, "loss"));
    QCOMPARE(fileText(test::scratchDir("training_node/batch_full") / "trained_results.tsv"),
             fileText(test::scratchDir("training_node/batch_all") / "trained_results.tsv"));
  }

  void stoppedMidEpochResumesExactlyWithValidationAndBatches() {
    auto graphOf = [] {
      pipeline::Graph graph = smallDemo(4);
      graph.setParameter("train", "batch_size", std::int64_t{100});  // 240 training genes: 3 steps per epoch
      graph.setParameter("train", "validation_fraction", 0.2);
      return graph;
    };
    const fs::path whole = test::scratchDir("training_node/batch_whole");
    QVERIFY(runGraph(graphOf(), whole).summary.ok());
    const fs::path parts = test::scratchDir("training_node/batch_parts");
    Recorder stopper;
    CancelToken token;
    stopper.cancel = &token;
    stopper.cancelAfter = 5;  // in the middle of epoch 2
    QVERIFY(runGraph(graphOf(), parts, &stopper, &token).summary.cancelled);
    pipeline::Graph resume = graphOf();
    resume.setParameter("train", "resume_from", (parts / "checkpoint.pt").string());
    const Run finished = runGraph(resume, parts);
    QVERIFY2(finished.summary.ok(), finished.trainMessage.c_str());
    QCOMPARE(fileText(parts / "training_log.tsv"), fileText(whole / "training_log.tsv"));
    QCOMPARE(fileText(parts / "trained_results.tsv"), fileText(whole / "trained_results.tsv"));

    // Resuming with another split is refused.
    pipeline::Graph other = graphOf();
    other.setParameter("train", "validation_fraction", 0.3);
    other.setParameter("train", "resume_from", (parts / "checkpoint.pt").string());
    other.setParameter("train", "checkpoint", "other.pt");
    const Run refused = runGraph(other, parts);
    QCOMPARE(refused.summary.failed, std::vector<std::string>{"train"});
    QVERIFY2(refused.trainMessage.find("validation split") != std::string::npos, refused.trainMessage.c_str());

    // Early stopping without a validation split is refused with a fix.
    pipeline::Graph noSplit = smallDemo(2);
    noSplit.setParameter("train", "patience", std::int64_t{2});
    const Run bad = runGraph(noSplit, test::scratchDir("training_node/no_split"));
    QCOMPARE(bad.summary.failed, std::vector<std::string>{"train"});
    QVERIFY2(bad.trainMessage.find("validation_fraction") != std::string::npos, bad.trainMessage.c_str());
  }
};

QTEST_GUILESS_MAIN(TrainingNodeTest)
#include "test_training_node.moc"
