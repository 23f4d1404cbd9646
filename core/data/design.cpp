#include "core/data/design.h"

#include <Eigen/QR>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/util/error.h"

namespace diffbio::data {

// ---------------------------------------------------------------------------------------------------------------
// Formula parsing: a small recursive-descent parser with R's precedence (':' binds tighter than '*', which binds
// tighter than '+' and '-'). Each sub-expression evaluates to a list of terms; a term is a set of variable indices,
// the empty term being the intercept.
// ---------------------------------------------------------------------------------------------------------------
namespace {

using Term = std::vector<int>;  // sorted variable indices; {} = the intercept

struct TermList {
  std::vector<Term> terms;     // without duplicates, in order of appearance
  bool isZero = false;         // the literal 0 ("no intercept")
  bool hasIntercept() const { return std::find(terms.begin(), terms.end(), Term{}) != terms.end(); }
};

void addTerm(std::vector<Term>& terms, const Term& term) {
  if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(term);
}

class FormulaParser {
 public:
  explicit FormulaParser(const std::string& text) : text_(text) {}

  Formula parse() {
    skipSpaces();
    if (!take('~')) fail("a formula starts with '~'", "write it like ~ condition or ~ batch + condition");
    skipSpaces();
    if (pos_ >= text_.size()) fail("nothing after '~'", "name at least one column of the sample sheet: ~ condition");
    TermList body = parseSum();
    skipSpaces();
    if (pos_ < text_.size()) {
      if (isUnsupportedOperator(text_[pos_])) failUnsupported(text_[pos_]);
      fail("unexpected '" + std::string(1, text_[pos_]) + "'", "check the formula syntax");
    }

    // The intercept is implicit unless removed by "0" or "- 1".
    bool intercept = !body.isZero;
    if (dropIntercept_) intercept = false;
    if (addIntercept_) intercept = true;
    Formula formula;
    formula.text = text_;
    formula.intercept = intercept;
    formula.variables = variables_;
    std::vector<Term> terms;
    for (const auto& t : body.terms)
      if (!t.empty()) terms.push_back(t);
    if (terms.empty() && !intercept) {
      fail("the formula has no terms and no intercept", "use ~ 1 for an intercept-only model");
    }
    // R orders terms by degree, keeping formula order within a degree.
    std::stable_sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) { return a.size() < b.size(); });
    for (const auto& t : terms) {
      std::vector<std::string> names;
      for (int v : t) names.push_back(variables_[static_cast<std::size_t>(v)]);
      formula.terms.push_back(std::move(names));
    }
    return formula;
  }

 private:
  TermList parseSum() {
    TermList result = parseProduct();
    for (;;) {
      skipSpaces();
      if (take('+')) {
        TermList rhs = parseProduct();
        if (rhs.isZero) dropIntercept_ = true;
        if (rhs.hasIntercept()) addIntercept_ = true, dropIntercept_ = false;
        for (const auto& t : rhs.terms) addTerm(result.terms, t);
      } else if (take('-')) {
        const std::size_t at = pos_;
        TermList rhs = parseProduct();
        if (rhs.isZero) failAt(at, "'- 0' is not meaningful", "write ~ 0 + x to drop the intercept");
        if (rhs.hasIntercept()) dropIntercept_ = true, addIntercept_ = false;
        for (const auto& t : rhs.terms)
          result.terms.erase(std::remove(result.terms.begin(), result.terms.end(), t), result.terms.end());
      } else {
        return result;
      }
    }
  }

  TermList parseProduct() {
    TermList result = parseInteraction();
    for (;;) {
      skipSpaces();
      const std::size_t at = pos_;
      if (!take('*')) return result;
      TermList rhs = parseInteraction();
      requireVariables(result, at);
      requireVariables(rhs, at);
      TermList combined;
      for (const auto& t : result.terms) addTerm(combined.terms, t);
      for (const auto& t : rhs.terms) addTerm(combined.terms, t);
      for (const auto& t : interact(result, rhs).terms) addTerm(combined.terms, t);
      result = combined;
    }
  }

