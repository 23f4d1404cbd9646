// Pipeline files: the format, exact round trips, relative paths, clear errors, and the migration hook.
#include "test_support.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/pipeline/pipeline_migration.h"
#include "pipeline_test_operators.h"

using namespace diffbio;
using namespace diffbio::pipeline;

namespace {

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A pipeline using every kind of parameter value, with awkward numbers.
Graph everyKind(const std::filesystem::path& dataFolder) {
  Graph g;
  g.addNode("cells", "test.cells", {}, {-12.5, 0.1});
  g.addNode("norm", "test.normalise",
            {{"target", std::int64_t{9007199254740993}},  // above 2^53: must stay exact
             {"method", "median"},
             {"log", false},
             {"note", "quotes \" and \\ and ünïcødé"},
             {"exclude", ops::GeneList{"MT-CO1", "RPL3"}}},
            {1e-300, 3.0});
  g.addNode("src", "test.load", {{"path", (dataFolder / "value.txt").string()}}, {0, 0});
  g.addNode("add", "test.add", {{"addend", 0.1 + 0.2}});
  g.addNode("sink", "test.write", {{"path", "out/sum.txt"}});  // written files: relative to the output folder
  g.connect({"cells", "counts", "norm", "counts"});
  g.connect({"src", "value", "add", "a"});
  g.connect({"add", "sum", "sink", "in"});
  return g;
}

}  // namespace

class PipelineFileTest : public QObject {
  Q_OBJECT

  ops::Registry registry = test::makeTestRegistry();

