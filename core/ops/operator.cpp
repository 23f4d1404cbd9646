#include "core/ops/operator.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/util/error.h"

namespace diffbio::ops {

// ---- Port types ---------------------------------------------------------------------------------------------------

namespace {

struct PortTypeInfo {
  PortType type;
  const char* id;
  const char* display;
  std::optional<PortType> isA;  // the more general type this one may stand in for
};

// The single table of port types and their compatibility: adding a type is one line here.
const std::array<PortTypeInfo, 15> kPortTypes = {{
    {PortType::Counts, "counts", "count matrix", std::nullopt},
    {PortType::BulkCounts, "counts.bulk", "bulk count matrix", PortType::Counts},
    {PortType::SingleCellCounts, "counts.single_cell", "single-cell count matrix", PortType::Counts},
    {PortType::SampleTable, "sample_table", "sample table", PortType::Table},
    {PortType::Reads, "reads", "sequencing reads", std::nullopt},
    {PortType::Matrix, "matrix", "matrix", std::nullopt},
    {PortType::Embedding, "embedding", "embedding", PortType::Matrix},
    {PortType::CellGraph, "graph", "neighbour graph", std::nullopt},
    {PortType::Labels, "labels", "labels", std::nullopt},
    {PortType::Table, "table", "table", std::nullopt},
    {PortType::Model, "model", "model", std::nullopt},
    {PortType::Metrics, "metrics", "metrics", std::nullopt},
    {PortType::Design, "design", "counts with a design", std::nullopt},
    {PortType::SizeFactors, "size_factors", "size factors", std::nullopt},
    {PortType::Dispersions, "dispersions", "dispersion estimates", std::nullopt},
}};

const PortTypeInfo& info(PortType type) {
  for (const auto& entry : kPortTypes)
    if (entry.type == type) return entry;
  throw std::logic_error("port type missing from the port type table");
}

}  // namespace

std::vector<PortType> allPortTypes() {
  std::vector<PortType> types;
  for (const auto& entry : kPortTypes) types.push_back(entry.type);
  return types;
}

const char* portTypeId(PortType type) { return info(type).id; }
const char* portTypeDisplay(PortType type) { return info(type).display; }

std::optional<PortType> portTypeFromId(const std::string& id) {
  for (const auto& entry : kPortTypes)
    if (id == entry.id) return entry.type;
  return std::nullopt;
}

bool isCompatible(PortType from, PortType to) {
  for (std::optional<PortType> type = from; type; type = info(*type).isA)
    if (*type == to) return true;
  return false;
}

// ---- Values -------------------------------------------------------------------------------------------------------

namespace {
std::atomic<std::uint64_t> nextValueSerial{1};
}

Value::Value(PortType type, std::shared_ptr<const void> payload, std::type_index payloadType)
    : type_(type), payload_(std::move(payload)), payloadType_(payloadType), serial_(nextValueSerial++) {}

void Value::throwWrongType(const std::type_info& wanted) const {
  throw std::logic_error(std::string("a ") + portTypeDisplay(type_) + " value holds " + payloadType_.name() +
                         ", not the requested " + wanted.name());
}

// ---- Parameter values ---------------------------------------------------------------------------------------------

double ParameterValue::asFloat() const {
  if (kind() == Kind::Int) return static_cast<double>(asInt());
  return std::get<double>(data_);
}

namespace {

std::string shortestNumber(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ParameterValue::toString() const {
  switch (kind()) {
    case Kind::Bool: return asBool() ? "true" : "false";
    case Kind::Int: return std::to_string(asInt());
    case Kind::Float: return shortestNumber(asFloat());
    case Kind::Text: return quoted(asText());
    case Kind::Genes: {
      std::string out = "[";
      for (std::size_t i = 0; i < asGenes().size(); ++i) out += (i ? ", " : "") + quoted(asGenes()[i]);
      return out + "]";
    }
  }
  return {};
}

const char* parameterKindName(ParameterValue::Kind kind) {
  switch (kind) {
    case ParameterValue::Kind::Bool: return "true or false";
    case ParameterValue::Kind::Int: return "a whole number";
    case ParameterValue::Kind::Float: return "a number";
    case ParameterValue::Kind::Text: return "text";
    case ParameterValue::Kind::Genes: return "a list of gene names";
  }
  return "";
}

const ParameterValue& ParameterValues::at(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) throw std::logic_error("no value for parameter \"" + name + "\"");
  return found->second;
}

// ---- Parameter specs ----------------------------------------------------------------------------------------------

const char* parameterTypeId(ParameterType type) {
  switch (type) {
    case ParameterType::Int: return "int";
    case ParameterType::Float: return "float";
    case ParameterType::Bool: return "bool";
    case ParameterType::Enum: return "enum";
    case ParameterType::String: return "string";
    case ParameterType::Path: return "path";
    case ParameterType::Genes: return "gene list";
  }
  return "";
}

ParameterValue::Kind parameterKind(ParameterType type) {
  switch (type) {
    case ParameterType::Int: return ParameterValue::Kind::Int;
    case ParameterType::Float: return ParameterValue::Kind::Float;
    case ParameterType::Bool: return ParameterValue::Kind::Bool;
    case ParameterType::Genes: return ParameterValue::Kind::Genes;
    case ParameterType::Enum:
    case ParameterType::String:
    case ParameterType::Path: return ParameterValue::Kind::Text;
  }
  return ParameterValue::Kind::Text;
}

std::optional<std::string> ParameterSpec::problemWith(const ParameterValue& value) const {
  const auto expected = parameterKind(type);
  // A whole number is a fine value for a Float parameter.
  const bool kindOk = value.kind() == expected ||
                      (expected == ParameterValue::Kind::Float && value.kind() == ParameterValue::Kind::Int);
  if (!kindOk) return "must be " + std::string(parameterKindName(expected)) + ", not " + value.toString();
  if (type == ParameterType::Int || type == ParameterType::Float) {
    const double number = value.asFloat();
    if (std::isnan(number)) return std::string("is not a number");
    if (minimum && number < *minimum)
      return "is " + value.toString() + ", below the minimum " + shortestNumber(*minimum);
    if (maximum && number > *maximum)
      return "is " + value.toString() + ", above the maximum " + shortestNumber(*maximum);
  }
  if (type == ParameterType::Enum && std::find(choices.begin(), choices.end(), value.asText()) == choices.end()) {
    std::string list;
    for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + choice;
    return "is " + value.toString() + "; choose one of: " + list;
  }
  return std::nullopt;
}

namespace {
// The fields every parameter has; the factories below add what is particular to their type.
ParameterSpec makeParameter(std::string name, ParameterType type, ParameterValue defaultValue, std::string help) {
  ParameterSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.defaultValue = std::move(defaultValue);
  spec.help = std::move(help);
  return spec;
}
}  // namespace

ParameterSpec intParameter(std::string name, std::int64_t defaultValue, std::string help) {
  return makeParameter(std::move(name), ParameterType::Int, defaultValue, std::move(help));
}

ParameterSpec floatParameter(std::string name, double defaultValue, std::string help) {
  return makeParameter(std::move(name), ParameterType::Float, defaultValue, std::move(help));
}

ParameterSpec boolParameter(std::string name, bool defaultValue, std::string help) {
  return makeParameter(std::move(name), ParameterType::Bool, defaultValue, std::move(help));
}

ParameterSpec enumParameter(std::string name, std::vector<std::string> choices, std::string defaultValue,
                            std::string help) {
  ParameterSpec spec = makeParameter(std::move(name), ParameterType::Enum, std::move(defaultValue), std::move(help));
  spec.choices = std::move(choices);
  return spec;
}

ParameterSpec stringParameter(std::string name, std::string defaultValue, std::string help) {
  return makeParameter(std::move(name), ParameterType::String, std::move(defaultValue), std::move(help));
}

ParameterSpec inputPathParameter(std::string name, std::string help) {
  return makeParameter(std::move(name), ParameterType::Path, std::string(), std::move(help));
}

ParameterSpec outputPathParameter(std::string name, std::string defaultValue, std::string help) {
  ParameterSpec spec = makeParameter(std::move(name), ParameterType::Path, std::move(defaultValue), std::move(help));
  spec.outputPath = true;
  return spec;
}

ParameterSpec geneListParameter(std::string name, std::string help) {
  return makeParameter(std::move(name), ParameterType::Genes, GeneList{}, std::move(help));
}

// ---- Operator specs -----------------------------------------------------------------------------------------------

namespace {
template <class Item>
const Item* findByName(const std::vector<Item>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}
}  // namespace

const PortSpec* OperatorSpec::findInput(const std::string& name) const { return findByName(inputs, name); }
const PortSpec* OperatorSpec::findOutput(const std::string& name) const { return findByName(outputs, name); }
const ParameterSpec* OperatorSpec::findParameter(const std::string& name) const {
  return findByName(parameters, name);
}

ParameterValues OperatorSpec::withDefaults(const ParameterValues& given) const {
  ParameterValues complete = given;
  for (const auto& parameter : parameters)
    if (!complete.has(parameter.name)) complete.set(parameter.name, parameter.defaultValue);
  return complete;
}

// ---- Running ------------------------------------------------------------------------------------------------------

const ValuePtr& OperatorInputs::at(const std::string& port) const {
  const auto found = values_.find(port);
  if (found == values_.end()) throw std::logic_error("no value on input \"" + port + "\"");
  return found->second;
}

void RunContext::progress(double fraction) const {
  if (progress_) progress_(std::clamp(fraction, 0.0, 1.0));
}

std::string RunContext::resolvePath(const std::string& path) const {
  if (path.empty()) return path;
  const std::filesystem::path given(path);
  if (given.is_absolute() || folder_.empty()) return path;
  return (folder_ / given).lexically_normal().string();
}

std::string RunContext::resolveOutputPath(const std::string& path) const {
  if (path.empty()) return path;
  const std::filesystem::path given(path);
  if (given.is_absolute()) return path;
  const std::filesystem::path resolved = (outputFolder_ / given).lexically_normal();
  if (const auto parent = resolved.parent_path(); !parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error)
      throw InputError({parent.string()}, "cannot create the output folder: " + error.message(),
                       "choose a folder you may write to");
  }
  return resolved.string();
}

}  // namespace diffbio::ops
