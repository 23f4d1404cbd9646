// The operator registry and the operator contract: lookups with suggestions, spec checks at registration, port type
// compatibility, parameter values, shared values and self-registration.
#include "test_support.h"

#include "core/ops/registry.h"
#include "pipeline_test_operators.h"

using namespace diffbio;
using namespace diffbio::ops;

namespace {

// How an operator file registers itself into the global registry.
class Doubler : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& inputs, const ParameterValues&, RunContext&) override {
    return {{"out", Value::make<double>(PortType::Matrix, 2 * inputs.get<double>("in"))}};
  }
};
const OperatorRegistration doublerRegistration(
    {"example.doubler", "Doubler", "Examples", "Doubles a number.", {{"in", PortType::Matrix, true, "a number"}},
     {{"out", PortType::Matrix, true, "twice the number"}}, {}},
    [] { return std::make_unique<Doubler>(); });

OperatorSpec minimalSpec(std::string id) { return {std::move(id), "Name", "Category", "Help.", {}, {}, {}}; }
OperatorFactory dummyFactory() {
  return [] { return std::make_unique<Doubler>(); };
}

}  // namespace

class RegistryTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void staticRegistrationReachesTheGlobalRegistry() {
    QVERIFY(Registry::global().contains("example.doubler"));
    auto op = Registry::global().create("example.doubler");
    OperatorInputs inputs;
    inputs.set("in", Value::make<double>(PortType::Matrix, 21));
    CancelToken cancel;
    RunContext context(cancel);
    QCOMPARE(op->run(inputs, {}, context).at("out")->as<double>(), 42.0);
  }

  void unknownIdSuggestsCloseMatches() {
    const Registry registry = test::makeTestRegistry();
    DIFFBIO_EXPECT_INPUT_ERROR(registry.spec("test.ad"), "unknown operator \"test.ad\". Did you mean \"test.add\"");
    DIFFBIO_EXPECT_INPUT_ERROR(registry.create("normalise"), "Did you mean \"test.normalise\"?");
    QVERIFY(!registry.findSpec("test.ad"));
    QCOMPARE(registry.spec("test.add").displayName, std::string("Add"));
  }

  void listsByCategory() {
    Registry registry;
    registry.registerOperator(OperatorSpec{"b.one", "One", "Beta", "", {}, {}, {}}, dummyFactory());
    registry.registerOperator(OperatorSpec{"a.two", "Two", "Beta", "", {}, {}, {}}, dummyFactory());
    registry.registerOperator(OperatorSpec{"z.three", "Three", "Alpha", "", {}, {}, {}}, dummyFactory());
    QCOMPARE(registry.categories(), (std::vector<std::string>{"Alpha", "Beta"}));
    QCOMPARE(registry.inCategory("Beta").size(), std::size_t(2));
    std::vector<std::string> order;
    for (const auto* spec : registry.all()) order.push_back(spec->id);
    QCOMPARE(order, (std::vector<std::string>{"z.three", "a.two", "b.one"}));
  }

  void malformedSpecsAreRefusedAtRegistration() {
    Registry registry;
    registry.registerOperator(minimalSpec("fine.op"), dummyFactory());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, registry.registerOperator(minimalSpec("fine.op"), dummyFactory()));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, registry.registerOperator(minimalSpec("NoFamily"), dummyFactory()));

    auto badDefault = minimalSpec("bad.default");
    badDefault.parameters.push_back(floatParameter("alpha", 2.0, "").range(0, 1));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, registry.registerOperator(badDefault, dummyFactory()));

    auto twice = minimalSpec("bad.ports");
    twice.inputs = {{"x", PortType::Matrix, true, ""}, {"x", PortType::Table, true, ""}};
    QVERIFY_THROWS_EXCEPTION(std::logic_error, registry.registerOperator(twice, dummyFactory()));

    auto choices = minimalSpec("bad.enum");
    choices.parameters.push_back(enumParameter("method", {"ratio", "tmm"}, "poscounts", ""));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, registry.registerOperator(choices, dummyFactory()));
    QCOMPARE(registry.ids(), std::vector<std::string>{"fine.op"});
  }

  void portTypeCompatibility() {
    QVERIFY(isCompatible(PortType::SingleCellCounts, PortType::Counts));
    QVERIFY(isCompatible(PortType::BulkCounts, PortType::Counts));
    QVERIFY(!isCompatible(PortType::Counts, PortType::SingleCellCounts));
    QVERIFY(!isCompatible(PortType::BulkCounts, PortType::SingleCellCounts));
    QVERIFY(isCompatible(PortType::Embedding, PortType::Matrix));
    QVERIFY(isCompatible(PortType::SampleTable, PortType::Table));
    QVERIFY(!isCompatible(PortType::Table, PortType::SampleTable));
    QVERIFY(!isCompatible(PortType::Counts, PortType::Matrix));
    for (const auto type : allPortTypes()) {
      QVERIFY(isCompatible(type, type));
      QCOMPARE(portTypeFromId(portTypeId(type)), std::optional<PortType>(type));
    }
    QVERIFY(!portTypeFromId("nonsense"));
  }

  void parameterValuesHoldTheIntendedKind() {
    QCOMPARE(ParameterValue(5).kind(), ParameterValue::Kind::Int);
    QCOMPARE(ParameterValue(5.0).kind(), ParameterValue::Kind::Float);
    QCOMPARE(ParameterValue(true).kind(), ParameterValue::Kind::Bool);
    QCOMPARE(ParameterValue("ratio").kind(), ParameterValue::Kind::Text);
    QCOMPARE(ParameterValue(GeneList{"A"}).kind(), ParameterValue::Kind::Genes);
    QCOMPARE(ParameterValue(0.1).toString(), std::string("0.1"));
    QCOMPARE(ParameterValue("a\"b").toString(), std::string("\"a\\\"b\""));
    QCOMPARE(ParameterValue(GeneList{"A", "B"}).toString(), std::string("[\"A\", \"B\"]"));
    QCOMPARE(ParameterValue(3).asFloat(), 3.0);

    const auto spec = intParameter("k", 15, "").range(1, 500);
    QVERIFY(!spec.problemWith(ParameterValue(1)));
    QCOMPARE(*spec.problemWith(ParameterValue(0)), std::string("is 0, below the minimum 1"));
    QCOMPARE(*spec.problemWith(ParameterValue(1.5)), std::string("must be a whole number, not 1.5"));

    OperatorSpec op = minimalSpec("x.y");
    op.parameters = {spec, boolParameter("flag", true, "")};
    const auto complete = op.withDefaults({{"k", 3}});
    QCOMPARE(complete.integer("k"), std::int64_t{3});
    QCOMPARE(complete.flag("flag"), true);
  }

  void valuesAreTypedAndUnique() {
    const auto a = Value::make<double>(PortType::Metrics, 1.0);
    const auto b = Value::make<double>(PortType::Metrics, 1.0);
    QVERIFY(a->serial() != b->serial());
    QVERIFY(a->holds<double>());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, a->as<std::string>());
    // share() wraps existing data without a copy.
    auto data = std::make_shared<const std::vector<int>>(1000, 7);
    const auto shared = Value::share(PortType::Labels, data);
    QCOMPARE(&shared->as<std::vector<int>>(), data.get());
  }

  void runContextResolvesPathsAndReportsProgress() {
    CancelToken cancel;
    std::vector<double> reported;
    RunContext context(cancel, "/data/project", "node", [&](double f) { reported.push_back(f); });
    QCOMPARE(context.resolvePath("counts/a.tsv"), std::string("/data/project/counts/a.tsv"));
    QCOMPARE(context.resolvePath("/abs/b.tsv"), std::string("/abs/b.tsv"));
    context.progress(0.5);
    context.progress(7);
    QCOMPARE(reported, (std::vector<double>{0.5, 1.0}));
    context.checkCancelled();
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, context.checkCancelled());
  }
};

QTEST_GUILESS_MAIN(RegistryTest)
#include "test_registry.moc"