  TermList parseInteraction() {
    TermList result = parseAtom();
    for (;;) {
      skipSpaces();
      const std::size_t at = pos_;
      if (!take(':')) return result;
      TermList rhs = parseAtom();
      requireVariables(result, at);
      requireVariables(rhs, at);
      result = interact(result, rhs);
    }
  }

  TermList parseAtom() {
    skipSpaces();
    if (pos_ >= text_.size()) fail("the formula ends where a column name is expected", "complete the formula");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      TermList inner = parseSum();
      skipSpaces();
      if (!take(')')) fail("a '(' is not closed", "add the missing ')'");
      return inner;
    }
    if (c == '`') {
      const std::size_t close = text_.find('`', pos_ + 1);
      if (close == std::string::npos) fail("a backtick (`) is not closed", "close the quoted column name with `");
      const std::string name = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      return variableTerm(name);
    }
    if (c == '0' || c == '1') {
      const std::size_t start = pos_++;
      if (pos_ < text_.size() && isNameChar(text_[pos_]))
        failAt(start, "a column name cannot start with a digit", "quote it with backticks: `1st batch`");
      TermList literal;
      if (c == '0') literal.isZero = true;
      else literal.terms.push_back(Term{});
      return literal;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '.' || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && isNameChar(text_[pos_])) ++pos_;
      return variableTerm(text_.substr(start, pos_ - start));
    }
    if (isUnsupportedOperator(c)) failUnsupported(c);
    fail("unexpected '" + std::string(1, c) + "' where a column name is expected", "check the formula syntax");
  }

  TermList interact(const TermList& a, const TermList& b) const {
    TermList out;
    for (const auto& x : a.terms) {
      for (const auto& y : b.terms) {
        Term t = x;
        t.insert(t.end(), y.begin(), y.end());
        std::sort(t.begin(), t.end());
        t.erase(std::unique(t.begin(), t.end()), t.end());
        addTerm(out.terms, t);
      }
    }
    return out;
  }

  void requireVariables(const TermList& list, std::size_t at) const {
    if (list.isZero || list.hasIntercept())
      failAt(at, "0 and 1 cannot be part of an interaction", "interact column names only, e.g. a:b or a*b");
  }

  TermList variableTerm(const std::string& name) {
    auto it = std::find(variables_.begin(), variables_.end(), name);
    if (it == variables_.end()) it = variables_.insert(variables_.end(), name);
    TermList list;
    list.terms.push_back(Term{static_cast<int>(it - variables_.begin())});
    return list;
  }

  static bool isUnsupportedOperator(char c) { return c == '^' || c == '/' || c == '%' || c == '|'; }
  [[noreturn]] void failUnsupported(char c) const {
    fail(std::string("the operator '") + c + "' is not supported",
         "use +, -, : and * (write (a+b)^2 out as a*b, and a/b as a + a:b)");
  }
  static bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_'; }
  void skipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  [[noreturn]] void fail(const std::string& problem, const std::string& fix) const { failAt(pos_, problem, fix); }
  [[noreturn]] void failAt(std::size_t at, const std::string& problem, const std::string& fix) const {
    throw InputError({"design formula"},
                     problem + " at character " + std::to_string(at + 1) + " of '" + text_ + "'", fix);
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  std::vector<std::string> variables_;
  bool dropIntercept_ = false;
  bool addIntercept_ = false;
};

std::string joinNames(const std::vector<std::string>& names, const char* separator = ", ") {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : separator) + n;
  return text;
}

// "a, b and c"
std::string listInProse(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
    text += names[i];
  }
  return text;
}

std::string roundedNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

Formula parseFormula(const std::string& text) { return FormulaParser(text).parse(); }

