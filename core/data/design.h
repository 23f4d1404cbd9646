#pragma once
// The design of an experiment: an R-style model formula over a sample sheet, turned into the model matrix that a
// GLM fits (samples x coefficients), with named coefficients, reference levels and contrasts.
//
// Formula syntax, as in R's model.matrix (which DESeq2 uses):
//   ~ condition               one factor, treatment-coded against its reference level
//   ~ batch + condition       several terms
//   ~ a + b + a:b,  ~ a*b     interactions (a*b means a + b + a:b); (a + b):c and a*(b + c) work too
//   ~ 0 + x,  ~ x - 1         no intercept: the first factor then gets one column per level
//   ~ 1                       intercept only (the reduced model of a likelihood-ratio test)
//   `total reads`             backticks quote a column name that is not a plain identifier
//
// Variables: Int and Float columns are numeric covariates (one column, the value itself); String, Categorical and
// Bool columns are factors (DesignOptions::asFactor turns a numeric column, e.g. batch 1/2/3, into a factor).
// Factor levels are the values that occur, sorted ALPHABETICALLY (byte order) -- what R's factor() does with
// character data in the C locale, and so what DESeq2 does when colData holds strings; R in other locales may order
// mixed-case or punctuated levels differently. The first level is the reference, changed per factor with
// DesignOptions::references or setReference("condition", "untreated") (R's relevel: the other levels keep their
// order). Bool columns have levels FALSE, TRUE.
//
// Coding follows R exactly (Chambers & Hastie): terms are ordered by degree (main effects, then two-way
// interactions, ...), formula order within a degree. A factor in a term is coded by treatment contrasts (one column
// per non-reference level) when the term without that factor is the empty term or is contained in an earlier term;
// otherwise by one indicator column per level. Without an intercept, the first factor of the first term that has a
// factor gets one column per level. Interaction columns are products, the first variable varying fastest.
//
// Column names, two spellings:
//   modelMatrixColumnNames(): R's model.matrix names: (Intercept), conditiontreated, conditionB:groupY, x.
//   coefficientNames(): DESeq2's resultsNames(): "Intercept"; a treatment-coded main-effect column is renamed
//     <factor>_<level>_vs_<reference> (condition_treated_vs_untreated); every other name is R's name passed through
//     make.names (':' and other symbols become '.'), e.g. conditionB.groupY, typesingle.read; likewise the whole
//     renamed string (type_single.read_vs_paired.end).
//
// Errors (InputError naming the sheet and the fix): formula syntax, unknown variables (listing the sheet's
// columns), missing values in a design column, a factor with a single level, and a model matrix that is not of full
// column rank (naming the confounded coefficients and the linear relation between them).
#include <Eigen/Core>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/data/table.h"

namespace diffbio::data {

// A parsed formula: the intercept flag and the terms, each term the names of its variables.
struct Formula {
  std::string text;
  bool intercept = true;
  std::vector<std::string> variables;           // in order of first appearance
  std::vector<std::vector<std::string>> terms;  // R's order: by degree, then formula order; variables in that order
};

// Throws InputError (file "design formula") for a syntax error, naming the position and what was expected.
Formula parseFormula(const std::string& text);

struct DesignOptions {
  std::map<std::string, std::string> references;  // factor -> reference level (factors not in the formula: ignored)
  std::set<std::string> asFactor;                 // numeric columns to treat as factors
  std::string sheetPath;                          // names the sheet in error messages
};

struct DesignVariable {
  std::string name;
  bool isFactor = false;
  std::vector<std::string> levels;  // factors: levels[0] is the reference
  std::vector<int> codes;           // factors: level index per sample
  std::vector<double> values;       // numeric covariates: value per sample
};

class Design {
 public:
  // Rows of the model matrix follow the rows of `sheet` (use matchSamples to order them like the count columns).
  Design(const std::string& formula, const Table& sheet, DesignOptions options = {});

  // R's relevel(): makes `level` the reference of `factor` and rebuilds the matrix.
  void setReference(const std::string& factor, const std::string& level);

  const Formula& formula() const { return formula_; }
  const std::vector<std::string>& sampleNames() const { return samples_; }
  const std::vector<DesignVariable>& variables() const { return variables_; }
  const DesignVariable& variable(const std::string& name) const;  // InputError listing the design's variables

  const Eigen::MatrixXd& modelMatrix() const { return matrix_; }  // samples x coefficients
  Eigen::Index nCoefficients() const { return matrix_.cols(); }
  const std::vector<std::string>& coefficientNames() const { return coefficientNames_; }
  const std::vector<std::string>& modelMatrixColumnNames() const { return rNames_; }
  // Accepts either spelling; InputError listing the coefficient names when absent.
  Eigen::Index coefficientIndex(const std::string& name) const;

  // The contrast `numerator` vs `denominator` of `factor`: the difference between the model rows of two samples that
  // differ only in that factor, all other factors at their reference level and numeric covariates at 0. For a main
  // effect this is DESeq2's contrast = c(factor, numerator, denominator): +1/-1 on the two levels' coefficients, a
  // single +1 when the denominator is the reference. InputError for an unknown factor or level.
  Eigen::VectorXd contrast(const std::string& factor, const std::string& numerator,
                           const std::string& denominator) const;
  // "factor,numerator,denominator" (spaces allowed around the commas).
  Eigen::VectorXd contrast(const std::string& spec) const;
  // A unit vector selecting one coefficient (either spelling of its name).
  Eigen::VectorXd coefficientVector(const std::string& name) const;

 private:
  struct Part {        // one factor of a model-matrix column: an indicator of a level, or a numeric value
    int variable = 0;
    int level = -1;    // -1 for a numeric covariate
  };
  using ColumnParts = std::vector<Part>;  // the column is the product of its parts (empty = the intercept)

  void build();
  void checkFullRank() const;
  double evaluate(const ColumnParts& parts, const std::vector<int>& codes, const std::vector<double>& values) const;
  [[noreturn]] void fail(const std::string& problem, const std::string& fix) const;

  Formula formula_;
  DesignOptions options_;
  std::vector<std::string> samples_;
  std::vector<DesignVariable> variables_;  // in the order of formula_.variables
  std::vector<ColumnParts> columns_;
  std::vector<std::string> coefficientNames_;
  std::vector<std::string> rNames_;
  Eigen::MatrixXd matrix_;
};

// R's make.names(): characters other than letters, digits, '.' and '_' become '.', and a name that does not start
// with a letter or a dot followed by a non-digit gets an "X" in front.
std::string makeRName(const std::string& name);

}  // namespace diffbio::data
