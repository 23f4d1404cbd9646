// train.de_labels: the seed-000 experiment as a pipeline node. The exact DE fit upstream (size factors, dispersions,
// GLM and Wald test) initialises the differentiable DE module (core/ops/de/differentiable_de.h); the node then learns
// size factors, coefficients and dispersions so that the soft significance matches known DE labels (the seed's
// binary cross-entropy), optionally plus the NB likelihood of the counts to keep the fit near the data.
//
// What is learnt follows the `trainable` flags of the upstream nodes: the size-factor node -> size factors, the
// dispersion node -> dispersions, the GLM node -> coefficients. With no node marked, all three are learnt (the seed).
//
// Validation and mini-batches are over genes: the label loss is a mean over genes, so a validation split trains it on
// the training genes and reports the loss, precision, recall and F1 on the held-out genes (the size factors are
// shared by all genes; a gene's coefficients and dispersion only get gradient from its own label, so held-out genes
// keep their exact fit unless their fit moves through the size factors — the validation scores measure how far
// what is learnt from some genes' labels carries over to others). Batches: each step takes the loss on batch_size
// training genes; the module still evaluates every gene (DifferentiableDe has no per-gene forward), so a batch step
// costs about what a full step costs: batches change the optimisation, not the time per step.
#include "core/ops/train/de_label_training.h"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/data/table.h"
#include "core/ops/de/differentiable_de.h"
#include "core/ops/de/seed_simulator.h"
#include "core/ops/registry.h"
#include "core/stats/deseq_steps.h"
#include "core/train/training_operator.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kOperatorId = "train.de_labels";

// One label per gene of the experiment, found by gene name in the truth table's rows.
std::vector<bool> labelsFor(const stats::DeExperiment& experiment, const data::Table& truth,
                            const std::string& columnName) {
  const data::Column* column = truth.find(columnName);
  if (!column) {
    std::string known;
    for (const auto& c : truth.columns()) known += (known.empty() ? "" : ", ") + c.name();
    throw InputError({}, "the labels table has no column \"" + columnName + "\" (it has: " + known + ")",
                     "set label_column to the column that marks the truly DE genes");
  }
  std::map<std::string, std::size_t> rowOf;
  for (std::size_t r = 0; r < truth.nRows(); ++r) rowOf[truth.rowNames()[r]] = r;
  std::vector<bool> labels;
  labels.reserve(experiment.geneNames.size());
  for (const auto& gene : experiment.geneNames) {
    const auto found = rowOf.find(gene);
    if (found == rowOf.end())
      throw InputError({}, "the labels table has no row for gene \"" + gene + "\"",
                       "connect a table with one row per gene of the counts (e.g. the simulator's truth)");
    const auto value = column->number(found->second);
    if (!value || (*value != 0 && *value != 1))
      throw InputError({}, "label of gene \"" + gene + "\" in column \"" + columnName + "\" is not 0/1 or true/false",
                       "use a boolean or 0/1 column");
    labels.push_back(*value == 1);
  }
  return labels;
}

std::map<std::string, double> scores(const std::vector<bool>& calls, const std::vector<bool>& truth) {
  const DetectionMetrics m = detectionMetrics(calls, truth);
  return {{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1},
          {"calls", double(m.truePositives + m.falsePositives)}};
}

// The entries of `values` at `genes` (indices into it).
std::vector<bool> subset(const std::vector<bool>& values, const std::vector<std::int64_t>& genes) {
  std::vector<bool> chosen;
  chosen.reserve(genes.size());
  for (auto g : genes) chosen.push_back(values[static_cast<std::size_t>(g)]);
  return chosen;
}

std::vector<std::int64_t> indicesOf(const at::Tensor& items) {
  const at::Tensor t = items.to(at::kLong).contiguous();
  return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
}

