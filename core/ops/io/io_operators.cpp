#include "core/ops/io/io_operators.h"

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/io/table_writer.h"
#include "core/ops/registry.h"

namespace diffbio::ops {

namespace {

class LoadCounts : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext& context) override {
    io::CountReadOptions options;
    options.samplesAsRows = p.flag("samples_as_rows");
    options.genome = p.text("genome");
    options.h5adMatrix = p.text("h5ad_matrix");
    return {{"counts", Value::make(PortType::Counts, io::readCounts(context.resolvePath(p.text("path")), options))}};
  }
};

class LoadSamples : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext& context) override {
    return {{"samples", Value::make(PortType::SampleTable, io::readSampleSheet(context.resolvePath(p.text("path"))))}};
  }
};

// A sink: writes atomically (a cancelled or failed run leaves no partial file).
class WriteTable : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    context.checkCancelled();
    io::writeTable(in.get<data::Table>("table"), context.resolveOutputPath(p.text("path")));
    return {};
  }
};

OperatorSpec loadCountsSpec() {
  return {"io.load_counts",
          "Load counts",
          "Input",
          "Reads a count matrix: CSV/TSV count tables (genes x samples unless 'samples as rows'), featureCounts "
          "output, salmon quant.sf, 10x Genomics folders and .h5 files, AnnData .h5ad and MatrixMarket files, each "
          "optionally gzip-compressed. The format is recognised from the content.",
          {},
          {{"counts", PortType::Counts, true, "the count matrix with its annotations"}},
          {inputPathParameter("path", "the count file or 10x folder"),
           boolParameter("samples_as_rows", false, "a delimited table has one row per sample"),
           stringParameter("genome", "", "10x v2 .h5 with several genomes: which one"),
           stringParameter("h5ad_matrix", "auto", "h5ad: auto, X, raw/X or layers/NAME")}};
}

OperatorSpec loadSamplesSpec() {
  return {"io.load_samples",
          "Load sample sheet",
          "Input",
          "Reads a sample sheet (CSV/TSV, one row per sample, the first column naming the samples). Columns become "
          "numbers, true/false or categories; the differential-expression design matches its rows to the count "
          "columns.",
          {},
          {{"samples", PortType::SampleTable, true, "one row per sample"}},
          {inputPathParameter("path", "the sample sheet")}};
}

OperatorSpec writeTableSpec() {
  return {"io.write_table",
          "Write table",
          "Output",
          "Writes a table as TSV, or CSV when the name ends in .csv (.gz compresses). Relative names go into the "
          "run's output folder.",
          {{"table", PortType::Table, true, "the table to write"}},
          {},
          {outputPathParameter("path", "results.tsv", "file name or path")}};
}

}  // namespace

void registerIoOperators(Registry& registry) {
  registry.registerOperator(loadCountsSpec(), [] { return std::make_unique<LoadCounts>(); });
  registry.registerOperator(loadSamplesSpec(), [] { return std::make_unique<LoadSamples>(); });
  registry.registerOperator(writeTableSpec(), [] { return std::make_unique<WriteTable>(); });
}

}  // namespace diffbio::ops
