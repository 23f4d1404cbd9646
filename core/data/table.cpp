#include "core/data/table.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace diffbio::data {

const char* columnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::String: return "string";
    case ColumnType::Int: return "int";
    case ColumnType::Float: return "float";
    case ColumnType::Bool: return "bool";
    case ColumnType::Categorical: return "categorical";
  }
  return "?";
}

Column::Column(std::string name, std::vector<std::string> values) : name_(std::move(name)), data_(std::move(values)) {}
Column::Column(std::string name, std::vector<std::int64_t> values) : name_(std::move(name)), data_(std::move(values)) {}
Column::Column(std::string name, std::vector<double> values) : name_(std::move(name)), data_(std::move(values)) {}
Column::Column(std::string name, Categorical values) : name_(std::move(name)), data_(std::move(values)) {}

Column Column::boolean(std::string name, std::vector<std::uint8_t> values) {
  Column column(std::move(name), std::vector<std::string>{});
  column.data_ = std::move(values);
  return column;
}

ColumnType Column::type() const { return static_cast<ColumnType>(data_.index()); }

std::size_t Column::size() const {
  return std::visit(
      [](const auto& v) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Categorical>) return v.codes.size();
        else return v.size();
      },
      data_);
}

bool Column::isMissing(std::size_t row) const {
  switch (type()) {
    case ColumnType::Float: return std::isnan(floats()[row]);
    case ColumnType::Categorical: return categorical().codes[row] < 0;
    default: return !missing_.empty() && missing_[row] != 0;
  }
}

std::string Column::text(std::size_t row) const {
  if (isMissing(row)) return "NA";
  switch (type()) {
    case ColumnType::String: return strings()[row];
    case ColumnType::Int: return std::to_string(ints()[row]);
    case ColumnType::Float: return formatNumber(floats()[row]);
    case ColumnType::Bool: return bools()[row] ? "TRUE" : "FALSE";
    case ColumnType::Categorical: return categorical().levels[categorical().codes[row]];
  }
  return {};
}

std::optional<double> Column::number(std::size_t row) const {
  if (isMissing(row)) return std::nullopt;
  switch (type()) {
    case ColumnType::Int: return static_cast<double>(ints()[row]);
    case ColumnType::Float: return floats()[row];
    case ColumnType::Bool: return bools()[row] ? 1.0 : 0.0;
    default: return std::nullopt;
  }
}

void Table::setRowNames(std::vector<std::string> names) {
  if (!columns_.empty() && names.size() != rowNames_.size())
    throw std::invalid_argument("Table::setRowNames: row count changes from " + std::to_string(rowNames_.size()) +
                                " to " + std::to_string(names.size()));
  rowNames_ = std::move(names);
}

void Table::addColumn(Column column) {
  if (columns_.empty() && rowNames_.empty() && column.size() > 0) {
    rowNames_.reserve(column.size());
    for (std::size_t i = 0; i < column.size(); ++i) rowNames_.push_back(std::to_string(i));
  }
  if (column.size() != nRows())
    throw std::invalid_argument("Table: column '" + column.name() + "' has " + std::to_string(column.size()) +
                                " values for " + std::to_string(nRows()) + " rows");
  if (find(column.name())) throw std::invalid_argument("Table: duplicate column '" + column.name() + "'");
  columns_.push_back(std::move(column));
}

const Column* Table::find(const std::string& name) const {
  for (const auto& c : columns_)
    if (c.name() == name) return &c;
  return nullptr;
}

const Column& Table::column(const std::string& name) const {
  if (const Column* c = find(name)) return *c;
  std::string known;
  for (const auto& c : columns_) known += (known.empty() ? "" : ", ") + c.name();
  throw std::out_of_range("no column '" + name + "' (columns: " + known + ")");
}

namespace {
template <typename T>
std::vector<T> pick(const std::vector<T>& values, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (auto r : rows) out.push_back(values.at(r));
  return out;
}
}  // namespace

Table Table::selectRows(const std::vector<std::size_t>& rows) const {
  Table out(pick(rowNames_, rows));
  out.indexName = indexName;
  for (const auto& c : columns_) {
    std::vector<std::uint8_t> missing;
    if (c.type() == ColumnType::String || c.type() == ColumnType::Int || c.type() == ColumnType::Bool) {
      missing.reserve(rows.size());
      for (auto r : rows) missing.push_back(c.isMissing(r) ? 1 : 0);
    }
    switch (c.type()) {
      case ColumnType::String: out.columns_.emplace_back(c.name(), pick(c.strings(), rows)); break;
      case ColumnType::Int: out.columns_.emplace_back(c.name(), pick(c.ints(), rows)); break;
      case ColumnType::Float: out.columns_.emplace_back(c.name(), pick(c.floats(), rows)); break;
      case ColumnType::Bool: out.columns_.push_back(Column::boolean(c.name(), pick(c.bools(), rows))); break;
      case ColumnType::Categorical: {
        Categorical cat{pick(c.categorical().codes, rows), c.categorical().levels};
        out.columns_.emplace_back(c.name(), std::move(cat));
        break;
      }
    }
    if (!missing.empty()) out.columns_.back().setMissing(std::move(missing));
  }
  return out;
}

Categorical makeCategorical(const std::vector<std::string>& values, const std::vector<std::string>& levelOrder) {
  Categorical cat;
  std::unordered_map<std::string, std::int32_t> index;
  for (const auto& level : levelOrder) {
    index.emplace(level, static_cast<std::int32_t>(cat.levels.size()));
    cat.levels.push_back(level);
  }
  cat.codes.reserve(values.size());
  for (const auto& v : values) {
    if (v == "NA" || v.empty()) {
      cat.codes.push_back(-1);
      continue;
    }
    auto it = index.find(v);
    if (it == index.end()) {
      if (!levelOrder.empty()) throw std::invalid_argument("value '" + v + "' is not one of the given levels");
      it = index.emplace(v, static_cast<std::int32_t>(cat.levels.size())).first;
      cat.levels.push_back(v);
    }
    cat.codes.push_back(it->second);
  }
  return cat;
}

std::string formatNumber(double value) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  char buffer[32];
  // Shortest representation that reads back exactly (C++17 to_chars).
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace diffbio::data
