#include "core/ops/de/seed_simulator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace diffbio::ops {

SeedDeSimulation simulateSeedDeExperiment(const SeedDeSimulationOptions& o) {
  if (o.nSamples < 2) throw std::invalid_argument("the simulation needs at least two samples");
  if (o.nGenes < 1 || o.nDeGenes < 0 || o.nDeGenes > o.nGenes)
    throw std::invalid_argument("nDeGenes must be between 0 and nGenes");
  if (!(o.foldChange > 0)) throw std::invalid_argument("the fold change must be positive");

  at::Generator generator = at::detail::createCPUGenerator(o.seed);
  const auto f64 = at::TensorOptions().dtype(at::kDouble);
  const int nControl = o.nSamples / 2;

  at::Tensor baseMean = at::exp(at::normal(0.0, 1.0, {o.nGenes}, generator, f64) * 1.5 + 3.0);
  at::Tensor isDe = at::arange(o.nGenes, f64) < o.nDeGenes;
  at::Tensor log2Fc = at::where(isDe, at::full({o.nGenes}, std::log2(o.foldChange), f64), at::zeros({o.nGenes}, f64));
  at::Tensor treated = (at::arange(o.nSamples, f64) >= nControl).to(at::kDouble);
  at::Tensor mean = baseMean.unsqueeze(0) * at::pow(2.0, treated.unsqueeze(1) * log2Fc.unsqueeze(0));
  at::Tensor counts = at::poisson(mean, generator).contiguous();

  data::CountMatrix::Dense values(o.nSamples, o.nGenes);
  std::copy(counts.data_ptr<double>(), counts.data_ptr<double>() + counts.numel(), values.data());

  std::vector<std::string> sampleNames, geneNames, conditions;
  for (int j = 0; j < o.nSamples; ++j) {
    const bool isTreated = j >= nControl;
    sampleNames.push_back(isTreated ? "treatment_" + std::to_string(j - nControl + 1) : "control_" + std::to_string(j + 1));
    conditions.push_back(isTreated ? "treatment" : "control");
  }
  for (int g = 0; g < o.nGenes; ++g) geneNames.push_back("gene" + std::to_string(g + 1));

  SeedDeSimulation sim;
  sim.counts = data::CountMatrix::fromDense(std::move(values), sampleNames, geneNames, data::AssayKind::Bulk);
  sim.samples = data::Table(sampleNames);
  sim.samples.indexName = "sample";
  sim.samples.addColumn(data::Column("condition", data::makeCategorical(conditions, {"control", "treatment"})));

  std::vector<std::uint8_t> deFlags(o.nGenes);
  std::vector<double> trueLfc(o.nGenes), base(o.nGenes);
  sim.isDe.resize(o.nGenes);
  for (int g = 0; g < o.nGenes; ++g) {
    sim.isDe[g] = g < o.nDeGenes;
    deFlags[g] = sim.isDe[g] ? 1 : 0;
    trueLfc[g] = log2Fc[g].item<double>();
    base[g] = baseMean[g].item<double>();
  }
  sim.truth = data::Table(geneNames);
  sim.truth.indexName = "gene";
  sim.truth.addColumn(data::Column::boolean("is_de", std::move(deFlags)));
  sim.truth.addColumn(data::Column("true_log2fc", std::move(trueLfc)));
  sim.truth.addColumn(data::Column("base_mean", std::move(base)));
  return sim;
}

DetectionMetrics detectionMetrics(const std::vector<bool>& calls, const std::vector<bool>& truth) {
  if (calls.size() != truth.size()) throw std::invalid_argument("calls and truth differ in length");
  DetectionMetrics m;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i] && truth[i]) ++m.truePositives;
    else if (calls[i]) ++m.falsePositives;
    else if (truth[i]) ++m.falseNegatives;
    else ++m.trueNegatives;
  }
  const double tp = m.truePositives;
  m.precision = tp + m.falsePositives > 0 ? tp / (tp + m.falsePositives) : 0.0;
  m.recall = tp + m.falseNegatives > 0 ? tp / (tp + m.falseNegatives) : 0.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

}  // namespace diffbio::ops
