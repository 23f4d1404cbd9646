#pragma once
// Principal components of a dense cells x genes matrix (the scaled highly variable genes). Columns are centred
// first (as scanpy/sklearn do). When one side has at most `exactBelow` entries the exact components come from the
// eigen-decomposition of the small Gram matrix (in double); otherwise Halko et al.'s randomized SVD with power
// iterations (seeded, so results are reproducible).
//
// Signs are made deterministic by one rule: in each component the gene loading with the largest absolute value
// is positive. (sklearn's svd_flip instead looks at the cell scores; a loading-based rule does not change when
// cells are added or removed.)
#include <cstdint>

#include <Eigen/Core>

#include "core/singlecell/scale.h"

namespace diffbio::sc {

struct PcaOptions {
  int nComponents = 50;
  int oversamples = 10;
  int powerIterations = 4;   // sklearn uses 7 when nComponents < 10 % of the smaller dimension; 4 is enough for
                             // the leading components here (tested against the exact SVD) at 60 % of the cost
  std::uint64_t seed = 0;
  int exactBelow = 500;      // exact SVD when the smaller dimension is at most this
};

struct PcaResult {
  Eigen::MatrixXd scores;           // cells x components (U * S: scanpy's X_pca)
  Eigen::MatrixXd loadings;         // genes x components (scanpy's varm['PCs'])
  Eigen::VectorXd variance;         // S^2 / (n - 1)
  Eigen::VectorXd varianceRatio;    // of the total variance of the centred matrix
};

// nComponents is capped at min(cells - 1, genes) (at least 1); InputError with fewer than 2 cells.
PcaResult pca(const DenseF& x, const PcaOptions& options = {});

}  // namespace diffbio::sc