std::string makeRName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) && u < 128) && c != '.' && c != '_') c = '.';
  }
  const bool validStart =
      !out.empty() && (std::isalpha(static_cast<unsigned char>(out[0])) ||
                       (out[0] == '.' && !(out.size() > 1 && std::isdigit(static_cast<unsigned char>(out[1])))));
  return validStart ? out : "X" + out;
}

// ---------------------------------------------------------------------------------------------------------------
// Design
// ---------------------------------------------------------------------------------------------------------------

Design::Design(const std::string& formula, const Table& sheet, DesignOptions options)
    : formula_(parseFormula(formula)), options_(std::move(options)), samples_(sheet.rowNames()) {
  const std::size_t n = sheet.nRows();
  if (n == 0) fail("the sample sheet has no samples", "load a sample sheet with one row per sample");
  for (const auto& name : formula_.variables) {
    const Column* column = sheet.find(name);
    if (!column) {
      std::vector<std::string> known;
      for (const auto& c : sheet.columns()) known.push_back(c.name());
      fail("the formula names '" + name + "', which is not a column of the sample sheet (columns: " +
               (known.empty() ? std::string("none") : joinNames(known)) + ")",
           "use one of the sheet's column names (names with spaces or symbols go in backticks: `total reads`)");
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (column->isMissing(i)) {
        fail("column '" + name + "' has no value (NA) for sample '" + samples_[i] + "'",
             "fill in the value in the sample sheet, or remove that sample from the sheet and the count table");
      }
    }
    DesignVariable variable;
    variable.name = name;
    const bool numeric = column->type() == ColumnType::Int || column->type() == ColumnType::Float;
    variable.isFactor = !numeric || options_.asFactor.count(name) > 0;
    if (!variable.isFactor) {
      for (std::size_t i = 0; i < n; ++i) {
        variable.values.push_back(*column->number(i));
        if (!std::isfinite(variable.values.back())) {
          fail("column '" + name + "' has the non-finite value " + column->text(i) + " for sample '" + samples_[i] +
                   "'",
               "a numeric covariate needs a finite number for every sample: correct the sample sheet");
        }
      }
    } else {
      // Levels that occur, in R's order: numeric values sort as numbers, text sorts alphabetically (byte order).
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      if (numeric) {
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return *column->number(a) < *column->number(b); });
      } else {
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return column->text(a) < column->text(b); });
      }
      variable.codes.assign(n, -1);
      for (const std::size_t i : order) {
        const std::string text = column->text(i);
        if (variable.levels.empty() || variable.levels.back() != text) variable.levels.push_back(text);
        variable.codes[i] = static_cast<int>(variable.levels.size()) - 1;
      }
      if (variable.levels.size() < 2) {
        fail("factor '" + name + "' has a single level ('" + variable.levels[0] + "') across all " +
                 std::to_string(n) + " samples, so it cannot explain any difference",
             "remove '" + name + "' from the formula, or check the sample sheet");
      }
    }
    variables_.push_back(std::move(variable));
  }
  const std::map<std::string, std::string> references = options_.references;  // setReference records into options_
  for (const auto& [factor, level] : references) {
    const auto it = std::find_if(variables_.begin(), variables_.end(),
                                 [&](const DesignVariable& v) { return v.name == factor; });
    if (it == variables_.end()) continue;  // a reference for a factor this formula does not use is harmless
    setReference(factor, level);
  }
  build();
}

const DesignVariable& Design::variable(const std::string& name) const {
  for (const auto& v : variables_)
    if (v.name == name) return v;
  fail("'" + name + "' is not a variable of the design (variables: " + joinNames(formula_.variables) + ")",
       "use a column named in the formula " + formula_.text);
}

