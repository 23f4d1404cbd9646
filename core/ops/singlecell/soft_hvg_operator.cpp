// sc.soft_hvg: the differentiable soft highly-variable-gene selection (differentiable_sc_modules.h, SoftHvg).
//
// The per-gene score is the hard flavour's normalised score (core/singlecell/hvg.h: seurat or cell_ranger
// dispersions_norm on log-normalised values, seurat_v3 standardised variance on raw counts); NaN scores (genes
// without variance) count as 0, as scanpy's selection treats them. The threshold starts halfway between the
// n_top_genes-th score and the next lower one, so that as the temperature goes to 0 the genes with weight > 1/2 are
// exactly scanpy's n_top_genes selection (thresholdForTopGenes); with n_top_genes = 0 the threshold parameter is
// used as given. Outputs: the input matrix with each gene's values multiplied by its weight (sparsity kept), and
// the gene table of the hard flavour plus score and weight.
#include <ATen/ATen.h>
#include <torch/utils.h>

#include <cmath>

#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "core/ops/singlecell/differentiable_sc_modules.h"
#include "core/ops/singlecell/differentiable_sc_operators.h"
#include "core/singlecell/hvg.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

// Each gene's column multiplied by its weight, in the input's storage kind.
data::CountMatrix weightGenes(const data::CountMatrix& m, const std::vector<double>& weight) {
  if (m.isSparse()) {
    data::CsrStorage csr = m.csr();
    for (std::size_t k = 0; k < csr.values.size(); ++k)
      csr.values[k] = static_cast<float>(csr.values[k] * weight[csr.indices[k]]);
    return data::CountMatrix::fromCsr(m.nObs(), m.nGenes(), std::move(csr), m.obsNames(), m.geneNames(), m.kind());
  }
  data::CountMatrix::Dense values = m.dense();
  for (Eigen::Index g = 0; g < values.cols(); ++g) values.col(g) *= weight[g];
  return data::CountMatrix::fromDense(std::move(values), m.obsNames(), m.geneNames(), m.kind());
}

class SoftHvgOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& loaded = in.get<io::LoadedCounts>("counts");
    sc::HvgOptions options;
    options.flavor = sc::parseHvgFlavor(p.text("flavor"));
    const std::int64_t nTop = p.integer("n_top_genes");
    options.nTopGenes = nTop;
    options.span = p.real("span");
    if (!p.text("batch_key").empty()) {
      if (options.flavor != sc::HvgFlavor::SeuratV3)
        throw InputError({}, "batch_key is used by the seurat_v3 flavour only",
                         "choose flavor seurat_v3, or clear batch_key");
      options.batches = sc::hvgBatchCodes(loaded.obs, p.text("batch_key"));
    }
    if (options.flavor == sc::HvgFlavor::SeuratV3 && nTop == 0)
      options.nTopGenes = loaded.matrix.nGenes();  // seurat_v3 ranks: any n gives the same scores
    const sc::HvgResult hard = sc::highlyVariableGenes(loaded.matrix, options);
    context.checkCancelled();

    std::vector<double> score = hard.score();
    for (double& s : score)
      if (std::isnan(s)) s = 0.0;
    const double threshold = nTop > 0 ? thresholdForTopGenes(score, nTop) : p.real("threshold");
    SoftHvg soft(threshold, p.real("temperature"));
    std::vector<double> weight(score.size());
    {
      torch::NoGradGuard noGrad;
      const at::Tensor w = soft->weights(at::tensor(score, at::kDouble)).contiguous();
      std::copy(w.data_ptr<double>(), w.data_ptr<double>() + w.numel(), weight.begin());
    }

    data::Table genes = sc::hvgTable(hard, loaded.matrix.geneNames());
    genes.addColumn(data::Column("score", score));
    genes.addColumn(data::Column("weight", weight));
    io::LoadedCounts out;
    out.format = loaded.format;
    out.matrix = weightGenes(loaded.matrix, weight);
    out.obs = loaded.obs;
    out.var = loaded.var;
    out.obsm = loaded.obsm;
    out.matrixSource = "soft-HVG weighted " + (loaded.matrixSource.empty() ? "values" : loaded.matrixSource);
    return {{"counts", Value::make(PortType::SingleCellCounts, std::move(out))},
            {"genes", Value::make(PortType::Table, std::move(genes))}};
  }
};

}  // namespace

void registerSoftHvgOperator(Registry& registry) {
  registry.registerOperator(
      {"sc.soft_hvg", "Soft highly variable genes", "Single-cell",
       "Differentiable highly-variable-gene selection: weight = sigmoid((score - threshold) / temperature) per "
       "gene, the score being the hard flavour's (seurat / cell_ranger normalised dispersion on log-normalised "
       "values, seurat_v3 standardised variance on raw counts). The threshold sits between the n_top_genes-th "
       "score and the next, so a temperature near 0 selects scanpy's n_top_genes set. Outputs the expression "
       "weighted gene by gene and the weights.",
       {{"counts", PortType::Counts, true, "log-normalised values (seurat, cell_ranger) or raw counts (seurat_v3)"}},
       {{"counts", PortType::SingleCellCounts, true, "the input with each gene's values multiplied by its weight"},
        {"genes", PortType::Table, true, "the hard flavour's gene table plus score and weight"}},
       {enumParameter("flavor", {"seurat", "cell_ranger", "seurat_v3"}, "seurat", "which score to soften"),
        intParameter("n_top_genes", 2000, "place the threshold below this many genes (0: use threshold)").atLeast(0),
        floatParameter("threshold", 0.0, "score threshold when n_top_genes is 0"),
        floatParameter("temperature", 0.1, "softness: near 0 the hard selection").range(1e-6, 1e3).logarithmic(),
        floatParameter("span", 0.3, "seurat_v3: loess span of the mean-variance fit").range(0.01, 1),
        stringParameter("batch_key", "", "seurat_v3: cell annotation column with the batch (empty: no batches)")}},
      [] { return std::make_unique<SoftHvgOp>(); });
}

}  // namespace diffbio::ops
