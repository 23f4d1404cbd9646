#pragma once
// Operators registered only in the GUI test executables (registerGuiTestOperators(), from initTestCase):
//   test.slow  — computes for `seconds` in 5 ms slices, reporting progress and polling checkCancelled(), then
//                outputs a one-row table holding its `tag` parameter (so a test can tell which edit produced it).
#include <chrono>
#include <thread>

#include "core/data/table.h"
#include "core/ops/registry.h"

namespace diffbio::test {

class SlowOperator : public ops::Operator {
 public:
  ops::OperatorOutputs run(const ops::OperatorInputs&, const ops::ParameterValues& parameters,
                           ops::RunContext& context) override {
    const auto total = std::chrono::duration<double>(parameters.real("seconds"));
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < total) {
      context.checkCancelled();
      context.progress(std::chrono::duration<double>(std::chrono::steady_clock::now() - start) / total);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    data::Table table(std::vector<std::string>{"result"});
    table.addColumn(data::Column("tag", std::vector<double>{parameters.real("tag")}));
    return {{"table", ops::Value::make(ops::PortType::Table, std::move(table))}};
  }
};

inline ops::OperatorSpec slowSpec() {
  ops::OperatorSpec spec;
  spec.id = "test.slow";
  spec.displayName = "Slow test operator";
  spec.category = "Testing";
  spec.help = "Waits, polling for cancellation; for the GUI tests.";
  spec.outputs = {{"table", ops::PortType::Table, true, "a one-row table with the tag"}};
  spec.parameters = {ops::floatParameter("seconds", 1.0, "how long to compute").range(0, 600),
                     ops::floatParameter("tag", 0.0, "copied into the output")};
  return spec;
}

// Registered from initTestCase rather than by a static ops::OperatorRegistration: at static initialisation the
// core's own statics (used to check a spec) may not be constructed yet in this executable.
inline void registerGuiTestOperators() {
  if (!ops::Registry::global().contains("test.slow"))
    ops::Registry::global().registerOperator(slowSpec(), [] { return std::make_unique<SlowOperator>(); });
}

}  // namespace diffbio::test