void Design::setReference(const std::string& factor, const std::string& level) {
  const DesignVariable& found = variable(factor);
  if (!found.isFactor) {
    fail("'" + factor + "' is a numeric covariate, which has no reference level",
         "to treat it as a factor, list it in the design options' asFactor");
  }
  DesignVariable& v = variables_[static_cast<std::size_t>(&found - variables_.data())];
  const auto it = std::find(v.levels.begin(), v.levels.end(), level);
  if (it == v.levels.end()) {
    fail("'" + level + "' is not a level of factor '" + factor + "' (levels: " + joinNames(v.levels) + ")",
         "choose one of the levels as the reference");
  }
  // relevel(): the reference moves to the front, the other levels keep their order.
  const int old = static_cast<int>(it - v.levels.begin());
  std::rotate(v.levels.begin(), it, it + 1);
  for (int& code : v.codes) code = code == old ? 0 : (code < old ? code + 1 : code);
  options_.references[factor] = level;
  if (!columns_.empty()) build();  // (the constructor builds once, after applying all references)
}

void Design::build() {
  columns_.clear();
  coefficientNames_.clear();
  rNames_.clear();
  if (formula_.intercept) {
    columns_.push_back({});
    rNames_.push_back("(Intercept)");
    coefficientNames_.push_back("Intercept");
  }
  // Terms as variable indices (formula_.variables and variables_ share their order).
  std::vector<Term> terms;
  for (const auto& names : formula_.terms) {
    Term t;
    for (const auto& name : names)
      t.push_back(static_cast<int>(std::find(formula_.variables.begin(), formula_.variables.end(), name) -
                                   formula_.variables.begin()));
    terms.push_back(t);
  }
  bool fullCodingGiven = formula_.intercept;  // without an intercept, the first factor gets all its levels
  for (std::size_t ti = 0; ti < terms.size(); ++ti) {
    const Term& term = terms[ti];
    // Per variable of the term, the parts it contributes (the choices of the Cartesian product).
    std::vector<std::vector<Part>> choices;
    bool mainEffectByContrasts = false;  // a one-factor term coded against its reference level
    for (const int v : term) {
      const DesignVariable& variable = variables_[static_cast<std::size_t>(v)];
      if (!variable.isFactor) {
        choices.push_back({Part{v, -1}});
        continue;
      }
      // Contrasts when the term without this factor is empty or is contained in an earlier term (R's rule).
      Term margin;
      for (int other : term)
        if (other != v) margin.push_back(other);
      bool contrasts = margin.empty();
      for (std::size_t earlier = 0; earlier < ti && !contrasts; ++earlier)
        contrasts = std::includes(terms[earlier].begin(), terms[earlier].end(), margin.begin(), margin.end());
      if (!fullCodingGiven) {
        contrasts = false;
        fullCodingGiven = true;
      }
      mainEffectByContrasts = term.size() == 1 && contrasts;
      std::vector<Part> parts;
      for (int level = contrasts ? 1 : 0; level < static_cast<int>(variable.levels.size()); ++level)
        parts.push_back(Part{v, level});
      choices.push_back(std::move(parts));
    }
    // Cartesian product, the first variable varying fastest (as R names interaction columns).
    std::vector<std::size_t> index(choices.size(), 0);
    for (;;) {
      ColumnParts parts;
      std::string rName;
      for (std::size_t k = 0; k < choices.size(); ++k) {
        const Part& part = choices[k][index[k]];
        parts.push_back(part);
        const DesignVariable& variable = variables_[static_cast<std::size_t>(part.variable)];
        rName += (k ? ":" : "") + variable.name +
                 (part.level >= 0 ? variable.levels[static_cast<std::size_t>(part.level)] : std::string());
      }
      std::string coefficient = makeRName(rName);
      if (mainEffectByContrasts) {  // DESeq2's <factor>_<level>_vs_<reference>
        const DesignVariable& variable = variables_[static_cast<std::size_t>(parts[0].variable)];
        coefficient = makeRName(variable.name + "_" + variable.levels[static_cast<std::size_t>(parts[0].level)] +
                                "_vs_" + variable.levels[0]);
      }
      columns_.push_back(std::move(parts));
      rNames_.push_back(rName);
      coefficientNames_.push_back(coefficient);
      std::size_t k = 0;
      while (k < choices.size() && ++index[k] == choices[k].size()) index[k++] = 0;
      if (k == choices.size()) break;
    }
  }

  const auto n = static_cast<Eigen::Index>(samples_.size());
  matrix_.resize(n, static_cast<Eigen::Index>(columns_.size()));
  std::vector<int> codes(variables_.size());
  std::vector<double> values(variables_.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    for (std::size_t v = 0; v < variables_.size(); ++v) {
      codes[v] = variables_[v].isFactor ? variables_[v].codes[static_cast<std::size_t>(i)] : 0;
      values[v] = variables_[v].isFactor ? 0.0 : variables_[v].values[static_cast<std::size_t>(i)];
    }
    for (std::size_t j = 0; j < columns_.size(); ++j)
      matrix_(i, static_cast<Eigen::Index>(j)) = evaluate(columns_[j], codes, values);
  }

  for (std::size_t j = 0; j < coefficientNames_.size(); ++j) {
    for (std::size_t k = 0; k < j; ++k) {
      if (coefficientNames_[k] == coefficientNames_[j]) {
        fail("the coefficients '" + rNames_[k] + "' and '" + rNames_[j] + "' get the same name '" +
                 coefficientNames_[j] + "'",
             "rename the levels or columns so that they differ in letters or digits, not only in symbols");
      }
    }
  }
  checkFullRank();
}

