// The DE engine (core/stats) as pipeline nodes. Each node is one DESeq2 step, so that changing e.g. the FDR level
// re-runs only the results node. Composed in order they give exactly what `diffbio de` gives (the same calls).
#include "core/ops/de/de_operators.h"

#include "core/io/loaded_counts.h"
#include "core/stats/de_design.h"
#include "core/ops/de/seed_simulator.h"
#include "core/ops/registry.h"
#include "core/stats/deseq_steps.h"
#include "core/stats/vst.h"

namespace diffbio::ops {

namespace {

const char* kCategory = "Differential expression";

const stats::DeExperiment& experimentOf(const OperatorInputs& in) { return in.get<stats::DeExperiment>("design"); }

// A samples x genes matrix as a genes x samples table (the layout of DESeq2's counts(dds, normalized = TRUE)).
data::Table genesBySamples(const Eigen::MatrixXd& values, const stats::DeExperiment& e) {
  data::Table table(e.geneNames);
  table.indexName = "gene_id";
  for (Eigen::Index j = 0; j < values.rows(); ++j) {
    std::vector<double> column(values.cols());
    for (Eigen::Index g = 0; g < values.cols(); ++g) column[g] = values(j, g);
    table.addColumn(data::Column(e.sampleNames[j], std::move(column)));
  }
  return table;
}

class DesignOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    stats::DeDesignRequest request;
    request.formula = p.text("formula");
    request.contrast = p.text("contrast");
    request.reducedFormula = p.text("reduced");
    request.roundCounts = p.flag("round");
    stats::DeDesign design = stats::buildDeDesign(in.get<io::LoadedCounts>("counts"), in.get<data::Table>("samples"), request);
    return {{"design", Value::make(PortType::Design, std::move(design.experiment))}};
  }
};

class SizeFactorsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    context.checkCancelled();
    return {{"size_factors",
             Value::make(PortType::SizeFactors, stats::chooseSizeFactors(experimentOf(in), p.text("method")))}};
  }
};

class DispersionsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    context.checkCancelled();
    const auto& e = experimentOf(in);
    stats::DispersionOptions options;
    options.fitType = stats::parseDispersionFitType(p.text("fit_type"));
    return {{"dispersions",
             Value::make(PortType::Dispersions,
                         stats::estimateDispersions(e.counts, in.get<stats::ChosenSizeFactors>("size_factors").factors,
                                                    e.modelMatrix, options))}};
  }
};

class WaldOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    context.checkCancelled();
    stats::DeseqOptions options;
    options.minReplicatesForReplace = static_cast<int>(p.integer("min_replicates_for_replace"));
    return {{"fit", Value::make(PortType::Model,
                                stats::fitAndTest(experimentOf(in), in.get<stats::ChosenSizeFactors>("size_factors").factors,
                                                  in.get<stats::DispersionResult>("dispersions"), options))}};
  }
};

class ResultsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    stats::ResultsOptions options;
    options.alpha = p.real("alpha");
    options.lfcThreshold = p.real("lfc_threshold");
    options.altHypothesis = stats::parseAltHypothesis(p.text("alt_hypothesis"));
    options.independentFiltering = p.flag("independent_filtering");
    options.cooksFilter = p.flag("cooks_filter");
    data::Table table = stats::summarizeResults(experimentOf(in), in.get<stats::DeFit>("fit"), options).table;
    table.indexName = "gene_id";
    return {{"results", Value::make(PortType::Table, std::move(table))}};
  }
};

class NormalizedCountsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues&, RunContext&) override {
    const auto& e = experimentOf(in);
    const auto& factors = in.get<stats::ChosenSizeFactors>("size_factors").factors;
    return {{"table", Value::make(PortType::Table, genesBySamples(stats::normalizedCounts(e.counts, factors), e))}};
  }
};

class VstOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues&, RunContext& context) override {
    context.checkCancelled();
    const auto& e = experimentOf(in);
    const auto& factors = in.get<stats::ChosenSizeFactors>("size_factors").factors;
    return {{"table", Value::make(PortType::Table,
                                  genesBySamples(stats::blindVarianceStabilizingTransformation(e.counts, factors).values, e))}};
  }
};

class SeedSimulationOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext&) override {
    SeedDeSimulationOptions options;
    options.nGenes = static_cast<int>(p.integer("genes"));
    options.nSamples = static_cast<int>(p.integer("samples"));
    options.nDeGenes = static_cast<int>(p.integer("de_genes"));
    options.foldChange = p.real("fold_change");
    options.seed = static_cast<std::uint64_t>(p.integer("seed"));
    if (options.nDeGenes > options.nGenes)
      throw InputError({}, "more DE genes (" + std::to_string(options.nDeGenes) + ") than genes (" +
                               std::to_string(options.nGenes) + ")", "lower 'de_genes' or raise 'genes'");
    SeedDeSimulation sim = simulateSeedDeExperiment(options);
    io::LoadedCounts counts;
    counts.format = io::Format::Unknown;
    counts.matrix = std::move(sim.counts);
    counts.matrixSource = "seed-000 simulation (seed " + std::to_string(options.seed) + ")";
    return {{"counts", Value::make(PortType::BulkCounts, std::move(counts))},
            {"samples", Value::make(PortType::SampleTable, std::move(sim.samples))},
            {"truth", Value::make(PortType::Table, std::move(sim.truth))}};
  }
};

