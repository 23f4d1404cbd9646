#pragma once
// The contract between an operator and everything around it (registry, pipeline, GUI, CLI):
//   - PortType: what flows along an edge, with explicit is-a rules (single-cell counts are counts);
//   - Value: an immutable, type-erased result shared by every consumer (never copied per consumer);
//   - ParameterValue / ParameterSpec: typed parameters with defaults, ranges and choices;
//   - OperatorSpec: the static description the palette, inspector, pipeline files and docs are built from;
//   - Operator + RunContext: the implementation and what it may ask of the run (progress, cancellation, paths).
// No LibTorch here: operator files include the data types they need themselves.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include "core/util/cancel_token.h"

namespace diffbio::train {
struct TrainingContext;  // core/train/training_context.h: what a training node may ask of the run
}

namespace diffbio::ops {

// ---- Port types ---------------------------------------------------------------------------------------------------

enum class PortType {
  Counts,            // any count matrix (observations x genes)
  BulkCounts,        // is a Counts
  SingleCellCounts,  // is a Counts
  SampleTable,       // is a Table
  Reads,
  Matrix,
  Embedding,         // is a Matrix
  CellGraph,         // a neighbour graph over observations
  Labels,
  Table,             // results and other tables
  Model,
  Metrics,
  Design,            // counts paired with a sample sheet and a model formula (what a DE analysis tests)
  SizeFactors,       // one scaling factor per sample
  Dispersions,       // per-gene dispersion estimates with their trend
};

std::vector<PortType> allPortTypes();
const char* portTypeId(PortType type);        // stable, used in docs and files: "counts.single_cell"
const char* portTypeDisplay(PortType type);   // for people: "single-cell count matrix"
std::optional<PortType> portTypeFromId(const std::string& id);
// True when an output of type `from` may feed an input of type `to`: the same type, or `from` is a kind of `to`.
bool isCompatible(PortType from, PortType to);

// ---- Values -------------------------------------------------------------------------------------------------------

class Value;
using ValuePtr = std::shared_ptr<const Value>;

// One result on an output port. The payload is any C++ type, held behind a shared pointer to const, so a later issue
// adds a data type without touching the executor, and a value fans out to many consumers without a copy.
// Every Value has a serial number unique in the process: the executor keys its cache on upstream serials, which
// (unlike addresses) are never reused.
class Value {
 public:
  template <class T>
  static ValuePtr make(PortType type, T data) {
    return share(type, std::make_shared<const T>(std::move(data)));
  }
  template <class T>
  static ValuePtr share(PortType type, std::shared_ptr<const T> data) {
    return ValuePtr(new Value(type, std::move(data), typeid(T)));
  }

  PortType type() const { return type_; }
  std::uint64_t serial() const { return serial_; }

  template <class T>
  bool holds() const {
    return payloadType_ == std::type_index(typeid(T));
  }
  // The payload; throws std::logic_error (a bug in an operator, not bad input) when it is not a T.
  template <class T>
  const T& as() const {
    if (!holds<T>()) throwWrongType(typeid(T));
    return *static_cast<const T*>(payload_.get());
  }

 private:
  Value(PortType type, std::shared_ptr<const void> payload, std::type_index payloadType);
  [[noreturn]] void throwWrongType(const std::type_info& wanted) const;

  PortType type_;
  std::shared_ptr<const void> payload_;
  std::type_index payloadType_;
  std::uint64_t serial_;
};

// ---- Parameters ---------------------------------------------------------------------------------------------------

using GeneList = std::vector<std::string>;

// A parameter's value. One constructor per C++ type, so `5`, `5.0`, `true` and `"ratio"` each land in the
// intended alternative (a bare std::variant would turn "ratio" into a bool and find 5 ambiguous).
class ParameterValue {
 public:
  enum class Kind { Bool, Int, Float, Text, Genes };

