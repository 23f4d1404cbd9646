// Sinks write relative output paths into the executor's output folder (`diffbio run --out DIR`), while inputs stay
// relative to the pipeline folder.
#include "test_support.h"

#include <fstream>

#include "core/pipeline/executor.h"
#include "pipeline_test_operators.h"

using namespace diffbio;
using namespace diffbio::pipeline;
namespace fs = std::filesystem;

namespace {

// A sink that writes its input through resolveOutputPath, as real writers do.
ops::Registry registryWithSink() {
  ops::Registry registry = test::makeTestRegistry();
  test::add(registry,
            {"test.save", "Save", "Test", "Writes its input.", {{"in", ops::PortType::Matrix, true, ""}}, {},
             {ops::outputPathParameter("path", "result.txt", "where")}},
            [](const ops::OperatorInputs& in, const ops::ParameterValues& p, ops::RunContext& context) {
              io::AtomicOutputFile out(context.resolveOutputPath(p.text("path")));
              out.write(std::to_string(in.get<double>("in")) + "\n");
              out.commit();
              return ops::OperatorOutputs{};
            });
  return registry;
}

Graph sourceToSink(const std::string& prefix, const std::string& path) {
  Graph g;
  g.addNode(prefix + "src", "test.source", {{"value", 7.0}});
  g.addNode(prefix + "save", "test.save", {{"path", path}});
  g.connect({prefix + "src", "value", prefix + "save", "in"});
  return g;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

}  // namespace

class OutputFolderTest : public QObject {
  Q_OBJECT

  ops::Registry registry = registryWithSink();

 private Q_SLOTS:
  void relativeOutputsGoIntoTheOutputFolderWhichIsCreated() {
    const auto dir = test::scratchDir("output-folder-relative");
    Executor executor(registry);
    executor.setPipelineFolder(dir / "pipelines");
    executor.setOutputFolder(dir / "results" / "run1");  // does not exist yet
    CancelToken cancel;
    const auto summary = executor.run(sourceToSink("rel_", "tables/value.txt"), cancel);
    QVERIFY2(summary.ok(), executor.status("rel_save").message.c_str());
    QCOMPARE(readText(dir / "results" / "run1" / "tables" / "value.txt"), std::string("7.000000"));
    QVERIFY(!fs::exists(dir / "pipelines"));  // not beside the pipeline
  }

  void absoluteOutputsIgnoreTheOutputFolder() {
    const auto dir = test::scratchDir("output-folder-absolute");
    Executor executor(registry);
    executor.setOutputFolder(dir / "unused");
    CancelToken cancel;
    const auto summary = executor.run(sourceToSink("abs_", (dir / "exact.txt").string()), cancel);
    QVERIFY2(summary.ok(), executor.status("abs_save").message.c_str());
    QVERIFY(fs::exists(dir / "exact.txt"));
    QVERIFY(!fs::exists(dir / "unused"));
  }

  void inputsStayRelativeToThePipelineFolder() {
    const auto dir = test::scratchDir("output-folder-inputs");
    fs::create_directories(dir / "pipelines");
    std::ofstream(dir / "pipelines" / "number.txt") << "5\n";
    Graph g;
    g.addNode("in_load", "test.load", {{"path", "number.txt"}});
    g.addNode("in_save", "test.save", {{"path", "number.txt"}});
    g.connect({"in_load", "value", "in_save", "in"});
    Executor executor(registry);
    executor.setPipelineFolder(dir / "pipelines");
    executor.setOutputFolder(dir / "out");
    CancelToken cancel;
    const auto summary = executor.run(g, cancel);
    QVERIFY2(summary.ok(), executor.status("in_load").message.c_str());
    QCOMPARE(readText(dir / "out" / "number.txt"), std::string("5.000000"));
    QCOMPARE(readText(dir / "pipelines" / "number.txt"), std::string("5"));  // the input was not overwritten
  }

  void withoutAnOutputFolderOutputsGoToTheWorkingDirectory() {
    const auto dir = test::scratchDir("output-folder-cwd");
    const auto previous = fs::current_path();
    fs::current_path(dir);
    Executor executor(registry);
    CancelToken cancel;
    const auto summary = executor.run(sourceToSink("cwd_", "here.txt"), cancel);
    fs::current_path(previous);
    QVERIFY2(summary.ok(), executor.status("cwd_save").message.c_str());
    QVERIFY(fs::exists(dir / "here.txt"));
  }

  // A cached sink would otherwise be "reused" and leave the new folder empty.
  void changingTheOutputFolderRerunsOnlyTheSinks() {
    const auto dir = test::scratchDir("output-folder-rerun");
    const Graph g = sourceToSink("rerun_", "value.txt");
    Executor executor(registry);
    CancelToken cancel;
    executor.setOutputFolder(dir / "a");
    QVERIFY(executor.run(g, cancel).ok());
    executor.setOutputFolder(dir / "b");
    const auto summary = executor.run(g, cancel);
    QVERIFY(summary.ok());
    QCOMPARE(summary.executed, 1);
    QCOMPARE(summary.reused, 1);
    QCOMPARE(test::executionsOf("rerun_src"), 1);
    QVERIFY(fs::exists(dir / "b" / "value.txt"));
  }

  void anUncreatableFolderFailsTheNodeNamingIt() {
    const auto dir = test::scratchDir("output-folder-blocked");
    std::ofstream(dir / "occupied") << "a file where the folder should go\n";
    Executor executor(registry);
    executor.setOutputFolder(dir / "occupied" / "sub");
    CancelToken cancel;
    const auto summary = executor.run(sourceToSink("blocked_", "value.txt"), cancel);
    QCOMPARE(summary.failed, std::vector<std::string>{"blocked_save"});
    const std::string message = executor.status("blocked_save").message;
    QVERIFY2(message.find("occupied") != std::string::npos && message.find("output folder") != std::string::npos,
             message.c_str());
  }
};

QTEST_GUILESS_MAIN(OutputFolderTest)
#include "test_output_folder.moc"