void registerSpecs(Registry& r) {
  // Built here, not at namespace scope: the registry may be built during another file's static initialisation.
  const PortSpec kDesignIn{"design", PortType::Design, true, "counts with their design"};
  const PortSpec kSizeFactorsIn{"size_factors", PortType::SizeFactors, true, "one factor per sample"};
  r.registerOperator(
      {"de.design", "Design", kCategory,
       "Pairs the sample sheet with the count columns (by name, or by a unique containment such as treated1fb ↔ "
       "treated1), builds the model from an R-style formula (~ batch + condition, a:b interactions, numeric "
       "covariates) with the contrast's denominator as reference level, and checks it: a factor with one level or "
       "confounded variables are errors that name them.",
       {{"counts", PortType::Counts, true, "raw integer counts"}, {"samples", PortType::SampleTable, true, "sample sheet"}},
       {{"design", PortType::Design, true, "counts with their design"}},
       {stringParameter("formula", "~ condition", "model formula, e.g. ~ type + condition"),
        stringParameter("contrast", "condition,treated,untreated", "factor,numerator,denominator"),
        stringParameter("reduced", "", "reduced formula for a likelihood-ratio test (empty: Wald test)"),
        boolParameter("round", false, "round non-integer (estimated) counts instead of refusing them")}},
      [] { return std::make_unique<DesignOp>(); });
  r.registerOperator(
      {"de.size_factors", "Size factors", kCategory,
       "Per-sample scaling for sequencing depth. auto = DESeq2's median of ratios, unless many genes changing in "
       "one direction bias it; then the mode of ratios, with a note saying why.",
       {kDesignIn},
       {{"size_factors", PortType::SizeFactors, true, "one factor per sample"}},
       {enumParameter("method", {"auto", "ratio", "poscounts", "mode", "tmm", "upperquartile"}, "auto",
                      "how to estimate them")}},
      [] { return std::make_unique<SizeFactorsOp>(); });
  r.registerOperator(
      {"de.dispersions", "Dispersions", kCategory,
       "DESeq2's dispersion estimates: gene-wise (Cox-Reid adjusted), a trend over the mean, and shrinkage towards "
       "it (MAP); genes far above the trend keep their own estimate.",
       {kDesignIn, kSizeFactorsIn},
       {{"dispersions", PortType::Dispersions, true, "gene-wise, trend and final dispersions"}},
       {enumParameter("fit_type", {"parametric", "local", "mean"}, "parametric", "shape of the trend")}},
      [] { return std::make_unique<DispersionsOp>(); });
  r.registerOperator(
      {"de.wald", "GLM and test", kCategory,
       "Fits the negative binomial GLM per gene and computes Cook's distances; with enough replicates, outlier "
       "counts are replaced and those genes refitted. Tests the contrast (Wald) or the reduced model (LRT).",
       {kDesignIn, kSizeFactorsIn, {"dispersions", PortType::Dispersions, true, "final dispersions"}},
       {{"fit", PortType::Model, true, "the fitted model"}},
       {intParameter("min_replicates_for_replace", 7, "replace outliers in design cells with this many samples")
            .atLeast(0)}},
      [] { return std::make_unique<WaldOp>(); });
  r.registerOperator(
      {"de.results", "Results", kCategory,
       "The results table: baseMean, log2FoldChange, lfcSE, stat, pvalue, padj and a note saying why a value is "
       "NA. Cook's outliers and (independent filtering) low-count genes get no adjusted p-value.",
       {kDesignIn, {"fit", PortType::Model, true, "the fitted model"}},
       {{"results", PortType::Table, true, "one row per gene"}},
       {floatParameter("alpha", 0.1, "FDR level independent filtering optimises").range(1e-6, 0.999999),
        floatParameter("lfc_threshold", 0.0, "test |log2 fold change| against this instead of 0").atLeast(0),
        enumParameter("alt_hypothesis", {"greaterAbs", "lessAbs", "greater", "less"}, "greaterAbs",
                      "alternative hypothesis with a threshold"),
        boolParameter("independent_filtering", true, "filter low-count genes to gain power"),
        boolParameter("cooks_filter", true, "remove p-values of genes with a Cook's outlier")}},
      [] { return std::make_unique<ResultsOp>(); });
  r.registerOperator(
      {"de.normalized_counts", "Normalised counts", kCategory, "Counts divided by the size factors (genes x samples).",
       {kDesignIn, kSizeFactorsIn},
       {{"table", PortType::Table, true, "normalised counts"}},
       {}},
      [] { return std::make_unique<NormalizedCountsOp>(); });
  r.registerOperator(
      {"de.vst", "Variance-stabilised counts", kCategory,
       "DESeq2's variance-stabilising transformation (blind, parametric trend): log2-like values whose variance "
       "does not depend on the mean, for sample PCA and clustering.",
       {kDesignIn, kSizeFactorsIn},
       {{"table", PortType::Table, true, "transformed values, genes x samples"}},
       {}},
      [] { return std::make_unique<VstOp>(); });
  r.registerOperator(
      {"sim.seed_de", "Simulated DE experiment", "Simulation",
       "The synthetic experiment of seed 000: log-normal gene means, Poisson counts, half the samples treated and "
       "the first DE genes up by the fold change. Reproducible from the seed.",
       {},
       {{"counts", PortType::BulkCounts, true, "samples x genes counts"},
        {"samples", PortType::SampleTable, true, "condition: control or treatment"},
        {"truth", PortType::Table, true, "per gene: is_de, true_log2fc, base_mean"}},
       {intParameter("genes", 2000, "number of genes").range(1, 1000000),
        intParameter("samples", 100, "number of samples (half control)").range(2, 100000),
        intParameter("de_genes", 200, "differentially expressed genes").atLeast(0),
        floatParameter("fold_change", 2.0, "treatment / control mean of DE genes").range(1e-3, 1e3).logarithmic(),
        intParameter("seed", 42, "random seed").atLeast(0)}},
      [] { return std::make_unique<SeedSimulationOp>(); });
}

}  // namespace

void registerDeOperators(Registry& registry) { registerSpecs(registry); }

}  // namespace diffbio::ops
