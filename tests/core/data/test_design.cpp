// Design: formulas -> model matrices with R's coding and DESeq2's coefficient names, checked against the model
// matrices R wrote for PyDESeq2's interaction tests and DESeq2's coefficient names on pasilla; contrasts; errors.
#include "test_support.h"

#include <cmath>

#include "core/data/design.h"
#include "core/io/delimited_fields.h"
#include "core/io/sample_sheet.h"
#include "core/io/text_source.h"

using diffbio::data::Design;
using diffbio::data::DesignOptions;
using diffbio::data::parseFormula;
using diffbio::data::Table;
using diffbio::test::sharedData;

namespace {

const std::vector<std::string> kPasillaColumns{"untreated1", "untreated2", "untreated3", "untreated4",
                                               "treated1",   "treated2",   "treated3"};

Table pasillaSheet() {
  const std::string path = sharedData("pasilla/pasilla_sample_annotation.csv");
  return diffbio::io::matchSamples(diffbio::io::readSampleSheet(path), kPasillaColumns, path).sheet;
}

Table pydeseq2Metadata(const std::string& relative = "datasets/synthetic/test_metadata.csv") {
  return diffbio::io::readSampleSheet(sharedData("pydeseq2_synthetic/" + relative));
}

Table smallSheet(const std::vector<std::string>& condition, const std::vector<std::string>& batch) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < condition.size(); ++i) names.push_back("s" + std::to_string(i + 1));
  Table sheet(names);
  sheet.addColumn(diffbio::data::Column("condition", diffbio::data::makeCategorical(condition)));
  sheet.addColumn(diffbio::data::Column("batch", diffbio::data::makeCategorical(batch)));
  return sheet;
}

// The first line of a CSV written by R, unquoted.
std::vector<std::string> csvHeader(const std::string& path) {
  diffbio::io::DelimitedLines lines(path);
  std::vector<std::string_view> fields;
  if (!lines.next(fields)) return {};
  return {fields.begin(), fields.end()};
}

// Compares a design with the model matrix R wrote (rows = samples, first column = sample names).
void compareWithR(const Design& design, const std::string& rMatrixPath) {
  const Table r = diffbio::io::readSampleSheet(rMatrixPath);
  QCOMPARE(r.rowNames(), design.sampleNames());
  std::vector<std::string> rNames;
  for (const auto& c : r.columns()) rNames.push_back(c.name());
  QCOMPARE(design.modelMatrixColumnNames(), rNames);
  const Eigen::MatrixXd& x = design.modelMatrix();
  QCOMPARE(x.rows(), static_cast<Eigen::Index>(r.nRows()));
  QCOMPARE(x.cols(), static_cast<Eigen::Index>(r.nColumns()));
  for (std::size_t j = 0; j < r.nColumns(); ++j)
    for (std::size_t i = 0; i < r.nRows(); ++i)
      QCOMPARE(x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), *r.column(j).number(i));
}

}  // namespace

class DesignTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parsesFormulas() {
    auto terms = [](const std::string& text) {
      const auto f = parseFormula(text);
      std::string out = f.intercept ? "1" : "0";
      for (const auto& t : f.terms) {
        out += " +";
        for (std::size_t k = 0; k < t.size(); ++k) out += (k ? ":" : " ") + t[k];
      }
      return out;
    };
    QCOMPARE(terms("~ condition"), std::string("1 + condition"));
    QCOMPARE(terms("~batch+condition"), std::string("1 + batch + condition"));
    QCOMPARE(terms("~ a + b + a:b"), std::string("1 + a + b + a:b"));
    QCOMPARE(terms("~ a*b"), std::string("1 + a + b + a:b"));
    QCOMPARE(terms("~ a:b + c"), std::string("1 + c + a:b"));  // R orders terms by degree
    QCOMPARE(terms("~ a*b*c"), std::string("1 + a + b + c + a:b + a:c + b:c + a:b:c"));
    QCOMPARE(terms("~ a*(b + c)"), std::string("1 + a + b + c + a:b + a:c"));
    QCOMPARE(terms("~ (a + b):c"), std::string("1 + a:c + b:c"));
    QCOMPARE(terms("~ 0 + x"), std::string("0 + x"));
    QCOMPARE(terms("~ x - 1"), std::string("0 + x"));
    QCOMPARE(terms("~ x + 0"), std::string("0 + x"));
    QCOMPARE(terms("~ 1"), std::string("1"));
    QCOMPARE(terms("~ a*b - a:b"), std::string("1 + a + b"));
    QCOMPARE(terms("~ a + a"), std::string("1 + a"));
    QCOMPARE(terms("~ `number of lanes` + x.y_z"), std::string("1 + number of lanes + x.y_z"));
  }

  void formulaErrors() {
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("condition"), "a formula starts with '~' at character 1");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ a +"), "the formula ends where a column name is expected");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ a + b)"), "unexpected ')' at character 8 of '~ a + b)'");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ (a + b"), "a '(' is not closed");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ (a+b)^2"), "the operator '^' is not supported");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ 0"), "the formula has no terms and no intercept");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ a:1"), "0 and 1 cannot be part of an interaction");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~ `a"), "a backtick (`) is not closed");
    DIFFBIO_EXPECT_INPUT_ERROR(parseFormula("~"), "nothing after '~'");
  }

  void pasillaTypeAndCondition() {
    // DESeq2 with condition relevelled to untreated; type levels alphabetical: paired-end is the reference.
    Design design("~ type + condition", pasillaSheet());
    QCOMPARE(design.coefficientNames(), (std::vector<std::string>{"Intercept", "type_single.read_vs_paired.end",
                                                                  "condition_untreated_vs_treated"}));
    design.setReference("condition", "untreated");
    QCOMPARE(design.coefficientNames(), (std::vector<std::string>{"Intercept", "type_single.read_vs_paired.end",
                                                                  "condition_treated_vs_untreated"}));
    QCOMPARE(design.modelMatrixColumnNames(),
             (std::vector<std::string>{"(Intercept)", "typesingle-read", "conditiontreated"}));
    QCOMPARE(design.sampleNames(), kPasillaColumns);
    Eigen::MatrixXd expected(7, 3);
    expected << 1, 1, 0,   // untreated1 single-read
                1, 1, 0,   // untreated2 single-read
                1, 0, 0,   // untreated3 paired-end
                1, 0, 0,   // untreated4 paired-end
                1, 1, 1,   // treated1 single-read
                1, 0, 1,   // treated2 paired-end
                1, 0, 1;   // treated3 paired-end
    QCOMPARE(design.modelMatrix(), expected);
    QCOMPARE(design.variable("type").levels, (std::vector<std::string>{"paired-end", "single-read"}));
    QCOMPARE(design.variable("condition").levels, (std::vector<std::string>{"untreated", "treated"}));
    // The contrast DESeq2's reference results used: condition treated vs untreated.
    QCOMPARE(design.contrast("condition,treated,untreated"), Eigen::Vector3d(0, 0, 1).eval());
    QCOMPARE(design.contrast("condition", "untreated", "treated"), Eigen::Vector3d(0, 0, -1).eval());
    QCOMPARE(design.coefficientIndex("condition_treated_vs_untreated"), Eigen::Index(2));
    QCOMPARE(design.coefficientIndex("conditiontreated"), Eigen::Index(2));  // R's spelling works too
  }

  void deseq2CoefficientNamesOnItsColData() {
    // coldata_used.csv has DESeq2's levels (type single/paired, single the reference): our names must equal the
    // header DESeq2 wrote for coef(dds) on ~ type + condition.
    const std::string ref = "pasilla/deseq2_1.38.3_reference/";
    DesignOptions options;
    options.references = {{"type", "single"}, {"condition", "untreated"}};
    options.sheetPath = sharedData(ref + "coldata_used.csv");
    const Design design("~ type + condition", diffbio::io::readSampleSheet(options.sheetPath), options);
    std::vector<std::string> header = csvHeader(sharedData(ref + "design_type_condition_coef_natural_log2.csv.gz"));
    header.erase(header.begin());  // the gene-name column
    QCOMPARE(design.coefficientNames(), header);
    QCOMPARE(design.modelMatrix().col(1), (Eigen::VectorXd(7) << 0, 0, 1, 1, 0, 1, 1).finished());
    const Design single("~ condition", diffbio::io::readSampleSheet(options.sheetPath), options);
    std::vector<std::string> singleHeader = csvHeader(sharedData(ref + "design_condition_coef_natural_log2.csv.gz"));
    singleHeader.erase(singleHeader.begin());
    QCOMPARE(single.coefficientNames(), singleHeader);
  }

  void interactionsMatchR() {
    // R's model.matrix for PyDESeq2's interaction tests: a factor whose main effect is absent is coded by all levels.
    const std::string dir = sharedData("pydeseq2_synthetic/tests/data/interactions/");
    const Design a("~ condition + condition:group", pydeseq2Metadata());
    compareWithR(a, dir + "r_design_matrix_condition+group_condition.csv");
    QCOMPARE(a.coefficientNames(), (std::vector<std::string>{"Intercept", "condition_B_vs_A", "conditionA.groupY",
                                                             "conditionB.groupY"}));
    const Design b("~ group + condition:group", pydeseq2Metadata());
    compareWithR(b, dir + "r_design_matrix_group_condition+group.csv");
    QCOMPARE(b.coefficientNames(), (std::vector<std::string>{"Intercept", "group_Y_vs_X", "groupX.conditionB",
                                                             "groupY.conditionB"}));
    // "cell BY vs cell AX" of the upstream test, as a contrast over b's coefficients: group Y + B within Y.
    const Eigen::VectorXd by = b.coefficientVector("group_Y_vs_X") + b.coefficientVector("groupY.conditionB");
    QCOMPARE(b.modelMatrix().row(1).dot(by), 1.0);  // sample2 is A/Y
  }

  void starEqualsExpandedForm() {
    const Table sheet = pydeseq2Metadata();
    const Design star("~ condition*group", sheet);
    const Design expanded("~ condition + group + condition:group", sheet);
    QCOMPARE(star.modelMatrix(), expanded.modelMatrix());
    QCOMPARE(star.coefficientNames(), (std::vector<std::string>{"Intercept", "condition_B_vs_A", "group_Y_vs_X",
                                                                "conditionB.groupY"}));
    // sample1 A/X, sample2 A/Y; B starts at sample51.
    QCOMPARE(star.modelMatrix().row(1), (Eigen::RowVector4d(1, 0, 1, 0)));
    const Eigen::Index b = 50;
    QCOMPARE(star.sampleNames()[static_cast<std::size_t>(b)], std::string("sample51"));
    QCOMPARE(star.modelMatrix()(b, 1), 1.0);
    // Main-effect contrast with an interaction: the effect at the reference level of the other factor.
    QCOMPARE(star.contrast("condition,B,A"), Eigen::Vector4d(0, 1, 0, 0).eval());
  }

  void noIntercept() {
    const Table sheet = pydeseq2Metadata();
    const Design zero("~ 0 + condition + group", sheet);
    const Design minus("~ condition + group - 1", sheet);
    QCOMPARE(zero.modelMatrixColumnNames(), (std::vector<std::string>{"conditionA", "conditionB", "groupY"}));
    QCOMPARE(zero.coefficientNames(), (std::vector<std::string>{"conditionA", "conditionB", "group_Y_vs_X"}));
    QCOMPARE(zero.modelMatrix(), minus.modelMatrix());
    QCOMPARE(zero.modelMatrix().col(0).sum() + zero.modelMatrix().col(1).sum(), 100.0);
    QCOMPARE(zero.contrast("condition,B,A"), Eigen::Vector3d(-1, 1, 0).eval());
  }

  void numericCovariate() {
    const Table sheet = pydeseq2Metadata("tests/data/continuous/test_metadata.csv");
    const Design design("~ group + condition + measurement", sheet);
    QCOMPARE(design.coefficientNames(),
             (std::vector<std::string>{"Intercept", "group_Y_vs_X", "condition_B_vs_A", "measurement"}));
    QCOMPARE(design.modelMatrix()(0, 3), -0.164523596253587);
    QCOMPARE(design.modelMatrix()(2, 3), 0.696963375404737);
    QVERIFY(!design.variable("measurement").isFactor);
    // The upstream test's contrast is the last coefficient.
    QCOMPARE(design.coefficientVector("measurement"), Eigen::Vector4d(0, 0, 0, 1).eval());
    DIFFBIO_EXPECT_INPUT_ERROR(design.contrast("measurement,1,0"), "'measurement' is a numeric covariate");
  }

  void threeLevelContrasts() {
    const Table sheet = smallSheet({"ctl", "ctl", "drugA", "drugA", "drugB", "drugB"}, {"x", "y", "x", "y", "x", "y"});
    Design design("~ batch + condition", sheet);
    QCOMPARE(design.coefficientNames(), (std::vector<std::string>{"Intercept", "batch_y_vs_x", "condition_drugA_vs_ctl",
                                                                  "condition_drugB_vs_ctl"}));
    // Neither level the reference: drugB vs drugA = (drugB - ctl) - (drugA - ctl).
    QCOMPARE(design.contrast("condition, drugB , drugA"), Eigen::Vector4d(0, 0, -1, 1).eval());
    QCOMPARE(design.contrast("condition,drugA,ctl"), Eigen::Vector4d(0, 0, 1, 0).eval());
    design.setReference("condition", "drugB");  // relevel: ctl and drugA keep their order
    QCOMPARE(design.coefficientNames(), (std::vector<std::string>{"Intercept", "batch_y_vs_x", "condition_ctl_vs_drugB",
                                                                  "condition_drugA_vs_drugB"}));
    QCOMPARE(design.contrast("condition,drugB,drugA"), Eigen::Vector4d(0, 0, 0, -1).eval());
    DIFFBIO_EXPECT_INPUT_ERROR(design.contrast("condition,drugC,ctl"),
                               "'drugC' is not a level of factor 'condition' (levels: drugB, ctl, drugA)");
    DIFFBIO_EXPECT_INPUT_ERROR(design.contrast("condition,ctl,ctl"), "compares level 'ctl' with itself");
    DIFFBIO_EXPECT_INPUT_ERROR(design.contrast("condition,ctl"), "is not of the form factor,numerator,denominator");
    DIFFBIO_EXPECT_INPUT_ERROR(design.contrast("dose,a,b"), "'dose' is not a variable of the design");
    DIFFBIO_EXPECT_INPUT_ERROR(design.setReference("condition", "none"), "'none' is not a level");
    DIFFBIO_EXPECT_INPUT_ERROR(design.coefficientIndex("conditionX"),
                               "the design has no coefficient 'conditionX' (coefficients: Intercept, batch_y_vs_x");
  }

  void levelsAreAlphabetical() {
    const Table sheet = smallSheet({"wt", "wt", "Mut", "Mut", "ko", "ko"}, {"2", "10", "2", "10", "2", "10"});
    const Design design("~ condition", sheet);
    QCOMPARE(design.variable("condition").levels, (std::vector<std::string>{"Mut", "ko", "wt"}));  // byte order
    // A numeric column made a factor sorts its levels as numbers.
    Table numeric(std::vector<std::string>{"a", "b", "c", "d"});
    numeric.addColumn(diffbio::data::Column("batch", std::vector<std::int64_t>{10, 2, 10, 9}));
    DesignOptions options;
    options.asFactor = {"batch"};
    const Design batch("~ batch", numeric, options);
    QCOMPARE(batch.variable("batch").levels, (std::vector<std::string>{"2", "9", "10"}));
    QCOMPARE(batch.coefficientNames(), (std::vector<std::string>{"Intercept", "batch_9_vs_2", "batch_10_vs_2"}));
    QCOMPARE(batch.modelMatrix().col(2), Eigen::Vector4d(1, 0, 1, 0).eval());
  }

  void confoundingIsReported() {
    // Batch b holds exactly the treated samples.
    const Table same = smallSheet({"untreated", "untreated", "treated", "treated"}, {"a", "a", "b", "b"});
    DIFFBIO_EXPECT_INPUT_ERROR(
        Design("~ batch + condition", same),
        "batch_b_vs_a and condition_untreated_vs_treated are confounded: condition_untreated_vs_treated = "
        "Intercept - batch_b_vs_a in every sample");
    DesignOptions options;
    options.references = {{"condition", "untreated"}};
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ batch + condition", same, options),
                               "batch_b_vs_a and condition_treated_vs_untreated are confounded: "
                               "condition_treated_vs_untreated = batch_b_vs_a in every sample");
    // An interaction cell with no sample.
    const Table missingCell = smallSheet({"A", "A", "B", "B", "B"}, {"x", "y", "x", "x", "x"});
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ condition*batch", missingCell),
                               "the coefficient conditionB.batchy is zero for every sample: no sample has condition "
                               "'B' and batch 'y'");
    // More coefficients than samples.
    const Table tiny = smallSheet({"A", "B"}, {"x", "y"});
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ condition + batch", tiny), "the design has 3 coefficients");
  }

  void sheetErrors() {
    const Table sheet = pasillaSheet();
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ treatment", sheet),
                               "the formula names 'treatment', which is not a column of the sample sheet (columns: "
                               "condition, type, number of lanes, total number of reads, exon counts)");
    // One level only among the chosen samples.
    const Table treated = sheet.selectRows({4, 5, 6});
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ condition", treated),
                               "factor 'condition' has a single level ('treated') across all 3 samples");
    // A missing value in a design column.
    const Table gap = smallSheet({"A", "", "B", "B"}, {"x", "y", "x", "y"});
    DesignOptions options;
    options.sheetPath = "samples.csv";
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ condition", gap, options),
                               "samples.csv: column 'condition' has no value (NA) for sample 's2'");
    Table infinite(std::vector<std::string>{"a", "b", "c"});
    infinite.addColumn(diffbio::data::Column("dose", std::vector<double>{1.0, HUGE_VAL, 2.0}));
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ dose", infinite), "column 'dose' has the non-finite value Inf for sample 'b'");
    DIFFBIO_EXPECT_INPUT_ERROR(Design("~ type", sheet).setReference("type", "single"),
                               "'single' is not a level of factor 'type' (levels: paired-end, single-read)");
  }

  void rNames() {
    QCOMPARE(diffbio::data::makeRName("type_single-read_vs_paired-end"), std::string("type_single.read_vs_paired.end"));
    QCOMPARE(diffbio::data::makeRName("conditionB:groupY"), std::string("conditionB.groupY"));
    QCOMPARE(diffbio::data::makeRName("1st"), std::string("X1st"));
    QCOMPARE(diffbio::data::makeRName(".5x"), std::string("X.5x"));
    QCOMPARE(diffbio::data::makeRName(".x"), std::string(".x"));
  }
};

QTEST_GUILESS_MAIN(DesignTest)
#include "test_design.moc"