 private Q_SLOTS:
  void formatIsAsDocumented() {
    Graph g;
    g.addNode("src", "test.source", {{"value", 2.0}}, {10, 20.5});
    g.addNode("add", "test.add");
    g.connect({"src", "value", "add", "a"});
    const std::string expected = R"({
  "format": "diffbio-pipeline",
  "version": 1,
  "nodes": [
    {
      "id": "src",
      "operator": "test.source",
      "position": {
        "x": 10.0,
        "y": 20.5
      },
      "parameters": {
        "value": 2.0
      }
    },
    {
      "id": "add",
      "operator": "test.add",
      "position": {
        "x": 0.0,
        "y": 0.0
      },
      "parameters": {}
    }
  ],
  "edges": [
    {
      "from": "src",
      "output": "value",
      "to": "add",
      "input": "a"
    }
  ]
}
)";
    QCOMPARE(formatPipeline(g, {}, registry), expected);
    QVERIFY(parsePipeline(expected, {}, "p.json", registry) == g);
  }

  void roundTripIsByteIdentical() {
    const auto dir = test::scratchDir("pipeline-roundtrip");
    const Graph original = everyKind(dir / "data");
    writePipelineFile(original, dir / "p.json", registry);
    const std::string first = readText(dir / "p.json");

    const Graph loaded = readPipelineFile(dir / "p.json", registry);
    QVERIFY(loaded == original);
    QCOMPARE(loaded.node("norm").parameters.integer("target"), std::int64_t{9007199254740993});
    QCOMPARE(loaded.node("add").parameters.real("addend"), 0.1 + 0.2);
    QCOMPARE(loaded.node("norm").position.x, 1e-300);

    writePipelineFile(loaded, dir / "again.json", registry);
    QCOMPARE(readText(dir / "again.json"), first);
    // Paths are stored relative to the file.
    QVERIFY2(first.find("\"path\": \"data/value.txt\"") != std::string::npos, first.c_str());
    QVERIFY(first.find(dir.string()) == std::string::npos);
  }

  void relativePathsFollowAMovedPipeline() {
    const auto root = test::scratchDir("pipeline-move");
    const auto before = root / "project";
    std::filesystem::create_directories(before / "data");
    writeText(before / "data" / "value.txt", "41\n");
    Graph g;
    g.addNode("src", "test.load", {{"path", (before / "data" / "value.txt").string()}});
    g.addNode("add", "test.add", {{"addend", 1.0}});
    g.addNode("sink", "test.write", {{"path", "results/sum.txt"}});  // a file it writes: into the output folder
    g.connect({"src", "value", "add", "a"});
    g.connect({"add", "sum", "sink", "in"});
    writePipelineFile(g, before / "analysis.json", registry);
    QVERIFY(readText(before / "analysis.json").find("\"results/sum.txt\"") != std::string::npos);

    // Move the pipeline and its data together, as a user copying a project folder would.
    const auto after = root / "elsewhere" / "moved";
    std::filesystem::create_directories(after.parent_path());
    std::filesystem::rename(before, after);

    const Graph moved = readPipelineFile(after / "analysis.json", registry);
    // Files it reads follow the pipeline; files it writes stay relative, for the run's output folder.
    QCOMPARE(moved.node("src").parameters.text("path"), (after / "data" / "value.txt").string());
    QCOMPARE(moved.node("sink").parameters.text("path"), std::string("results/sum.txt"));
    const auto output = root / "run-output";
    Executor executor(registry);
    executor.setOutputFolder(output);
    CancelToken cancel;
    const auto summary = executor.run(moved, cancel);
    QVERIFY2(summary.ok(), executor.status("src").message.c_str());
    QCOMPARE(executor.output("add", "sum")->as<double>(), 42.0);
    QCOMPARE(readText(output / "results" / "sum.txt"), std::string("42.000000\n"));
    QVERIFY(!std::filesystem::exists(after / "results"));
  }

  void pathsOutsideTheFolderStayReachable() {
    const auto root = test::scratchDir("pipeline-outside");
    Graph g;
    g.addNode("src", "test.load", {{"path", (root / "shared" / "value.txt").string()}});
    const std::string text = formatPipeline(g, root / "pipelines", registry);
    QVERIFY2(text.find("\"../shared/value.txt\"") != std::string::npos, text.c_str());
    const Graph back = parsePipeline(text, root / "pipelines", "p.json", registry);
    QCOMPARE(back.node("src").parameters.text("path"), (root / "shared" / "value.txt").string());
  }

  void unknownOperatorOrParameterIsAClearError() {
    const std::string unknownOperator = R"({"format": "diffbio-pipeline", "version": 1,
      "nodes": [{"id": "n1", "operator": "test.sauce", "parameters": {}}], "edges": []})";
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline(unknownOperator, {}, "p.json", registry),
                               "p.json: node \"n1\" uses the operator \"test.sauce\", which this version of DiffBio "
                               "Studio does not know. Did you mean \"test.source\"?");
    const std::string unknownParameter = R"({"format": "diffbio-pipeline", "version": 1,
      "nodes": [{"id": "n1", "operator": "test.add", "parameters": {"addnd": 1}}], "edges": []})";
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline(unknownParameter, {}, "p.json", registry),
                               "node \"n1\" (Add) has no parameter \"addnd\". Did you mean \"addend\"?");
    const std::string wrongKind = R"({"format": "diffbio-pipeline", "version": 1,
      "nodes": [{"id": "n1", "operator": "test.add", "parameters": {"addend": "one"}}], "edges": []})";
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline(wrongKind, {}, "p.json", registry),
                               "node \"n1\": parameter \"addend\" must be a number, not \"one\"");
    const std::string duplicate = R"({"format": "diffbio-pipeline", "version": 1,
      "nodes": [{"id": "n1", "operator": "test.add"}, {"id": "n1", "operator": "test.add"}], "edges": []})";
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline(duplicate, {}, "p.json", registry), "two nodes are called \"n1\"");
  }

  void malformedFilesNameTheProblem() {
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline("{\n  \"format\": \"diffbio-pipeline\",\n  \"version\" 1\n}", {},
                                             "p.json", registry),
                               "p.json:3:13: the pipeline file is not valid JSON");
    DIFFBIO_EXPECT_INPUT_ERROR(parsePipeline(R"({"nodes": []})", {}, "p.json", registry),
                               "not a DiffBio Studio pipeline");
    DIFFBIO_EXPECT_INPUT_ERROR(
        parsePipeline(R"({"format": "diffbio-pipeline", "version": 7, "nodes": [], "edges": []})", {}, "p.json",
                      registry),
        "saved by a newer DiffBio Studio (format version 7; this version reads up to 1)");
    DIFFBIO_EXPECT_INPUT_ERROR(readPipelineFile("/nonexistent/p.json", registry), "cannot open the pipeline file");
  }

  void migrationStepsUpgradeOldDocuments() {
    // A hypothetical version 2 renamed "test.plus" to "test.add"; version 3 added the "edges" list.
    const std::vector<MigrationStep> steps = {
        {1,
         [](nlohmann::ordered_json& doc) {
           for (auto& node : doc["nodes"])
             if (node["operator"] == "test.plus") node["operator"] = "test.add";
         }},
        {2, [](nlohmann::ordered_json& doc) { doc["edges"] = nlohmann::ordered_json::array(); }},
    };
    auto doc = nlohmann::ordered_json::parse(R"({"format": "diffbio-pipeline", "version": 1,
      "nodes": [{"id": "n", "operator": "test.plus"}]})");
    migratePipeline(doc, 1, 3, steps, "old.json");
    QCOMPARE(doc["version"].get<int>(), 3);
    QCOMPARE(doc["nodes"][0]["operator"].get<std::string>(), std::string("test.add"));
    QVERIFY(doc["edges"].is_array());

    auto ancient = nlohmann::ordered_json::parse(R"({"version": 0})");
    DIFFBIO_EXPECT_INPUT_ERROR(migratePipeline(ancient, 0, 3, steps, "old.json"),
                               "pipeline format version 0 is not supported");
    QVERIFY(pipelineMigrations().empty());  // version 1 is the first format
  }
};

QTEST_GUILESS_MAIN(PipelineFileTest)
#include "test_pipeline_file.moc"
