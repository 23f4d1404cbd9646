#include "core/singlecell/leiden.h"

#include <igraph/igraph.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

namespace diffbio::sc {

namespace {

// igraph's random generator and error handler are process-wide: one Leiden run at a time.
std::mutex& igraphMutex() {
  static std::mutex m;
  return m;
}

void check(igraph_error_t code, const char* what) {
  if (code != IGRAPH_SUCCESS) throw std::runtime_error(std::string("igraph: ") + what + ": " + igraph_strerror(code));
}

// Owns igraph objects so an exception cannot leak them.
struct IgraphObjects {
  igraph_t graph{};
  bool hasGraph = false;
  igraph_vector_int_t edges{}, membership{};
  igraph_vector_t weights{}, strengths{};
  IgraphObjects() {
    igraph_vector_int_init(&edges, 0);
    igraph_vector_int_init(&membership, 0);
    igraph_vector_init(&weights, 0);
    igraph_vector_init(&strengths, 0);
  }
  ~IgraphObjects() {
    if (hasGraph) igraph_destroy(&graph);
    igraph_vector_int_destroy(&edges);
    igraph_vector_int_destroy(&membership);
    igraph_vector_destroy(&weights);
    igraph_vector_destroy(&strengths);
  }
};

}  // namespace

LeidenResult leiden(const CellGraph& g, const LeidenOptions& options) {
  const std::int64_t n = g.nCells;
  LeidenResult result;
  if (n == 0) return result;
  std::lock_guard<std::mutex> lock(igraphMutex());
  igraph_error_handler_t* previous = igraph_set_error_handler(igraph_error_handler_ignore);
  struct RestoreHandler {
    igraph_error_handler_t* h;
    ~RestoreHandler() { igraph_set_error_handler(h); }
  } restore{previous};

  IgraphObjects o;
  std::vector<double> strength(n, 0.0);
  double twiceTotal = 0;
  const std::int64_t m = g.nEdges();
  check(igraph_vector_int_resize(&o.edges, 2 * m), "edges");
  check(igraph_vector_resize(&o.weights, m), "weights");
  std::int64_t e = 0;
  for (std::int64_t i = 0; i < n; ++i)
    for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p) {
      strength[i] += g.weights[p];
      twiceTotal += g.weights[p];
      const std::int64_t j = g.indices[p];
      if (j <= i) continue;  // each undirected edge once
      VECTOR(o.edges)[2 * e] = i;
      VECTOR(o.edges)[2 * e + 1] = j;
      VECTOR(o.weights)[e] = g.weights[p];
      ++e;
    }
  check(igraph_vector_int_resize(&o.edges, 2 * e), "edges");
  check(igraph_vector_resize(&o.weights, e), "weights");
  check(igraph_create(&o.graph, &o.edges, n, IGRAPH_UNDIRECTED), "create graph");
  o.hasGraph = true;
  check(igraph_vector_resize(&o.strengths, n), "strengths");
  for (std::int64_t i = 0; i < n; ++i) VECTOR(o.strengths)[i] = strength[i];

  if (twiceTotal <= 0) {  // no edges: every cell its own cluster
    result.membership.resize(n);
    std::iota(result.membership.begin(), result.membership.end(), 0);
    result.nClusters = static_cast<int>(n);
    return result;
  }
  igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(options.seed));
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  // Modularity: node weights = strengths and resolution / (2m) (igraph's documented reduction).
  check(igraph_community_leiden(&o.graph, &o.weights, &o.strengths, options.resolution / twiceTotal, options.beta,
                                false, options.iterations, &o.membership, &clusters, &quality),
        "Leiden");

  // Renumber by decreasing size (ties: by first appearance).
  std::vector<std::int64_t> size(clusters, 0), first(clusters, n);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto c = VECTOR(o.membership)[i];
    ++size[c];
    first[c] = std::min(first[c], i);
  }
  std::vector<std::int32_t> order(clusters);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return size[a] != size[b] ? size[a] > size[b] : first[a] < first[b]; });
  std::vector<std::int32_t> rank(clusters);
  for (int r = 0; r < clusters; ++r) rank[order[r]] = r;
  result.membership.resize(n);
  for (std::int64_t i = 0; i < n; ++i) result.membership[i] = rank[VECTOR(o.membership)[i]];
  result.nClusters = static_cast<int>(clusters);
  // Modularity with resolution: sum over clusters of (internal weight / 2m) - resolution * (strength / 2m)^2.
  std::vector<double> internal(clusters, 0), total(clusters, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    total[result.membership[i]] += strength[i];
    for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p)
      if (result.membership[g.indices[p]] == result.membership[i]) internal[result.membership[i]] += g.weights[p];
  }
  for (int c = 0; c < clusters; ++c)
    result.modularity += internal[c] / twiceTotal - options.resolution * (total[c] / twiceTotal) * (total[c] / twiceTotal);
  return result;
}

}  // namespace diffbio::sc
