#include "core/io/hdf5_dataframe.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>

#include "core/util/error.h"

namespace diffbio::io::h5 {

namespace {

constexpr const char* kResaveFix = "re-save the file with a current anndata (adata.write_h5ad) and try again";

void requireGroup(const Reader& reader, const std::string& group) {
  switch (reader.kind(group)) {
    case ObjectKind::Group: return;
    case ObjectKind::Missing: reader.fail(group, "missing", "an AnnData file has obs and var dataframes");
    case ObjectKind::Dataset:
      reader.fail(group,
                  "is a single table dataset (the AnnData layout before version 0.7), which DiffBio does not read",
                  "re-save the file with anndata >= 0.7 (anndata.read_h5ad then write_h5ad)");
    case ObjectKind::Other: reader.fail(group, "is not a group", kResaveFix);
  }
}

std::string indexDatasetName(const Reader& reader, const std::string& group) {
  if (auto name = reader.stringAttribute(group, "_index")) return *name;
  for (const char* candidate : {"_index", "index"}) {
    if (reader.kind(child(group, candidate)) == ObjectKind::Dataset) return candidate;
  }
  reader.fail(group, "has no index (no _index attribute and no _index dataset)", kResaveFix);
}

// Category levels may be text or numbers (e.g. cluster ids stored as integers): all become text.
std::vector<std::string> readLevels(const Reader& reader, const std::string& dataset) {
  const DatasetInfo info = reader.describe(dataset);
  switch (info.element) {
    case ElementClass::String: return reader.readStrings(dataset);
    case ElementClass::Integer: {
      std::vector<std::string> out;
      for (auto v : reader.readNumbers<std::int64_t>(dataset)) out.push_back(std::to_string(v));
      return out;
    }
    case ElementClass::Float: {
      std::vector<std::string> out;
      for (auto v : reader.readNumbers<double>(dataset)) out.push_back(data::formatNumber(v));
      return out;
    }
    case ElementClass::Bool: {
      std::vector<std::string> out;
      for (auto v : reader.readBools(dataset)) out.push_back(v ? "True" : "False");
      return out;
    }
    case ElementClass::Other: break;
  }
  reader.fail(dataset, "holds category levels of an unsupported type", kResaveFix);
}

data::Categorical readCategorical(const Reader& reader, const std::string& codesPath, const std::string& levelsPath) {
  data::Categorical categorical;
  categorical.levels = readLevels(reader, levelsPath);
  categorical.codes = reader.readNumbers<std::int32_t>(codesPath);
  const auto levels = static_cast<std::int32_t>(categorical.levels.size());
  for (std::size_t i = 0; i < categorical.codes.size(); ++i) {
    std::int32_t& code = categorical.codes[i];
    if (code < -1 || code >= levels) {
      reader.fail(codesPath, "code " + std::to_string(code) + " at row " + std::to_string(i) +
                                 " is outside the " + std::to_string(levels) + " categories",
                  kResaveFix);
    }
  }
  return categorical;
}

// A column stored as a plain dataset; nullopt (with a note) when it cannot be represented.
std::optional<data::Column> readDatasetColumn(const Reader& reader, const std::string& group, const std::string& name,
                                              std::vector<std::string>& notes) {
  const std::string path = child(group, name);
  const DatasetInfo info = reader.describe(path);
  if (info.dims.size() != 1) {
    notes.push_back(path + " skipped: a " + std::to_string(info.dims.size()) + "-dimensional column");
    return std::nullopt;
  }
  const std::string oldLevels = child(child(group, "__categories"), name);  // anndata 0.7 categoricals
  switch (info.element) {
    case ElementClass::String: return data::Column(name, reader.readStrings(path));
    case ElementClass::Bool: return data::Column::boolean(name, reader.readBools(path));
    case ElementClass::Integer:
      if (reader.kind(oldLevels) == ObjectKind::Dataset) {
        return data::Column(name, readCategorical(reader, path, oldLevels));
      }
      return data::Column(name, reader.readNumbers<std::int64_t>(path));
    case ElementClass::Float: return data::Column(name, reader.readNumbers<double>(path));
    case ElementClass::Other: break;
  }
  notes.push_back(path + " skipped: values of a type DiffBio does not read");
  return std::nullopt;
}

// A column stored as an encoded group (categorical, nullable-*); nullopt (with a note) for other encodings.
std::optional<data::Column> readGroupColumn(const Reader& reader, const std::string& group, const std::string& name,
                                            std::vector<std::string>& notes) {
  const std::string path = child(group, name);
  const std::string encoding = reader.stringAttribute(path, "encoding-type").value_or("");
  if (encoding == "categorical") {
    return data::Column(name, readCategorical(reader, child(path, "codes"), child(path, "categories")));
  }
  if (encoding == "nullable-integer" || encoding == "nullable-boolean" || encoding == "nullable-string-array") {
    const std::string values = child(path, "values");
    std::vector<std::uint8_t> mask = reader.readBools(child(path, "mask"));
    std::optional<data::Column> column;
    if (encoding == "nullable-integer") column.emplace(name, reader.readNumbers<std::int64_t>(values));
    else if (encoding == "nullable-boolean") column.emplace(data::Column::boolean(name, reader.readBools(values)));
    else column.emplace(name, reader.readStrings(values));
    if (mask.size() != column->size()) {
      reader.fail(child(path, "mask"), "has " + std::to_string(mask.size()) + " values for " +
                                           std::to_string(column->size()) + " rows",
                  kResaveFix);
    }
    column->setMissing(std::move(mask));
    return column;
  }
  notes.push_back(path + " skipped: encoding '" + encoding + "' is not a column type DiffBio reads");
  return std::nullopt;
}

int codeBytes(std::size_t levels) {
  if (levels <= static_cast<std::size_t>(std::numeric_limits<std::int8_t>::max())) return 1;
  if (levels <= static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) return 2;
  return 4;
}

// anndata stores codes in the smallest signed integer type that holds them.
void writeCodes(Writer& writer, const std::string& path, const std::vector<std::int32_t>& codes, std::size_t levels) {
  switch (codeBytes(levels)) {
    case 1: writer.numbers(path, std::vector<std::int8_t>(codes.begin(), codes.end())); break;
    case 2: writer.numbers(path, std::vector<std::int16_t>(codes.begin(), codes.end())); break;
    default: writer.numbers(path, codes); break;
  }
  setEncoding(writer, path, "array", "0.2.0");
}

void writeCategorical(Writer& writer, const std::string& path, const data::Categorical& categorical) {
  writer.group(path);
  setEncoding(writer, path, "categorical", "0.2.0");
  writer.boolAttribute(path, "ordered", false);
  writer.strings(child(path, "categories"), categorical.levels);
  setEncoding(writer, child(path, "categories"), "string-array", "0.2.0");
  writeCodes(writer, child(path, "codes"), categorical.codes, categorical.levels.size());
}

std::vector<std::uint8_t> missingMask(const data::Column& column) {
  std::vector<std::uint8_t> mask(column.size(), 0);
  bool any = false;
  for (std::size_t i = 0; i < mask.size(); ++i) any |= (mask[i] = column.isMissing(i) ? 1 : 0) != 0;
  if (!any) mask.clear();
  return mask;
}

void writeColumn(Writer& writer, const std::string& group, const data::Column& column) {
  const std::string path = child(group, column.name());
  const std::vector<std::uint8_t> mask = missingMask(column);
  switch (column.type()) {
    case data::ColumnType::String:
      if (mask.empty()) {
        writer.strings(path, column.strings());
        setEncoding(writer, path, "string-array", "0.2.0");
      } else {
        // anndata < 0.11 has no nullable strings; a categorical keeps the missing values as code -1.
        data::Categorical categorical;
        std::unordered_map<std::string, std::int32_t> levelOf;
        for (std::size_t i = 0; i < column.size(); ++i) {
          if (mask[i]) {
            categorical.codes.push_back(-1);
            continue;
          }
          const auto [at, added] =
              levelOf.emplace(column.strings()[i], static_cast<std::int32_t>(categorical.levels.size()));
          if (added) categorical.levels.push_back(column.strings()[i]);
          categorical.codes.push_back(at->second);
        }
        writeCategorical(writer, path, categorical);
      }
      return;
    case data::ColumnType::Float:
      writer.numbers(path, column.floats());
      setEncoding(writer, path, "array", "0.2.0");
      return;
    case data::ColumnType::Int:
    case data::ColumnType::Bool:
      if (mask.empty()) {
        if (column.type() == data::ColumnType::Int) writer.numbers(path, column.ints());
        else writer.bools(path, column.bools());
        setEncoding(writer, path, "array", "0.2.0");
        return;
      }
      writer.group(path);
      setEncoding(writer, path, column.type() == data::ColumnType::Int ? "nullable-integer" : "nullable-boolean",
                  "0.1.0");
      if (column.type() == data::ColumnType::Int) writer.numbers(child(path, "values"), column.ints());
      else writer.bools(child(path, "values"), column.bools());
      writer.bools(child(path, "mask"), mask);
      setEncoding(writer, child(path, "values"), "array", "0.2.0");
      setEncoding(writer, child(path, "mask"), "array", "0.2.0");
      return;
    case data::ColumnType::Categorical: writeCategorical(writer, path, column.categorical()); return;
  }
}

void checkName(const Writer& writer, const std::string& group, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    throw InputError({writer.displayName()}, "the " + group.substr(1) + " column name '" + name +
                                                 "' cannot be stored in HDF5 (empty, '.' or containing '/')",
                     "rename the column before saving");
  }
}

}  // namespace

