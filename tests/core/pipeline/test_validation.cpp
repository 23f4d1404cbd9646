// Validation: one test per rule, each checking the message names the node and the port or parameter.
#include "test_support.h"

#include "core/pipeline/validation.h"
#include "pipeline_test_operators.h"

using namespace diffbio;
using namespace diffbio::pipeline;

namespace {

// The single problem validation finds (fails the test when there is not exactly one).
Problem onlyProblem(const Graph& graph, const ops::Registry& registry) {
  const auto problems = validate(graph, registry);
  if (problems.size() != 1) {
    std::string all;
    for (const auto& p : problems) all += "\n" + p.message;
    throw std::runtime_error("expected one problem, got " + std::to_string(problems.size()) + ":" + all);
  }
  return problems.front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class ValidationTest : public QObject {
  Q_OBJECT

  ops::Registry registry = test::makeTestRegistry();

  Graph sourceAndAdd() {
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("add", "test.add");
    g.connect({"src", "value", "add", "a"});
    return g;
  }

 private Q_SLOTS:
  void validGraphHasNoProblems() {
    Graph g = sourceAndAdd();
    g.addNode("cells", "test.cells");
    g.addNode("norm", "test.normalise",
              {{"target", 500}, {"method", "median"}, {"log", false}, {"exclude", ops::GeneList{"MT-CO1"}}});
    g.connect({"cells", "counts", "norm", "counts"});  // single-cell counts are counts
    QVERIFY(validate(g, registry).empty());
    throwIfInvalid(g, "p.json", registry);
  }

  void cycle() {
    Graph g = sourceAndAdd();
    g.addNode("add2", "test.add");
    g.addNode("add3", "test.add");
    g.connect({"add", "sum", "add2", "b"});
    g.connect({"add2", "sum", "add3", "a"});
    g.connect({"add3", "sum", "add2", "a"});
    const auto problem = onlyProblem(g, registry);
    QVERIFY2(contains(problem.message, "\"add2\" -> \"add3\" -> \"add2\" form a loop"), problem.message.c_str());
    QCOMPARE(problem.node, std::string("add2"));

    Graph self = sourceAndAdd();
    self.connect({"add", "sum", "add", "b"});
    const auto selfProblem = onlyProblem(self, registry);
    QVERIFY2(contains(selfProblem.message, "\"add\" is connected to itself"), selfProblem.message.c_str());
  }

  void missingRequiredInput() {
    Graph g;
    g.addNode("add", "test.add");  // "a" is required, "b" optional
    const auto problem = onlyProblem(g, registry);
    QCOMPARE(problem.node, std::string("add"));
    QCOMPARE(problem.port, std::string("a"));
    QCOMPARE(problem.message,
             std::string("The node \"add\" (Add) needs input \"a\" (a matrix), but nothing is connected to it."));
  }

  void incompatiblePortTypes() {
    Graph g;
    g.addNode("src", "test.source");
    g.addNode("norm", "test.normalise");
    g.connect({"src", "value", "norm", "counts"});
    const auto problem = onlyProblem(g, registry);
    QCOMPARE(problem.node, std::string("norm"));
    QCOMPARE(problem.port, std::string("counts"));
    QCOMPARE(problem.message, std::string("Input \"counts\" of node \"norm\" (Normalise) needs a count matrix, but it "
                                          "is connected to output \"value\" of node \"src\" (Source), which gives a "
                                          "matrix."));
  }

  void inputConnectedTwice() {
    Graph g = sourceAndAdd();
    g.addNode("src2", "test.source");
    g.connect({"src2", "value", "add", "a"});
    const auto problem = onlyProblem(g, registry);
    QCOMPARE(problem.port, std::string("a"));
    QVERIFY2(contains(problem.message, "is connected twice (from \"src\" and \"src2\")"), problem.message.c_str());
  }

  void unknownPortsAndNodes() {
    Graph g = sourceAndAdd();
    g.addNode("add2", "test.add");
    g.connect({"add", "total", "add2", "a"});
    g.connect({"ghost", "value", "add2", "b"});
    const auto problems = validate(g, registry);
    QCOMPARE(problems.size(), std::size_t(2));
    QVERIFY2(contains(problems[0].message, "node \"add\" (Add) has no output \"total\"; its outputs are: sum"),
             problems[0].message.c_str());
    QCOMPARE(problems[0].port, std::string("total"));
    QVERIFY2(contains(problems[1].message, "refers to node \"ghost\", which is not in the pipeline"),
             problems[1].message.c_str());
  }

  void unknownOperator() {
    Graph g;
    g.addNode("x", "test.sauce");
    const auto problem = onlyProblem(g, registry);
    QVERIFY2(contains(problem.message, "uses the operator \"test.sauce\", which this version of DiffBio Studio does "
                                       "not know. Did you mean \"test.source\"?"),
             problem.message.c_str());
  }

  void unknownParameter() {
    Graph g = sourceAndAdd();
    g.setParameter("add", "adend", 1.0);
    const auto problem = onlyProblem(g, registry);
    QCOMPARE(problem.parameter, std::string("adend"));
    QCOMPARE(problem.message,
             std::string("The node \"add\" (Add) has no parameter \"adend\". Did you mean \"addend\"?"));
  }

  void valueOutOfRange() {
    Graph g = sourceAndAdd();
    g.setParameter("add", "addend", 1500.5);
    auto problem = onlyProblem(g, registry);
    QCOMPARE(problem.parameter, std::string("addend"));
    QCOMPARE(problem.message,
             std::string("Parameter \"addend\" of node \"add\" (Add) is 1500.5, above the maximum 1000."));
    g.setParameter("add", "addend", -2000);  // a whole number is a fine float
    problem = onlyProblem(g, registry);
    QVERIFY2(contains(problem.message, "is -2000, below the minimum -1000"), problem.message.c_str());
  }

  void valueOfTheWrongKindOrChoice() {
    Graph g;
    g.addNode("cells", "test.cells");
    g.addNode("norm", "test.normalise", {{"target", 2.5}, {"method", "mean"}, {"log", "yes"}});
    g.connect({"cells", "counts", "norm", "counts"});
    const auto problems = validate(g, registry);
    QCOMPARE(problems.size(), std::size_t(3));
    // Parameters are checked in name order: log, method, target.
    QCOMPARE(problems[0].message, std::string("Parameter \"log\" of node \"norm\" (Normalise) must be true or false, "
                                              "not \"yes\"."));
    QCOMPARE(problems[1].message, std::string("Parameter \"method\" of node \"norm\" (Normalise) is \"mean\"; choose "
                                              "one of: total, median."));
    QCOMPARE(problems[2].message, std::string("Parameter \"target\" of node \"norm\" (Normalise) must be a whole "
                                              "number, not 2.5."));
  }

  void throwIfInvalidListsEveryProblem() {
    Graph g;
    g.addNode("add", "test.add", {{"addend", 5000.0}});
    DIFFBIO_EXPECT_INPUT_ERROR(throwIfInvalid(g, "my.pipeline.json", registry),
                               "my.pipeline.json: the pipeline has 2 problems:\n  - Parameter \"addend\"");
  }
};

QTEST_GUILESS_MAIN(ValidationTest)
#include "test_validation.moc"
