#include "core/stats/de_design.h"

#include <sstream>

#include "core/data/design.h"
#include "core/io/sample_sheet.h"
#include "core/util/error.h"

namespace diffbio::stats {

namespace {

// Refuses (or rounds) values that are not raw integer counts; the readers already reject text in count cells.
data::CountMatrix::Dense checkedCounts(const data::CountMatrix& matrix, const DeDesignRequest& request,
                                       std::vector<std::string>& notes) {
  if (!matrix.flags().allFinite || !matrix.flags().nonNegative)
    throw InputError({request.countsPath}, "the counts contain negative, NaN or infinite values",
                     "differential expression needs raw read counts");
  data::CountMatrix::Dense values = matrix.isSparse() ? matrix.toDense().dense() : matrix.dense();
  if (!matrix.flags().allInteger) {
    if (!request.roundCounts)
      throw InputError({request.countsPath},
                       "the counts are not whole numbers (e.g. estimated counts or normalised values)",
                       "give raw integer counts, or round estimated counts (--round; the 'round' parameter)");
    values = values.array().round();
    notes.push_back("rounded non-integer counts to whole numbers");
  }
  return values;
}

std::vector<std::string> splitContrast(const std::string& spec, const std::string& samplesPath) {
  std::vector<std::string> parts;
  std::stringstream in(spec);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto first = part.find_first_not_of(' '), last = part.find_last_not_of(' ');
    parts.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
  }
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    throw InputError({samplesPath}, "the contrast '" + spec + "' is not factor,numerator,denominator",
                     "write it like condition,treated,untreated");
  return parts;
}

}  // namespace

DeDesign buildDeDesign(const io::LoadedCounts& counts, const data::Table& sheet, const DeDesignRequest& request) {
  DeDesign out;
  stats::DeExperiment& e = out.experiment;
  e.counts = checkedCounts(counts.matrix, request, out.notes);
  e.sampleNames = counts.matrix.obsNames();
  e.geneNames = counts.matrix.geneNames();

  const io::SampleMatch match = io::matchSamples(sheet, e.sampleNames, request.samplesPath);
  if (match.usedContainmentRule) out.sampleMapping = match.mapping;

  const auto contrast = splitContrast(request.contrast, request.samplesPath);
  data::DesignOptions options;
  options.sheetPath = request.samplesPath;
  options.references[contrast[0]] = contrast[2];  // report numerator vs denominator, as users expect
  const data::Design design(request.formula, match.sheet, options);
  e.modelMatrix = design.modelMatrix();
  e.contrast = design.contrast(request.contrast);
  if (!request.reducedFormula.empty())
    e.reducedModelMatrix = data::Design(request.reducedFormula, match.sheet, options).modelMatrix();

  const auto& factor = design.variable(contrast[0]);
  e.contrastSamples.resize(factor.codes.size());
  for (std::size_t j = 0; j < factor.codes.size(); ++j) {
    const std::string& level = factor.levels[factor.codes[j]];
    e.contrastSamples[j] = level == contrast[1] || level == contrast[2];
  }
  return out;
}

}  // namespace diffbio::stats