void setEncoding(Writer& writer, const std::string& object, const std::string& type, const std::string& version) {
  writer.stringAttribute(object, "encoding-type", type);
  writer.stringAttribute(object, "encoding-version", version);
}

std::vector<std::string> readDataframeIndex(const Reader& reader, const std::string& group) {
  requireGroup(reader, group);
  return reader.readStrings(child(group, indexDatasetName(reader, group)));
}

data::Table readDataframe(const Reader& reader, const std::string& group, std::vector<std::string>& notes) {
  requireGroup(reader, group);
  const std::string indexName = indexDatasetName(reader, group);
  data::Table table(reader.readStrings(child(group, indexName)));
  if (indexName != "_index") table.indexName = indexName;
  std::vector<std::string> columns = reader.stringListAttribute(group, "column-order");
  if (!reader.hasAttribute(group, "column-order")) {  // older files: every child but the index
    for (const auto& name : reader.children(group)) {
      if (name != indexName && name != "__categories") columns.push_back(name);
    }
  }
  for (const auto& name : columns) {
    const std::string path = child(group, name);
    std::optional<data::Column> column;
    switch (reader.kind(path)) {
      case ObjectKind::Dataset: column = readDatasetColumn(reader, group, name, notes); break;
      case ObjectKind::Group: column = readGroupColumn(reader, group, name, notes); break;
      default: reader.fail(group, "column-order lists '" + name + "' but there is no such column", kResaveFix);
    }
    if (!column) continue;
    if (column->size() != table.nRows()) {
      reader.fail(path, "has " + std::to_string(column->size()) + " values but the index " +
                            child(group, indexName) + " has " + std::to_string(table.nRows()) + " rows",
                  kResaveFix);
    }
    table.addColumn(std::move(*column));
  }
  return table;
}

void writeDataframe(Writer& writer, const std::string& group, const data::Table& table,
                    const std::vector<std::string>& rowNames) {
  writer.group(group);
  setEncoding(writer, group, "dataframe", "0.2.0");
  std::vector<std::string> columnNames;
  for (const auto& column : table.columns()) {
    checkName(writer, group, column.name());
    columnNames.push_back(column.name());
  }
  // The index dataset must not collide with a column (anndata names an unnamed index "_index").
  std::string indexName = table.indexName;
  if (indexName.empty() || indexName.find('/') != std::string::npos || indexName == "." ||
      std::find(columnNames.begin(), columnNames.end(), indexName) != columnNames.end()) {
    indexName = "_index";
  }
  writer.stringAttribute(group, "_index", indexName);
  if (columnNames.empty()) writer.doubleListAttribute(group, "column-order", {});  // as anndata writes "none"
  else writer.stringListAttribute(group, "column-order", columnNames);
  writer.strings(child(group, indexName), rowNames);
  setEncoding(writer, child(group, indexName), "string-array", "0.2.0");
  for (const auto& column : table.columns()) writeColumn(writer, group, column);
}

}  // namespace diffbio::io::h5
