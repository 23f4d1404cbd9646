#pragma once
// A table with typed, named columns: sample sheets, obs/var annotations and result tables.
// Missing values: NaN for Float, a missing mask for String/Int/Bool, code -1 for Categorical.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace diffbio::data {

enum class ColumnType { String, Int, Float, Bool, Categorical };
const char* columnTypeName(ColumnType type);

struct Categorical {
  std::vector<std::int32_t> codes;   // index into levels; -1 = missing
  std::vector<std::string> levels;   // in level order (the first is the reference level unless changed)
};

class Column {
 public:
  using Storage = std::variant<std::vector<std::string>, std::vector<std::int64_t>, std::vector<double>,
                               std::vector<std::uint8_t>, Categorical>;

  Column(std::string name, std::vector<std::string> values);
  Column(std::string name, std::vector<std::int64_t> values);
  Column(std::string name, std::vector<double> values);
  static Column boolean(std::string name, std::vector<std::uint8_t> values);
  Column(std::string name, Categorical values);

  const std::string& name() const { return name_; }
  ColumnType type() const;
  std::size_t size() const;

  const std::vector<std::string>& strings() const { return std::get<std::vector<std::string>>(data_); }
  const std::vector<std::int64_t>& ints() const { return std::get<std::vector<std::int64_t>>(data_); }
  const std::vector<double>& floats() const { return std::get<std::vector<double>>(data_); }
  const std::vector<std::uint8_t>& bools() const { return std::get<std::vector<std::uint8_t>>(data_); }
  const Categorical& categorical() const { return std::get<Categorical>(data_); }

  // Missing-value mask for String/Int/Bool (empty = nothing missing).
  void setMissing(std::vector<std::uint8_t> missing) { missing_ = std::move(missing); }
  bool isMissing(std::size_t row) const;

  std::string text(std::size_t row) const;   // value as text ("NA" when missing); floats in shortest exact form
  std::optional<double> number(std::size_t row) const;  // Int/Float/Bool as double; nullopt when missing or text

 private:
  std::string name_;
  Storage data_;
  std::vector<std::uint8_t> missing_;
};

class Table {
 public:
  Table() = default;
  explicit Table(std::vector<std::string> rowNames) : rowNames_(std::move(rowNames)) {}

  std::size_t nRows() const { return rowNames_.size(); }
  std::size_t nColumns() const { return columns_.size(); }
  const std::vector<std::string>& rowNames() const { return rowNames_; }
  void setRowNames(std::vector<std::string> names);  // must keep nRows (or set it, on an empty table)
  std::string indexName = "";                          // header of the row-name column when written ("" = none)

  void addColumn(Column column);                       // throws std::invalid_argument on a size or name clash
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(std::size_t i) const { return columns_.at(i); }
  const Column* find(const std::string& name) const;  // nullptr when absent
  const Column& column(const std::string& name) const;  // throws std::out_of_range naming the column

  Table selectRows(const std::vector<std::size_t>& rows) const;

 private:
  std::vector<std::string> rowNames_;
  std::vector<Column> columns_;
};

// Builds a categorical column from text, levels in first-appearance order or in the given order.
Categorical makeCategorical(const std::vector<std::string>& values,
                            const std::vector<std::string>& levelOrder = {});
// Shortest text that reads back to the same double ("%.17g" trimmed); used by every writer.
std::string formatNumber(double value);

}  // namespace diffbio::data
