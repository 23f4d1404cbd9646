#pragma once
// Small operators for the pipeline tests, registered into a registry the test owns (not the global one). Values are
// plain doubles; every execution is counted per node so tests can tell which nodes re-ran.
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "core/io/atomic_output.h"
#include "core/ops/registry.h"
#include "core/util/error.h"

namespace diffbio::test {

using namespace diffbio::ops;

// Executions per node id, across all registries of the test executable.
inline std::map<std::string, int>& executions() {
  static std::map<std::string, int> counts;
  return counts;
}
inline std::mutex& executionsMutex() {
  static std::mutex mutex;
  return mutex;
}
inline int executionsOf(const std::string& nodeId) {
  std::lock_guard lock(executionsMutex());
  return executions()[nodeId];
}
inline void countExecution(const RunContext& context) {
  std::lock_guard lock(executionsMutex());
  ++executions()[context.nodeId()];
}

// An operator from a lambda, so each test operator is a few lines.
class LambdaOperator : public Operator {
 public:
  using Body = std::function<OperatorOutputs(const OperatorInputs&, const ParameterValues&, RunContext&)>;
  explicit LambdaOperator(Body body) : body_(std::move(body)) {}
  OperatorOutputs run(const OperatorInputs& inputs, const ParameterValues& parameters, RunContext& context) override {
    countExecution(context);
    return body_(inputs, parameters, context);
  }

 private:
  Body body_;
};

inline void add(Registry& registry, OperatorSpec spec, LambdaOperator::Body body) {
  registry.registerOperator(std::move(spec), [body] { return std::make_unique<LambdaOperator>(body); });
}

inline ValuePtr number(double value, PortType type = PortType::Matrix) { return Value::make<double>(type, value); }

// Sleeps `seconds` in steps of `step_ms`, polling the cancel token and reporting progress after each step.
inline void sleepPolling(RunContext& context, double seconds, std::int64_t stepMs,
                         const std::function<void()>& eachStep = {}) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed >= seconds) return;
    context.progress(elapsed / seconds);
    if (eachStep) eachStep();
    std::this_thread::sleep_for(std::chrono::milliseconds(stepMs));
    context.checkCancelled();
  }
}

inline Registry makeTestRegistry() {
  Registry r;
  add(r,
      {"test.source", "Source", "Test", "Emits its parameter.", {}, {{"value", PortType::Matrix, true, ""}},
       {floatParameter("value", 1.0, "the number to emit")}},
      [](const OperatorInputs&, const ParameterValues& p, RunContext&) {
        return OperatorOutputs{{"value", number(p.real("value"))}};
      });
  add(r,
      {"test.add", "Add", "Test", "a + b + addend.",
       {{"a", PortType::Matrix, true, ""}, {"b", PortType::Matrix, false, ""}},
       {{"sum", PortType::Matrix, true, ""}},
       {floatParameter("addend", 0.0, "added to the inputs").range(-1000, 1000)}},
      [](const OperatorInputs& in, const ParameterValues& p, RunContext&) {
        double sum = in.get<double>("a") + p.real("addend");
        if (in.has("b")) sum += in.get<double>("b");
        return OperatorOutputs{{"sum", number(sum)}};
      });
  // Passes its input on untouched: the output is the very Value it received.
  add(r,
      {"test.pass", "Pass", "Test", "Forwards its input.", {{"in", PortType::Matrix, true, ""}},
       {{"out", PortType::Matrix, true, ""}}, {}},
      [](const OperatorInputs& in, const ParameterValues&, RunContext&) {
        return OperatorOutputs{{"out", in.at("in")}};
      });
  add(r,
      {"test.slow", "Slow", "Test", "Sleeps in small steps, polling the cancel token.",
       {{"in", PortType::Matrix, false, ""}}, {{"value", PortType::Matrix, true, ""}},
       {floatParameter("seconds", 5.0, "how long").range(0, 3600), intParameter("step_ms", 2, "poll interval")}},
      [](const OperatorInputs&, const ParameterValues& p, RunContext& context) {
        sleepPolling(context, p.real("seconds"), p.integer("step_ms"));
        return OperatorOutputs{{"value", number(42)}};
      });
  // Writes its input to a file line by line over `seconds`, through AtomicOutputFile.
  add(r,
      {"test.write", "Write", "Test", "Writes slowly.", {{"in", PortType::Matrix, true, ""}}, {},
       {outputPathParameter("path", "out.txt", "where"), floatParameter("seconds", 0.0, "how long")}},
      [](const OperatorInputs& in, const ParameterValues& p, RunContext& context) {
        io::AtomicOutputFile out(context.resolveOutputPath(p.text("path")));
        sleepPolling(context, p.real("seconds"), 2, [&] { out.write("partial line\n"); });
        out.write(std::to_string(in.get<double>("in")) + "\n");
        out.commit();
        return OperatorOutputs{};
      });
  add(r,
      {"test.load", "Load", "Test", "Reads a number from a file.", {}, {{"value", PortType::Matrix, true, ""}},
       {inputPathParameter("path", "the file")}},
      [](const OperatorInputs&, const ParameterValues& p, RunContext& context) {
        const std::string path = context.resolvePath(p.text("path"));
        std::ifstream file(path);
        double value = 0;
        if (!(file >> value)) throw InputError({path}, "no number in the file", "write a number into it");
        return OperatorOutputs{{"value", number(value)}};
      });
  add(r,
      {"test.fail", "Fail", "Test", "Always fails.", {{"in", PortType::Matrix, false, ""}},
       {{"value", PortType::Matrix, true, ""}}, {}},
      [](const OperatorInputs&, const ParameterValues&, RunContext&) -> OperatorOutputs {
        throw InputError({}, "the test data has no genes", "load a matrix with genes");
      });
  // Declares a Matrix output but produces a table: an operator bug the executor must catch.
  add(r,
      {"test.liar", "Liar", "Test", "Breaks its spec.", {}, {{"value", PortType::Matrix, true, ""}}, {}},
      [](const OperatorInputs&, const ParameterValues&, RunContext&) {
        return OperatorOutputs{{"value", number(1, PortType::Table)}};
      });
  add(r,
      {"test.cells", "Cells", "Test", "Single-cell counts.", {}, {{"counts", PortType::SingleCellCounts, true, ""}},
       {}},
      [](const OperatorInputs&, const ParameterValues&, RunContext&) {
        return OperatorOutputs{{"counts", number(1, PortType::SingleCellCounts)}};
      });
  add(r,
      {"test.normalise", "Normalise", "Test", "Takes any counts.", {{"counts", PortType::Counts, true, ""}},
       {{"normalised", PortType::Matrix, true, ""}},
       {intParameter("target", 10000, "counts per cell").range(1, 1e9).logarithmic(),
        enumParameter("method", {"total", "median"}, "total", "how"), boolParameter("log", true, "log1p after"),
        stringParameter("note", "", "free text"), geneListParameter("exclude", "genes left out")}},
      [](const OperatorInputs& in, const ParameterValues&, RunContext&) {
        return OperatorOutputs{{"normalised", number(in.get<double>("counts"))}};
      });
  return r;
}

}  // namespace diffbio::test