// The exact pipeline's calls (padj < alpha) from a results table, by gene name; NA padj is no call.
std::vector<bool> exactCalls(const stats::DeExperiment& experiment, const data::Table& results, double alpha) {
  const data::Column* padj = results.find("padj");
  if (!padj) throw InputError({}, "the results table has no \"padj\" column", "connect the output of a Results node");
  std::map<std::string, std::size_t> rowOf;
  for (std::size_t r = 0; r < results.nRows(); ++r) rowOf[results.rowNames()[r]] = r;
  std::vector<bool> calls;
  for (const auto& gene : experiment.geneNames) {
    const auto found = rowOf.find(gene);
    const auto value = found == rowOf.end() ? std::nullopt : padj->number(found->second);
    calls.push_back(value && *value < alpha);
  }
  return calls;
}

// Doubles of a 1-D tensor, in order.
std::vector<double> valuesOf(const at::Tensor& tensor) {
  const at::Tensor t = tensor.detach().to(at::kDouble).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

class DeLabelTrainingOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& experiment = in.get<stats::DeExperiment>("design");
    const auto& sizeFactors = in.get<stats::ChosenSizeFactors>("size_factors").factors;
    const auto& fit = in.get<stats::DeFit>("fit");
    const std::vector<bool> truth = labelsFor(experiment, in.get<data::Table>("labels"), p.text("label_column"));

    const train::TrainingContext* hooks = context.training();
    const bool chosen = hooks && hooks->anyTrainable();
    DifferentiableDeOptions options;
    options.threshold(p.real("threshold")).temperature(p.real("temperature"));
    options.learnSizeFactors(!chosen || hooks->trainable("size_factors"));
    options.learnDispersions(!chosen || hooks->trainable("dispersions"));
    options.learnCoefficients(!chosen || hooks->trainable("fit"));
    if (!options.learnSizeFactors() && !options.learnDispersions() && !options.learnCoefficients())
      throw InputError({}, "nothing to learn", "mark the size-factor, dispersion or GLM node trainable");
    if (experiment.contrast.size() > 0) {
      std::vector<double> contrast(experiment.contrast.data(), experiment.contrast.data() + experiment.contrast.size());
      options.contrast(contrast);
    }
    std::shared_ptr<DifferentiableDe> de;
    try {
      de = DifferentiableDe::fromExactFit(experiment.counts, sizeFactors, experiment.modelMatrix, fit.fit,
                                          fit.finalDispersion, options);
    } catch (const std::invalid_argument& error) {
      throw InputError({}, std::string("cannot start from this fit: ") + error.what(),
                       "connect the design, size factors and fit of one analysis");
    }

    const auto genes = static_cast<std::int64_t>(truth.size());
    at::Tensor labels = at::zeros({genes}, at::kDouble);
    for (std::int64_t g = 0; g < genes; ++g)
      if (truth[static_cast<std::size_t>(g)]) labels[g] = 1.0;
    const std::string loss = p.text("loss");
    const double nllWeight = p.real("nll_weight");

    // Loss, its parts and the hard-call metrics from one forward pass.
    auto evaluate = [de, labels, truth, loss, nllWeight](const ops::DeOutputs& out) {
      train::StepOutput step;
      at::Tensor labelLoss = de->labelLoss(out, labels);
      step.loss = labelLoss;
      step.components["labels"] = labelLoss.item<double>();
      if (loss == "labels+nb_nll") {
        at::Tensor nll = de->negativeLogLikelihood(out);
        step.components["nb_nll"] = nll.item<double>();
        step.loss = labelLoss + nllWeight * nll;
      }
      step.metrics = scores(de->significantCalls(out), truth);
      return step;
    };
    // The same on a subset of genes (validation split, mini-batches); genes without an exact fit are skipped, as
    // labelLoss and negativeLogLikelihood skip them. The cancel token is polled between the loss components.
    auto evaluateOn = [de, labels, truth, loss, nllWeight](const ops::DeOutputs& out, const at::Tensor& items,
                                                           const CancelToken* cancel) {
      const at::Tensor genes = items.masked_select(de->fitted().index_select(0, items));
      train::StepOutput step;
      // A mini-batch of genes without a fit only (all-zero counts) has no loss: 0, still connected to the module.
      at::Tensor labelLoss =
          genes.numel() == 0
              ? out.significanceLogit.index_select(0, items).nan_to_num().sum() * 0.0
              : labelLossFromLogits(out.significanceLogit.index_select(0, genes), labels.index_select(0, genes));
      step.loss = labelLoss;
      step.components["labels"] = labelLoss.item<double>();
      if (loss == "labels+nb_nll" && genes.numel() > 0) {
        if (cancel) cancel->throwIfCancelled();
        at::Tensor nll = nbNegativeLogLikelihood(de->counts().index_select(1, genes),
                                                 out.logMu.index_select(1, genes),
                                                 de->logDispersion().index_select(0, genes));
        step.components["nb_nll"] = nll.item<double>();
        step.loss = labelLoss + nllWeight * nll;
      }
      const std::vector<std::int64_t> chosen = indicesOf(items);
      step.metrics = scores(subset(de->significantCalls(out), chosen), subset(truth, chosen));
      return step;
    };

    train::TrainingNodeSetup setup;
    setup.operatorId = kOperatorId;
    setup.module = de;
    setup.loss = [de, evaluate, &context](const train::StepContext&) {
      context.checkCancelled();
      return evaluate(de->forward());
    };
    setup.evaluate = [de, evaluate] { return train::stepValues(evaluate(de->forward())); };
    setup.itemName = "genes";
    setup.itemCount = static_cast<std::int64_t>(truth.size());
    setup.batches = true;
    setup.lossOn = [de, evaluateOn](const at::Tensor& items, const train::StepContext& step) {
      if (step.cancel) step.cancel->throwIfCancelled();
      const DeOutputs out = de->forward();
      if (step.cancel) step.cancel->throwIfCancelled();
      return evaluateOn(out, items, step.cancel);
    };
    setup.evaluateOn = [de, evaluateOn](const at::Tensor& items) {
      return train::stepValues(evaluateOn(de->forward(), items, nullptr));
    };
    setup.elementsPerStep = static_cast<std::int64_t>(experiment.counts.size());

    // Traces: every sample's size factor, and the dispersion and log2 fold change of the first three labelled DE
    // genes and the first three others (typical genes to watch; a panel picks among them).
    std::vector<std::int64_t> watched;
    for (int wantDe : {1, 0}) {
      int taken = 0;
      for (std::int64_t g = 0; g < genes && taken < 3; ++g)
        if (truth[static_cast<std::size_t>(g)] == bool(wantDe) && de->fitted()[g].item<bool>()) {
          watched.push_back(g);
          ++taken;
        }
    }
    for (const auto& sample : experiment.sampleNames) setup.traceNames.push_back("size_factor[" + sample + "]");
    for (auto g : watched) {
      setup.traceNames.push_back("dispersion[" + experiment.geneNames[g] + "]");
      setup.traceNames.push_back("log2fc[" + experiment.geneNames[g] + "]");
    }
    const std::vector<std::string> sampleNames = experiment.sampleNames, geneNames = experiment.geneNames;
    setup.traces = [de, watched, sampleNames, geneNames] {
      std::map<std::string, double> traces;
      const std::vector<double> logFactors = valuesOf(de->logSizeFactors());
      for (std::size_t j = 0; j < sampleNames.size(); ++j)
        traces["size_factor[" + sampleNames[j] + "]"] = std::exp(logFactors[j]);
      const at::Tensor lfc = at::matmul(de->beta().detach(), de->contrast()) / std::log(2.0);
      const at::Tensor dispersion = de->logDispersion().detach().exp();
      for (auto g : watched) {
        traces["dispersion[" + geneNames[g] + "]"] = dispersion[g].item<double>();
        traces["log2fc[" + geneNames[g] + "]"] = lfc[g].item<double>();
      }
      return traces;
    };

    // What a checkpoint must match: the data (shape and total), the labels and everything the loss depends on.
    double countSum = experiment.counts.sum();
    std::size_t positives = 0;
    for (bool label : truth) positives += label;
    const nlohmann::json problem = {
        {"genes", genes}, {"samples", experiment.sampleNames.size()}, {"count_sum", countSum},
        {"labelled_de", positives}, {"threshold", p.real("threshold")}, {"temperature", p.real("temperature")},
        {"loss", loss}, {"nll_weight", nllWeight},
        {"learn", {options.learnSizeFactors(), options.learnDispersions(), options.learnCoefficients()}}};
    setup.problem = problem.dump();
    if (in.has("results")) {
      const double alpha = p.real("threshold");
      std::ostringstream title;
      title << "exact pipeline (padj < " << alpha << ")";
      const std::vector<bool> calls = exactCalls(experiment, in.get<data::Table>("results"), alpha);
      std::map<std::string, double> reference = scores(calls, truth);
      // The same held-out genes the node validates on (splitItems is what runTrainingNode uses).
      if (p.real("validation_fraction") > 0 && genes >= 2) {
        const auto held = train::splitItems(genes, p.real("validation_fraction"),
                                            static_cast<std::uint64_t>(p.integer("seed")))
                              .validation;
        for (const auto& [name, value] : scores(subset(calls, held), subset(truth, held)))
          reference["validation_" + name] = value;
      }
      setup.referenceMetrics.push_back({title.str(), std::move(reference)});
    }

    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    // The DE results of the trained module, one row per gene.
    torch::NoGradGuard noGrad;
    const DeOutputs out = de->forward();
    const std::vector<bool> calls = de->significantCalls(out);
    data::Table table(experiment.geneNames);
    table.indexName = "gene_id";
    table.addColumn(data::Column("log2FoldChange", valuesOf(out.log2FoldChange)));
    table.addColumn(data::Column("lfcSE", valuesOf(out.lfcSE)));
    table.addColumn(data::Column("stat", valuesOf(out.stat)));
    table.addColumn(data::Column("pvalue", valuesOf(out.pvalue)));
    table.addColumn(data::Column("soft_significance", valuesOf(out.softSignificance)));
    std::vector<std::uint8_t> called(calls.begin(), calls.end()), labelled(truth.begin(), truth.end());
    table.addColumn(data::Column::boolean("significant", std::move(called)));
    table.addColumn(data::Column::boolean("label", std::move(labelled)));
    outputs["results"] = Value::make(PortType::Table, std::move(table));
    return outputs;
  }
};

}  // namespace

