#include "core/pipeline/pipeline_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/io/atomic_output.h"
#include "core/pipeline/pipeline_migration.h"
#include "core/util/error.h"

namespace diffbio::pipeline {

using Json = nlohmann::ordered_json;  // keeps keys in the order written, so files read like their sections

namespace {

constexpr const char* kFormatName = "diffbio-pipeline";

// ---- paths --------------------------------------------------------------------------------------------------------

// A file the operator reads: stored relative to the pipeline file, held absolute in memory. Files an operator writes
// (ParameterSpec::outputPath) stay as written: relative ones go into the run's output folder, not beside the pipeline.
bool isInputPath(const ops::OperatorSpec* spec, const std::string& parameter) {
  if (!spec) return false;
  const auto* found = spec->findParameter(parameter);
  return found && found->type == ops::ParameterType::Path && !found->outputPath;
}

std::string absoluteFrom(const std::filesystem::path& folder, const std::string& path) {
  if (path.empty() || folder.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (folder / path).lexically_normal().generic_string();
}

std::string relativeTo(const std::filesystem::path& folder, const std::string& path) {
  if (path.empty() || folder.empty() || !std::filesystem::path(path).is_absolute()) return path;
  const auto relative = std::filesystem::path(path).lexically_relative(folder.lexically_normal());
  return relative.empty() ? path : relative.generic_string();
}

// ---- writing ------------------------------------------------------------------------------------------------------

Json toJson(const ops::ParameterValue& value) {
  switch (value.kind()) {
    case ops::ParameterValue::Kind::Bool: return value.asBool();
    case ops::ParameterValue::Kind::Int: return value.asInt();
    case ops::ParameterValue::Kind::Float: return value.asFloat();
    case ops::ParameterValue::Kind::Text: return value.asText();
    case ops::ParameterValue::Kind::Genes: return value.asGenes();
  }
  return nullptr;
}

Json nodeToJson(const Node& node, const std::filesystem::path& folder, const ops::Registry& registry) {
  const auto* spec = registry.findSpec(node.operatorId);
  Json parameters = Json::object();
  for (const auto& [name, value] : node.parameters) {
    if (isInputPath(spec, name) && value.kind() == ops::ParameterValue::Kind::Text)
      parameters[name] = relativeTo(folder, value.asText());
    else
      parameters[name] = toJson(value);
  }
  Json json;
  json["id"] = node.id;
  json["operator"] = node.operatorId;
  json["position"] = Json{{"x", node.position.x}, {"y", node.position.y}};
  json["parameters"] = std::move(parameters);
  if (node.trainable) json["trainable"] = true;  // absent = false, so untrained pipelines read as before
  return json;
}

// ---- reading ------------------------------------------------------------------------------------------------------

class Reader {
 public:
  Reader(std::filesystem::path folder, std::string source, const ops::Registry& registry)
      : folder_(std::move(folder)), source_(std::move(source)), registry_(registry) {}

  Graph read(const std::string& text) {
    Json document = parse(text);
    if (!document.is_object() || document.value("format", std::string()) != kFormatName)
      fail("this is not a DiffBio Studio pipeline (it lacks \"format\": \"diffbio-pipeline\")");
    const Json& version = document["version"];
    if (!version.is_number_integer()) fail("the pipeline has no format \"version\" number");
    migratePipeline(document, version.get<int>(), kPipelineFormatVersion, pipelineMigrations(), source_);

    Graph graph;
    for (const auto& node : arrayField(document, "nodes", "the pipeline")) readNode(node, graph);
    for (const auto& edge : arrayField(document, "edges", "the pipeline")) readEdge(edge, graph);
    return graph;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const std::string& fix = {}) const {
    throw InputError({source_}, problem, fix);
  }

  Json parse(const std::string& text) const {
    try {
      return Json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
      // Turn the byte offset into the line and column an editor shows.
      Location where{source_, 1, 1};
      for (std::size_t i = 0; i + 1 < error.byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++where.line;
          where.column = 1;
        } else {
          ++where.column;
        }
      }
      throw InputError(where, "the pipeline file is not valid JSON", "check for a missing comma, quote or bracket");
    }
  }

  const Json& arrayField(const Json& object, const char* name, const std::string& owner) const {
    if (!object.contains(name) || !object[name].is_array())
      fail(owner + " has no \"" + name + "\" list");
    return object[name];
  }

  std::string textField(const Json& object, const char* name, const std::string& owner) const {
    if (!object.is_object() || !object.contains(name) || !object[name].is_string())
      fail(owner + " has no \"" + name + "\" text");
    return object[name].get<std::string>();
  }

  void readNode(const Json& json, Graph& graph) const {
    const std::string id = textField(json, "id", "a node");
    const std::string owner = "node \"" + id + "\"";
    if (id.empty() || graph.findNode(id)) fail("two nodes are called \"" + id + "\"", "give each node its own id");
    const std::string operatorId = textField(json, "operator", owner);
    const auto* spec = registry_.findSpec(operatorId);
    if (!spec)
      fail(owner + " uses the operator \"" + operatorId + "\", which this version of DiffBio Studio does not know." +
               ops::didYouMean(operatorId, registry_.ids()),
           "`diffbio ops` lists the operators this version knows");

    Position position;
    if (json.contains("position")) {
      const Json& p = json["position"];
      if (!p.is_object() || !p.value("x", Json()).is_number() || !p.value("y", Json()).is_number())
        fail(owner + ": \"position\" must be {\"x\": number, \"y\": number}");
      position = {p["x"].get<double>(), p["y"].get<double>()};
    }

    ops::ParameterValues parameters;
    if (json.contains("parameters")) {
      if (!json["parameters"].is_object()) fail(owner + ": \"parameters\" must be an object");
      for (const auto& [name, value] : json["parameters"].items())
        parameters.set(name, readParameter(*spec, owner, name, value));
    }
    bool trainable = false;
    if (json.contains("trainable")) {
      if (!json["trainable"].is_boolean()) fail(owner + ": \"trainable\" must be true or false");
      trainable = json["trainable"].get<bool>();
    }
    graph.addNode(id, operatorId, std::move(parameters), position).trainable = trainable;
  }

  ops::ParameterValue readParameter(const ops::OperatorSpec& spec, const std::string& owner, const std::string& name,
                                    const Json& value) const {
    const auto* parameter = spec.findParameter(name);
    if (!parameter) {
      std::vector<std::string> known;
      for (const auto& p : spec.parameters) known.push_back(p.name);
      fail(owner + " (" + spec.displayName + ") has no parameter \"" + name + "\"." + ops::didYouMean(name, known));
    }
    const auto kind = ops::parameterKind(parameter->type);
    const auto wrong = [&]() { wrongKind(owner, name, kind, value); };
    switch (kind) {
      case ops::ParameterValue::Kind::Bool:
        if (!value.is_boolean()) wrong();
        return value.get<bool>();
      case ops::ParameterValue::Kind::Int:
        if (!value.is_number_integer()) wrong();
        return value.get<std::int64_t>();
      case ops::ParameterValue::Kind::Float:
        if (!value.is_number()) wrong();
        return value.get<double>();
      case ops::ParameterValue::Kind::Text: {
        if (!value.is_string()) wrong();
        const auto text = value.get<std::string>();
        return parameter->type == ops::ParameterType::Path && !parameter->outputPath ? absoluteFrom(folder_, text) : text;
      }
      case ops::ParameterValue::Kind::Genes: {
        if (!value.is_array()) wrong();
        ops::GeneList genes;
        for (const auto& gene : value) {
          if (!gene.is_string()) wrong();
          genes.push_back(gene.get<std::string>());
        }
        return genes;
      }
    }
    wrongKind(owner, name, kind, value);
  }

  [[noreturn]] void wrongKind(const std::string& owner, const std::string& name, ops::ParameterValue::Kind kind,
                              const Json& value) const {
    fail(owner + ": parameter \"" + name + "\" must be " + ops::parameterKindName(kind) + ", not " + value.dump());
  }

  void readEdge(const Json& json, Graph& graph) const {
    Edge edge;
    edge.fromNode = textField(json, "from", "a connection");
    edge.fromPort = textField(json, "output", "a connection");
    edge.toNode = textField(json, "to", "a connection");
    edge.toPort = textField(json, "input", "a connection");
    graph.connect(std::move(edge));
  }

  std::filesystem::path folder_;
  std::string source_;
  const ops::Registry& registry_;
};

std::filesystem::path folderOf(const std::filesystem::path& file) {
  return std::filesystem::absolute(file).lexically_normal().parent_path();
}

}  // namespace

std::string formatPipeline(const Graph& graph, const std::filesystem::path& folder, const ops::Registry& registry) {
  Json document;
  document["format"] = kFormatName;
  document["version"] = kPipelineFormatVersion;
  document["nodes"] = Json::array();
  for (const auto& node : graph.nodes()) document["nodes"].push_back(nodeToJson(node, folder, registry));
  document["edges"] = Json::array();
  for (const auto& edge : graph.edges())
    document["edges"].push_back(
        Json{{"from", edge.fromNode}, {"output", edge.fromPort}, {"to", edge.toNode}, {"input", edge.toPort}});
  return document.dump(2) + "\n";
}

Graph parsePipeline(const std::string& text, const std::filesystem::path& folder, const std::string& source,
                    const ops::Registry& registry) {
  return Reader(folder, source, registry).read(text);
}

Graph readPipelineFile(const std::filesystem::path& file, const ops::Registry& registry) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError({file.string()}, "cannot open the pipeline file", "check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  return parsePipeline(text.str(), folderOf(file), file.string(), registry);
}

void writePipelineFile(const Graph& graph, const std::filesystem::path& file, const ops::Registry& registry) {
  io::AtomicOutputFile out(file.string());
  out.write(formatPipeline(graph, folderOf(file), registry));
  out.commit();
}

}  // namespace diffbio::pipeline
