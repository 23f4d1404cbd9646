#include "core/singlecell/markers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/singlecell/sparse_stats.h"
#include "core/stats/multiple_testing.h"
#include "core/util/error.h"
#include "core/util/parallel.h"

namespace diffbio::sc {

namespace {

// A float's bits mapped so that unsigned order is numeric order (negatives reversed below the positives), and back.
std::uint32_t orderedBits(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
float valueOf(std::uint32_t ordered) {
  const std::uint32_t bits = (ordered & 0x80000000u) ? (ordered & 0x7FFFFFFFu) : ~ordered;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// Per gene and group: rank sums, sums of values (for means), non-zero counts; and the tie term per gene.
struct RankSums {
  std::vector<double> rankSum, valueSum, nonZero;  // gene-major: [g * nGroups + group]
  std::vector<double> tieTerm;                     // sum over tie blocks of t^3 - t, per gene
};

// Sorts keys by their high 32 bits (a value's orderedBits): LSD radix, a byte per pass, skipping the bytes every key
// shares (most of the exponent). Keys equal in value may end in any order: every use below treats a block of equal
// values alike (one average rank, the same value added), so their order changes no result.
void sortByValue(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch) {
  const std::size_t n = keys.size();
  if (n < 64) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  scratch.resize(n);
  std::uint64_t* from = keys.data();
  std::uint64_t* to = scratch.data();
  for (int shift = 32; shift < 64; shift += 8) {
    std::uint32_t count[256] = {};
    for (std::size_t q = 0; q < n; ++q) ++count[(from[q] >> shift) & 0xFFu];
    if (count[(from[0] >> shift) & 0xFFu] == n) continue;
    std::uint32_t sum = 0;
    for (auto& c : count) {
      const std::uint32_t here = c;
      c = sum;
      sum += here;
    }
    for (std::size_t q = 0; q < n; ++q) to[count[(from[q] >> shift) & 0xFFu]++] = from[q];
    std::swap(from, to);
  }
  if (from != keys.data()) std::copy(from, from + n, keys.data());
}

RankSums rankSums(const CscStorage& csc, std::int64_t nGenes, const std::vector<std::int32_t>& labels, int nGroups,
                  const std::vector<double>& groupSize, double nIncluded) {
  RankSums r;
  r.rankSum.assign(nGenes * nGroups, 0);
  r.valueSum.assign(nGenes * nGroups, 0);
  r.nonZero.assign(nGenes * nGroups, 0);
  r.tieTerm.assign(nGenes, 0);
  parallelChunks(nGenes, 256, [&](const auto& next) {
    std::vector<std::uint64_t> keys, scratch;
    std::vector<double> zerosIn(nGroups);
    std::int64_t first = 0, last = 0;
    while (next(first, last))
      for (std::int64_t g = first; g < last; ++g) {
        // (value, group) of included cells with a non-zero value, packed into one integer whose order is the
        // value's.
        keys.clear();
        for (auto p = csc.indptr[g]; p < csc.indptr[g + 1]; ++p) {
          const std::int32_t label = labels[csc.cells[p]];
          if (csc.values[p] != 0 && label >= 0)
            keys.push_back(static_cast<std::uint64_t>(orderedBits(csc.values[p])) << 32 | static_cast<std::uint32_t>(label));
        }
        sortByValue(keys, scratch);
        double* rankSum = &r.rankSum[g * nGroups];
        double* valueSum = &r.valueSum[g * nGroups];
        double* nonZero = &r.nonZero[g * nGroups];
        std::copy(groupSize.begin(), groupSize.end(), zerosIn.begin());  // cells of each group at zero
        for (const auto key : keys) zerosIn[key & 0xFFFFFFFFu] -= 1;
        const double zeros = nIncluded - static_cast<double>(keys.size());
        // Walk the merged order: negatives, the zero block, positives. `rankNext` = rank of the next position
        // (1-based).
        double rankNext = 1, tie = 0;
        bool zerosPlaced = false;
        auto placeZeros = [&] {
          if (zeros > 0) {
            const double rank = rankNext + (zeros - 1) / 2;
            for (int k = 0; k < nGroups; ++k) rankSum[k] += rank * zerosIn[k];
            tie += zeros * zeros * zeros - zeros;
            rankNext += zeros;
          }
          zerosPlaced = true;
        };
        std::size_t i = 0;
        while (i < keys.size()) {
          const std::uint32_t bits = static_cast<std::uint32_t>(keys[i] >> 32);
          const float value = valueOf(bits);
          if (!zerosPlaced && value > 0) placeZeros();
          std::size_t j = i;
          while (j < keys.size() && static_cast<std::uint32_t>(keys[j] >> 32) == bits) ++j;
          const double t = static_cast<double>(j - i);
          const double rank = rankNext + (t - 1) / 2;
          for (std::size_t q = i; q < j; ++q) {
            const auto k = static_cast<int>(keys[q] & 0xFFFFFFFFu);
            rankSum[k] += rank;
            valueSum[k] += value;
            nonZero[k] += 1;
          }
          tie += t * t * t - t;
          rankNext += t;
          i = j;
        }
        if (!zerosPlaced) placeZeros();
        r.tieTerm[g] = tie;
      }
  });
  return r;
}

double normalTwoSidedP(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

// One comparison: group `k` against the union of `reference` groups (all others when reference < 0).
MarkerComparison compare(const RankSums& r, std::int64_t nGenes, int nGroups, int k, int reference,
                         const std::vector<double>& groupSize, const MarkerOptions& options) {
  MarkerComparison c;
  const double na = groupSize[k];
  double nr = 0;
  for (int q = 0; q < nGroups; ++q)
    if (q != k && (reference < 0 || q == reference)) nr += groupSize[q];
  const double n = na + nr;
  c.scores.resize(nGenes);
  c.logFoldChanges.resize(nGenes);
  c.pvalues.resize(nGenes);
  c.fractionIn.resize(nGenes);
  c.fractionOut.resize(nGenes);
  for (std::int64_t g = 0; g < nGenes; ++g) {
    const double* rankSum = &r.rankSum[g * nGroups];
    const double* valueSum = &r.valueSum[g * nGroups];
    const double* nonZero = &r.nonZero[g * nGroups];
    double restValue = 0, restNonZero = 0;
    for (int q = 0; q < nGroups; ++q)
      if (q != k && (reference < 0 || q == reference)) {
        restValue += valueSum[q];
        restNonZero += nonZero[q];
      }
    // Ranks were computed over all included cells; for a two-group comparison only those two groups are included.
    const double tie = options.tieCorrect && n > 1 ? 1.0 - r.tieTerm[g] / (n * n * n - n) : 1.0;
    const double sd = std::sqrt(tie * na * nr * (n + 1) / 12.0);
    const double z = sd > 0 ? (rankSum[k] - na * (n + 1) / 2.0) / sd : 0.0;
    c.scores[g] = z;
    c.pvalues[g] = sd > 0 ? normalTwoSidedP(z) : 1.0;
    const double meanIn = na > 0 ? valueSum[k] / na : 0, meanOut = nr > 0 ? restValue / nr : 0;
    c.logFoldChanges[g] = std::log2((std::expm1(meanIn) + 1e-9) / (std::expm1(meanOut) + 1e-9));
    c.fractionIn[g] = na > 0 ? nonZero[k] / na : 0;
    c.fractionOut[g] = nr > 0 ? restNonZero / nr : 0;
  }
  const Eigen::VectorXd adjusted =
      stats::adjustBenjaminiHochberg(Eigen::Map<const Eigen::VectorXd>(c.pvalues.data(), nGenes));
  c.pvaluesAdjusted.assign(adjusted.data(), adjusted.data() + adjusted.size());
  c.order.resize(nGenes);
  std::iota(c.order.begin(), c.order.end(), 0);
  std::stable_sort(c.order.begin(), c.order.end(), [&](std::int64_t a, std::int64_t b) { return c.scores[a] > c.scores[b]; });
  return c;
}

}  // namespace

std::vector<MarkerComparison> markersVersusRest(const data::CountMatrix& values, const std::vector<std::int32_t>& labels,
                                                const std::vector<std::string>& groupNames,
                                                const MarkerOptions& options, const CscStorage* columns) {
  if (static_cast<std::int64_t>(labels.size()) != values.nObs())
    throw std::invalid_argument("markersVersusRest: one label per cell needed");
  const int nGroups = static_cast<int>(groupNames.size());
  std::vector<double> size(nGroups, 0);
  double included = 0;
  for (auto l : labels) {
    if (l >= nGroups) throw std::invalid_argument("markersVersusRest: label beyond the group names");
    if (l >= 0) {
      size[l] += 1;
      included += 1;
    }
  }
  if (nGroups < 2) throw InputError({}, "marker genes need at least 2 groups, got " + std::to_string(nGroups),
                                    "cluster with a higher resolution, or compare two groups");
  const CscStorage own = columns ? CscStorage() : toCsc(values);
  const RankSums r = rankSums(columns ? *columns : own, values.nGenes(), labels, nGroups, size, included);
  std::vector<MarkerComparison> out(nGroups);
  parallelFor(0, nGroups, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k) {
      out[k] = compare(r, values.nGenes(), nGroups, static_cast<int>(k), -1, size, options);
      out[k].group = groupNames[k];
      out[k].reference = "rest";
    }
  });
  return out;
}

MarkerComparison markersTwoGroups(const data::CountMatrix& values, const std::vector<std::uint8_t>& inGroup,
                                  const std::vector<std::uint8_t>& inReference, const std::string& groupName,
                                  const std::string& referenceName, const MarkerOptions& options) {
  const auto n = values.nObs();
  if (static_cast<std::int64_t>(inGroup.size()) != n || static_cast<std::int64_t>(inReference.size()) != n)
    throw std::invalid_argument("markersTwoGroups: one flag per cell needed");
  std::vector<std::int32_t> labels(n, -1);
  std::vector<double> size(2, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    if (inGroup[i] && inReference[i])
      throw InputError({}, "cell " + values.obsNames()[i] + " is in both groups", "make the two groups disjoint");
    if (inGroup[i]) labels[i] = 0;
    else if (inReference[i]) labels[i] = 1;
    if (labels[i] >= 0) size[labels[i]] += 1;
  }
  if (size[0] < 1 || size[1] < 1)
    throw InputError({}, "each group needs at least one cell (" + std::to_string(static_cast<long>(size[0])) + " and " +
                             std::to_string(static_cast<long>(size[1])) + ")", "select cells for both groups");
  const CscStorage csc = toCsc(values);
  const RankSums r = rankSums(csc, values.nGenes(), labels, 2, size, size[0] + size[1]);
  MarkerComparison c = compare(r, values.nGenes(), 2, 0, 1, size, options);
  c.group = groupName;
  c.reference = referenceName;
  return c;
}

data::Table markerTable(const std::vector<MarkerComparison>& comparisons, const std::vector<std::string>& genes,
                        std::int64_t topGenes) {
  std::vector<std::string> group, reference, gene, rowNames;
  std::vector<std::int64_t> rank;
  std::vector<double> score, lfc, p, padj, in, out;
  for (const auto& c : comparisons) {
    const std::int64_t rows = topGenes > 0 ? std::min<std::int64_t>(topGenes, c.order.size()) : c.order.size();
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto g = c.order[r];
      group.push_back(c.group);
      reference.push_back(c.reference);
      rank.push_back(r + 1);
      gene.push_back(genes[g]);
      score.push_back(c.scores[g]);
      lfc.push_back(c.logFoldChanges[g]);
      p.push_back(c.pvalues[g]);
      padj.push_back(c.pvaluesAdjusted[g]);
      in.push_back(c.fractionIn[g]);
      out.push_back(c.fractionOut[g]);
      rowNames.push_back(std::to_string(rowNames.size() + 1));
    }
  }
  data::Table t(rowNames);
  t.indexName = "row";
  t.addColumn(data::Column("group", std::move(group)));
  t.addColumn(data::Column("reference", std::move(reference)));
  t.addColumn(data::Column("rank", std::move(rank)));
  t.addColumn(data::Column("gene", std::move(gene)));
  t.addColumn(data::Column("score", std::move(score)));
  t.addColumn(data::Column("logfoldchange", std::move(lfc)));
  t.addColumn(data::Column("pval", std::move(p)));
  t.addColumn(data::Column("pval_adj", std::move(padj)));
  t.addColumn(data::Column("pct_in", std::move(in)));
  t.addColumn(data::Column("pct_out", std::move(out)));
  return t;
}

}  // namespace diffbio::sc