void registerDeLabelTraining(Registry& registry) {
  OperatorSpec spec{
      kOperatorId, "Train DE on labels", train::kTrainingCategory,
      "Seed 000: starts the differentiable DE module from the exact fit and learns size factors, dispersions and "
      "coefficients (those of the upstream nodes marked trainable; all when none is) so that the soft significance "
      "matches known DE labels (binary cross-entropy), optionally plus the NB likelihood. Reports precision, recall "
      "and F1 of the calls (p < threshold) before and after, and next to them the exact pipeline's (padj < "
      "threshold) when its results are connected.",
      {{"design", PortType::Design, true, "counts with their design"},
       {"size_factors", PortType::SizeFactors, true, "the exact size factors (start values)"},
       {"dispersions", PortType::Dispersions, true, "the exact dispersions (marks whether they are learnt)"},
       {"fit", PortType::Model, true, "the exact GLM fit (start values)"},
       {"labels", PortType::Table, true, "one row per gene with a 0/1 or boolean label column"},
       {"results", PortType::Table, false, "the exact results table, for comparison"}},
      train::trainingOutputSpecs(),
      {stringParameter("label_column", "is_de", "column of the labels table that marks truly DE genes"),
       enumParameter("loss", {"labels", "labels+nb_nll"}, "labels",
                     "the seed's label cross-entropy, or that plus nll_weight x the NB negative log-likelihood"),
       floatParameter("nll_weight", 0.01, "weight of the NB likelihood term").atLeast(0),
       floatParameter("threshold", 0.05, "p-value threshold of a call (the seed's alpha)").range(1e-12, 0.5),
       floatParameter("temperature", 0.01, "width of the soft significance step, in p-value units")
           .range(1e-6, 1)
           .logarithmic()}};
  spec.outputs.push_back({"results", PortType::Table, true, "DE results of the trained module, one row per gene"});
  for (auto& parameter : train::trainingParameterSpecs({"adam", 1e-2, 100, "constant", "genes"}))
    spec.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(spec), [] { return std::make_unique<DeLabelTrainingOp>(); });
}

}  // namespace diffbio::ops
