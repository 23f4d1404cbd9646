#pragma once
// Reading the reference outputs of R (DESeq2, via write.csv) in the statistics tests.
#include <Eigen/Core>

#include <cmath>
#include <string>

#include "core/io/sample_sheet.h"
#include "test_support.h"

namespace diffbio::test {

// An R write.csv table under ../shared/data: row names first, then typed columns.
inline data::Table readReference(const std::string& relative) { return io::readSampleSheet(sharedData(relative)); }

// A numeric column of such a table; NA becomes NaN.
inline Eigen::VectorXd numericColumn(const data::Table& table, const std::string& name) {
  const data::Column& column = table.column(name);
  Eigen::VectorXd values(static_cast<Eigen::Index>(table.nRows()));
  for (std::size_t r = 0; r < table.nRows(); ++r)
    values[static_cast<Eigen::Index>(r)] = column.number(r).value_or(std::nan(""));
  return values;
}

}  // namespace diffbio::test