double Design::evaluate(const ColumnParts& parts, const std::vector<int>& codes,
                        const std::vector<double>& values) const {
  double x = 1.0;
  for (const Part& part : parts) {
    const auto v = static_cast<std::size_t>(part.variable);
    x *= part.level >= 0 ? (codes[v] == part.level ? 1.0 : 0.0) : values[v];
  }
  return x;
}

void Design::checkFullRank() const {
  const Eigen::Index n = matrix_.rows();
  const Eigen::Index p = matrix_.cols();
  if (p > n) {
    fail("the design has " + std::to_string(p) + " coefficients (" + joinNames(coefficientNames_) + ") but only " +
             std::to_string(n) + " samples, so they cannot all be estimated",
         "use a simpler formula (fewer terms or interactions) or more samples");
  }
  std::vector<Eigen::Index> accepted;
  for (Eigen::Index j = 0; j < p; ++j) {
    const Eigen::VectorXd column = matrix_.col(j);
    const double norm = column.norm();
    if (norm == 0.0) {
      std::vector<std::string> conditions;
      for (const Part& part : columns_[static_cast<std::size_t>(j)]) {
        const DesignVariable& v = variables_[static_cast<std::size_t>(part.variable)];
        conditions.push_back(part.level >= 0 ? v.name + " '" + v.levels[static_cast<std::size_t>(part.level)] + "'"
                                             : "a non-zero " + v.name);
      }
      fail("the coefficient " + coefficientNames_[static_cast<std::size_t>(j)] +
               " is zero for every sample: no sample has " + listInProse(conditions),
           "remove the interaction from the formula, or add samples with that combination");
    }
    if (!accepted.empty()) {
      Eigen::MatrixXd basis(n, static_cast<Eigen::Index>(accepted.size()));
      for (std::size_t k = 0; k < accepted.size(); ++k) basis.col(static_cast<Eigen::Index>(k)) = matrix_.col(accepted[k]);
      const Eigen::VectorXd weights = basis.colPivHouseholderQr().solve(column);
      if ((basis * weights - column).norm() <= 1e-9 * norm) {
        // Name the columns this one is a combination of, and show the relation.
        std::vector<std::string> involved, leading;
        std::string relation = coefficientNames_[static_cast<std::size_t>(j)] + " =";
        bool firstTerm = true;
        for (std::size_t k = 0; k < accepted.size(); ++k) {
          const double w = weights(static_cast<Eigen::Index>(k));
          if (std::fabs(w) * basis.col(static_cast<Eigen::Index>(k)).norm() <= 1e-9 * norm) continue;
          const std::string& name = coefficientNames_[static_cast<std::size_t>(accepted[k])];
          involved.push_back(name);
          const double magnitude = std::fabs(w);
          relation += std::string(firstTerm ? (w < 0 ? " -" : "") : (w < 0 ? " -" : " +")) + " " +
                      (std::fabs(magnitude - 1.0) < 1e-9 ? std::string() : roundedNumber(magnitude) + " * ") + name;
          firstTerm = false;
        }
        involved.push_back(coefficientNames_[static_cast<std::size_t>(j)]);
        for (const auto& name : involved)
          if (name != "Intercept") leading.push_back(name);
        if (leading.size() < 2) leading = involved;
        fail(listInProse(leading) + " are confounded: " + relation +
                 " in every sample, so their effects cannot be told apart",
             "remove one of these variables from the formula, or add samples that separate them (for example, "
             "every condition within every batch)");
      }
    }
    accepted.push_back(j);
  }
}