  ParameterValue() : data_(false) {}
  ParameterValue(bool value) : data_(value) {}
  ParameterValue(int value) : data_(std::int64_t{value}) {}
  ParameterValue(std::int64_t value) : data_(value) {}
  ParameterValue(double value) : data_(value) {}
  ParameterValue(const char* value) : data_(std::string(value)) {}
  ParameterValue(std::string value) : data_(std::move(value)) {}
  ParameterValue(GeneList value) : data_(std::move(value)) {}

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool asBool() const { return std::get<bool>(data_); }
  std::int64_t asInt() const { return std::get<std::int64_t>(data_); }
  double asFloat() const;  // an Int reads as a Float too
  const std::string& asText() const { return std::get<std::string>(data_); }
  const GeneList& asGenes() const { return std::get<GeneList>(data_); }

  // Exact and unambiguous (shortest round-trip numbers, quoted text): for messages and cache keys.
  std::string toString() const;

  bool operator==(const ParameterValue& other) const { return data_ == other.data_; }
  bool operator!=(const ParameterValue& other) const { return !(*this == other); }

 private:
  std::variant<bool, std::int64_t, double, std::string, GeneList> data_;
};

const char* parameterKindName(ParameterValue::Kind kind);  // "a whole number", "text", ...

// Named parameter values, for a node (only those the user set) or for a run (complete: defaults filled in).
class ParameterValues {
 public:
  using Map = std::map<std::string, ParameterValue>;

  ParameterValues() = default;
  ParameterValues(std::initializer_list<Map::value_type> values) : values_(values) {}

  void set(const std::string& name, ParameterValue value) { values_[name] = std::move(value); }
  void erase(const std::string& name) { values_.erase(name); }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  // Throws std::logic_error when absent: an operator asked for a parameter its spec does not declare.
  const ParameterValue& at(const std::string& name) const;

  bool flag(const std::string& name) const { return at(name).asBool(); }
  std::int64_t integer(const std::string& name) const { return at(name).asInt(); }
  double real(const std::string& name) const { return at(name).asFloat(); }
  const std::string& text(const std::string& name) const { return at(name).asText(); }
  const GeneList& genes(const std::string& name) const { return at(name).asGenes(); }

  Map::const_iterator begin() const { return values_.begin(); }
  Map::const_iterator end() const { return values_.end(); }
  std::size_t size() const { return values_.size(); }
  bool operator==(const ParameterValues& other) const { return values_ == other.values_; }

 private:
  Map values_;
};

enum class ParameterType { Int, Float, Bool, Enum, String, Path, Genes };
const char* parameterTypeId(ParameterType type);                  // "int", "float", ... (docs)
ParameterValue::Kind parameterKind(ParameterType type);           // how a value of this type is held

struct ParameterSpec {
  std::string name;
  ParameterType type = ParameterType::String;
  ParameterValue defaultValue;
  std::optional<double> minimum;  // Int and Float; inclusive (an int64 range beyond 2^53 is not needed here)
  std::optional<double> maximum;
  bool logScale = false;          // a hint for sliders: the useful values span orders of magnitude
  std::vector<std::string> choices;  // Enum
  bool outputPath = false;        // Path: a file the operator writes (save dialog), not one it reads
  std::string help;               // one line

  // Chained setters for readable operator files: intParameter("k", 15, "...").range(1, 500).
  ParameterSpec range(double low, double high) && {
    minimum = low;
    maximum = high;
    return std::move(*this);
  }
  ParameterSpec atLeast(double low) && {
    minimum = low;
    return std::move(*this);
  }
  ParameterSpec logarithmic() && {
    logScale = true;
    return std::move(*this);
  }

  // Why `value` is not acceptable ("is 1.5, above the maximum 1"), or nothing when it is.
  std::optional<std::string> problemWith(const ParameterValue& value) const;
};

ParameterSpec intParameter(std::string name, std::int64_t defaultValue, std::string help);
ParameterSpec floatParameter(std::string name, double defaultValue, std::string help);
ParameterSpec boolParameter(std::string name, bool defaultValue, std::string help);
ParameterSpec enumParameter(std::string name, std::vector<std::string> choices, std::string defaultValue,
                            std::string help);
ParameterSpec stringParameter(std::string name, std::string defaultValue, std::string help);
ParameterSpec inputPathParameter(std::string name, std::string help);
ParameterSpec outputPathParameter(std::string name, std::string defaultValue, std::string help);
ParameterSpec geneListParameter(std::string name, std::string help);

// ---- Ports and the operator spec ----------------------------------------------------------------------------------

struct PortSpec {
  std::string name;
  PortType type = PortType::Table;
  bool required = true;  // inputs: must be connected; outputs: always produced
  std::string help;
};

struct OperatorSpec {
  std::string id;           // stable, written to pipeline files: "de.size_factors"
  std::string displayName;  // "Size factors"
  std::string category;     // palette group: "Differential expression"
  std::string help;         // one paragraph
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParameterSpec> parameters;

