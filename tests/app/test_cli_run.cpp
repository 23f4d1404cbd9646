// `diffbio run` and `diffbio ops` end to end: the real binary on the bundled bulk DE template.
#include "test_support.h"
#include "cli_runner.h"

#include <QProcess>

#include <signal.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using diffbio::test::diffbioBinary;

using Run = diffbio::test::CliRun;
using diffbio::test::runDiffbio;

QString resource(const QString& relative) { return QString(DIFFBIO_TEST_DATA) + "/../../resources/" + relative; }
QString bulkDe() { return resource("pipelines/bulk_de.json"); }
QString str(const fs::path& path) { return QString::fromStdString(path.string()); }

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bulk DE steps on the seed simulator: slow enough (seconds) to interrupt, with no input files.
void writeSimulatedPipeline(const fs::path& file) {
  const char* nodes[][3] = {
      {"sim", "sim.seed_de", R"({"genes": 20000, "samples": 200})"},
      {"design", "de.design", R"({"formula": "~ condition", "contrast": "condition,treatment,control"})"},
      {"size_factors", "de.size_factors", "{}"},
      {"dispersions", "de.dispersions", "{}"},
      {"wald", "de.wald", "{}"},
      {"results", "de.results", "{}"},
      {"write", "io.write_table", R"({"path": "results.tsv"})"}};
  const char* edges[][4] = {{"sim", "counts", "design", "counts"},           {"sim", "samples", "design", "samples"},
                            {"design", "design", "size_factors", "design"},  {"design", "design", "dispersions", "design"},
                            {"size_factors", "size_factors", "dispersions", "size_factors"},
                            {"design", "design", "wald", "design"},          {"size_factors", "size_factors", "wald", "size_factors"},
                            {"dispersions", "dispersions", "wald", "dispersions"},
                            {"design", "design", "results", "design"},       {"wald", "fit", "results", "fit"},
                            {"results", "results", "write", "table"}};
  std::ofstream out(file);
  out << R"({"format": "diffbio-pipeline", "version": 1, "nodes": [)";
  for (std::size_t i = 0; i < std::size(nodes); ++i)
    out << (i ? "," : "") << R"({"id": ")" << nodes[i][0] << R"(", "operator": ")" << nodes[i][1]
        << R"(", "parameters": )" << nodes[i][2] << "}";
  out << R"(], "edges": [)";
  for (std::size_t i = 0; i < std::size(edges); ++i)
    out << (i ? "," : "") << R"({"from": ")" << edges[i][0] << R"(", "output": ")" << edges[i][1] << R"(", "to": ")"
        << edges[i][2] << R"(", "input": ")" << edges[i][3] << R"("})";
  out << "]}\n";
}

}  // namespace

class CliRunTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The template is the `diffbio de` pasilla analysis as a graph: the same bytes must come out.
  void templateMatchesDiffbioDeByteForByte() {
    const auto dir = diffbio::test::scratchDir("cli_run_template");
    const Run run = runDiffbio({"run", bulkDe(), "--out", str(dir / "run")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const Run de = runDiffbio({"de", "--counts", resource("demo/pasilla_gene_counts.tsv.gz"), "--samples",
                               resource("demo/pasilla_sample_annotation.csv"), "--design", "~ type + condition",
                               "--contrast", "condition,treated,untreated", "--out", str(dir / "other.tsv")});
    QVERIFY2(de.exitCode == 0, qPrintable(de.err));
    const std::string fromPipeline = readAll(dir / "run" / "results.tsv");
    QVERIFY(fromPipeline.size() > 1000);
    QVERIFY(fromPipeline == readAll(dir / "other.tsv"));
    // One line per node: id, operator, state, seconds, ran or reused.
    QVERIFY2(run.out.contains(QRegularExpression(R"(\nresults +de\.results +done +\d+\.\d{3} +ran\n)")),
             qPrintable(run.out));
    QVERIFY(run.out.contains(QRegularExpression(R"(\nwrite_results +io\.write_table +done)")));
  }

  void setChangesTheResult() {
    const auto dir = diffbio::test::scratchDir("cli_run_set");
    const Run base = runDiffbio({"run", bulkDe(), "--out", str(dir / "a")});
    const Run strict = runDiffbio({"run", bulkDe(), "--out", str(dir / "b"), "--set", "results.alpha=0.05"});
    QVERIFY2(base.exitCode == 0 && strict.exitCode == 0, qPrintable(base.err + strict.err));
    // alpha moves the independent-filtering threshold, so some padj become NA or change.
    QVERIFY(readAll(dir / "a" / "results.tsv") != readAll(dir / "b" / "results.tsv"));
  }

  void badSetExitsTwoNamingNodeAndParameter_data() {
    QTest::addColumn<QString>("assignment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown node") << "result.alpha=0.05" << R"(no node "result". Did you mean "results")";
    QTest::newRow("unknown parameter") << "results.alfa=0.05" << R"(no parameter "alfa". Did you mean "alpha")";
    QTest::newRow("not a number") << "results.alpha=lots" << "results.alpha must be a number";
    QTest::newRow("out of range") << "results.alpha=2" << "results.alpha is 2, above the maximum";
    QTest::newRow("not a choice") << "size_factors.method=mean" << "size_factors.method is \"mean\"; choose one of";
    QTest::newRow("not a bool") << "results.cooks_filter=maybe" << "results.cooks_filter must be true or false";
    QTest::newRow("no parameter part") << "results=0.05" << "--set takes NODE.PARAM=VALUE";
  }

  void badSetExitsTwoNamingNodeAndParameter() {
    QFETCH(QString, assignment);
    QFETCH(QString, expected);
    const auto dir = diffbio::test::scratchDir("cli_run_bad_set");
    const Run run = runDiffbio({"run", bulkDe(), "--out", str(dir), "--set", assignment});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(fs::is_empty(dir));  // nothing ran
  }

  void inputReplacesTheLoaderFile() {
    const auto dir = diffbio::test::scratchDir("cli_run_input");
    const Run missing = runDiffbio({"run", bulkDe(), "--out", str(dir), "--input", "counts=" + str(dir / "none.tsv")});
    QCOMPARE(missing.exitCode, 1);  // the node failed: its message, and nothing written
    QVERIFY2(missing.err.contains(R"(node "counts" (io.load_counts) failed)") && missing.err.contains("none.tsv"),
             qPrintable(missing.err));
    QVERIFY(!fs::exists(dir / "results.tsv"));
    const Run notALoader = runDiffbio({"run", bulkDe(), "--input", "design=x.tsv"});
    QCOMPARE(notALoader.exitCode, 2);
    QVERIFY2(notALoader.err.contains(R"(node "design" (de.design) reads no file)"), qPrintable(notALoader.err));
  }

  void validationProblemsExitTwoBeforeRunning() {
    const auto dir = diffbio::test::scratchDir("cli_run_invalid");
    // The template without the edge into the writer: a required input left open.
    std::string text = readAll(bulkDe().toStdString());
    const std::string edge = R"("to": "write_results")";
    QVERIFY(text.find(edge) != std::string::npos);
    text.replace(text.find(edge), edge.size(), R"("to": "nowhere")");
    std::ofstream(dir / "broken.json") << text;
    const Run run = runDiffbio({"run", str(dir / "broken.json"), "--out", str(dir / "out")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("broken.json") && run.err.contains("nowhere"), qPrintable(run.err));
    QVERIFY(run.out.isEmpty());  // no node ran
    QVERIFY(!fs::exists(dir / "out"));
  }

  void interruptCancelsAndLeavesNoOutputs() {
    const auto dir = diffbio::test::scratchDir("cli_run_interrupt");
    writeSimulatedPipeline(dir / "slow.json");
    QProcess process;
    process.start(diffbioBinary(), {"run", str(dir / "slow.json"), "--out", str(dir / "out")});
    QVERIFY(process.waitForStarted());
    // Interrupt once the simulation is done, while the DE steps (seconds) are running.
    QString out;
    while (!out.contains("\nsim ") && process.waitForReadyRead(60000)) out += process.readAllStandardOutput();
    QVERIFY2(out.contains("\nsim "), qPrintable(out));
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    out += process.readAllStandardOutput();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);  // handled, not killed by the signal
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains("cancelled"));
    QVERIFY2(out.contains(QRegularExpression(R"(\nwrite +io\.write_table +stale +- +not run)")), qPrintable(out));
    QVERIFY(!fs::exists(dir / "out") || fs::is_empty(dir / "out"));
  }

  void opsMarkdownListsTheOperators() {
    const auto dir = diffbio::test::scratchDir("cli_ops_markdown");
    const Run run = runDiffbio({"ops", "--markdown", str(dir / "operators.md")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const std::string text = readAll(dir / "operators.md");
    QVERIFY(text.find("### `de.results`") != std::string::npos);
    QVERIFY(text.find("## Differential expression") != std::string::npos);
    // A parameter row: name, type, default, range, help.
    QVERIFY2(text.find("| `alpha` | float | `0.1` |") != std::string::npos, text.c_str());
    const Run plain = runDiffbio({"ops"});
    QCOMPARE(plain.exitCode, 0);
    QVERIFY(plain.out.contains("de.results") && plain.out.contains("io.load_counts"));
  }
};

QTEST_GUILESS_MAIN(CliRunTest)
#include "test_cli_run.moc"
