#pragma once
// Quality measures of clusterings and embeddings:
//   adjustedRandIndex — Hubert & Arabie's ARI (sklearn's adjusted_rand_score), from the contingency table;
//   trustworthiness   — Venna & Kaski's measure of how many embedding neighbours are true neighbours, exactly as
//                       sklearn.manifold.trustworthiness computes it (Euclidean, ranks among all other points).
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace diffbio::sc {

// Labels are any integers (negative = missing is not special: every value is a label). Equal lengths.
double adjustedRandIndex(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b);

// `original` and `embedded`: cells x dimensions, same rows. Needs k < n / 2. O(n^2) time, O(n) memory per row.
double trustworthiness(const Eigen::MatrixXd& original, const Eigen::MatrixXd& embedded, int k = 5);

}  // namespace diffbio::sc