  const PortSpec* findInput(const std::string& name) const;
  const PortSpec* findOutput(const std::string& name) const;
  const ParameterSpec* findParameter(const std::string& name) const;
  // `given` plus the default of every parameter not given (unknown names are kept; validation reports them).
  ParameterValues withDefaults(const ParameterValues& given) const;
};

// ---- Running ------------------------------------------------------------------------------------------------------

// The values on a node's input ports, by port name; an unconnected optional input is absent.
class OperatorInputs {
 public:
  void set(const std::string& port, ValuePtr value) { values_[port] = std::move(value); }
  bool has(const std::string& port) const { return values_.count(port) > 0; }
  // Throws std::logic_error when absent (required inputs are always present: the executor checks).
  const ValuePtr& at(const std::string& port) const;
  template <class T>
  const T& get(const std::string& port) const {
    return at(port)->as<T>();
  }
  std::size_t size() const { return values_.size(); }

 private:
  std::map<std::string, ValuePtr> values_;
};

// Outputs by port name.
using OperatorOutputs = std::map<std::string, ValuePtr>;

// What a running operator may ask of the run. Long loops call checkCancelled() every few milliseconds.
class RunContext {
 public:
  using ProgressSink = std::function<void(double)>;

  RunContext(const CancelToken& cancel, std::filesystem::path pipelineFolder = {}, std::string nodeId = {},
             ProgressSink progress = {})
      : cancel_(cancel), folder_(std::move(pipelineFolder)), nodeId_(std::move(nodeId)),
        progress_(std::move(progress)) {}

  void checkCancelled() const { cancel_.throwIfCancelled(); }  // throws diffbio::Cancelled
  bool cancelled() const { return cancel_.cancelled(); }
  void progress(double fraction) const;  // 0..1, clamped

  const std::string& nodeId() const { return nodeId_; }
  // The pipeline file's folder: relative paths are relative to it (empty = the working directory).
  const std::filesystem::path& pipelineFolder() const { return folder_; }
  // For paths the operator reads.
  std::string resolvePath(const std::string& path) const;

  // Where sinks write (`diffbio run --out DIR`); empty = the working directory. Kept apart from the pipeline folder
  // so running a template never writes into the folder the template was installed in.
  void setOutputFolder(std::filesystem::path folder) { outputFolder_ = std::move(folder); }
  const std::filesystem::path& outputFolder() const { return outputFolder_; }
  // For paths the operator writes: a relative path is placed in the output folder, and the folders it needs are
  // created (InputError naming the folder when that fails). Absolute paths are returned as given.
  std::string resolveOutputPath(const std::string& path) const;

  // The run's cancel token, for loops that poll it themselves (the trainer).
  const CancelToken& cancelToken() const { return cancel_; }
  // Training nodes (core/train/training_operator.h): the run's training observer, pause gate and where each input
  // came from. Null when the caller set none (a training node then trains unobserved).
  void setTraining(const train::TrainingContext* training) { training_ = training; }
  const train::TrainingContext* training() const { return training_; }

 private:
  const CancelToken& cancel_;
  const train::TrainingContext* training_ = nullptr;
  std::filesystem::path folder_;
  std::filesystem::path outputFolder_;
  std::string nodeId_;
  ProgressSink progress_;
};

// An operator's implementation. One instance per run of a node, so members may hold per-run state.
// Throw diffbio::InputError for unusable input (the node shows the message); Cancelled comes from checkCancelled().
class Operator {
 public:
  virtual ~Operator() = default;
  virtual OperatorOutputs run(const OperatorInputs& inputs, const ParameterValues& parameters,
                              RunContext& context) = 0;
};

}  // namespace diffbio::ops