Eigen::Index Design::coefficientIndex(const std::string& name) const {
  for (std::size_t j = 0; j < coefficientNames_.size(); ++j)
    if (coefficientNames_[j] == name || rNames_[j] == name) return static_cast<Eigen::Index>(j);
  fail("the design has no coefficient '" + name + "' (coefficients: " + joinNames(coefficientNames_) + ")",
       "use one of the coefficient names");
}

Eigen::VectorXd Design::coefficientVector(const std::string& name) const {
  Eigen::VectorXd c = Eigen::VectorXd::Zero(nCoefficients());
  c(coefficientIndex(name)) = 1.0;
  return c;
}

Eigen::VectorXd Design::contrast(const std::string& factor, const std::string& numerator,
                                 const std::string& denominator) const {
  const DesignVariable& v = variable(factor);
  if (!v.isFactor) {
    fail("'" + factor + "' is a numeric covariate, not a factor with levels",
         "use its coefficient '" + makeRName(factor) + "' instead of a level contrast");
  }
  auto levelIndex = [&](const std::string& level) {
    const auto it = std::find(v.levels.begin(), v.levels.end(), level);
    if (it == v.levels.end()) {
      fail("'" + level + "' is not a level of factor '" + factor + "' (levels: " + joinNames(v.levels) + ")",
           "write the contrast as factor,numerator,denominator with two of these levels");
    }
    return static_cast<int>(it - v.levels.begin());
  };
  const int num = levelIndex(numerator);
  const int den = levelIndex(denominator);
  if (num == den) fail("the contrast compares level '" + numerator + "' with itself", "choose two different levels");

  const auto f = static_cast<std::size_t>(&v - variables_.data());
  std::vector<int> codes(variables_.size(), 0);  // every other factor at its reference level
  std::vector<double> values(variables_.size(), 0.0);
  Eigen::VectorXd c(nCoefficients());
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    codes[f] = num;
    const double high = evaluate(columns_[j], codes, values);
    codes[f] = den;
    c(static_cast<Eigen::Index>(j)) = high - evaluate(columns_[j], codes, values);
  }
  if (c.isZero()) {
    fail("no coefficient of this design separates '" + numerator + "' from '" + denominator + "' of " + factor,
         "add " + factor + " to the formula as a main effect");
  }
  return c;
}

Eigen::VectorXd Design::contrast(const std::string& spec) const {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = spec.find(',', start);
    std::string part = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = part.find_first_not_of(" \t");
    const auto last = part.find_last_not_of(" \t");
    parts.push_back(first == std::string::npos ? std::string() : part.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    fail("the contrast '" + spec + "' is not of the form factor,numerator,denominator",
         "write e.g. condition,treated,untreated");
  }
  return contrast(parts[0], parts[1], parts[2]);
}

void Design::fail(const std::string& problem, const std::string& fix) const {
  throw InputError({options_.sheetPath.empty() ? "design " + formula_.text : options_.sheetPath}, problem, fix);
}

}  // namespace diffbio::data
