#include "core/data/count_matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace diffbio::data {

namespace {

void checkNames(std::int64_t nObs, std::int64_t nGenes, const std::vector<std::string>& obsNames,
                const std::vector<std::string>& geneNames) {
  if (static_cast<std::int64_t>(obsNames.size()) != nObs || static_cast<std::int64_t>(geneNames.size()) != nGenes) {
    throw std::invalid_argument("CountMatrix: " + std::to_string(obsNames.size()) + " observation names and " +
                                std::to_string(geneNames.size()) + " gene names for a " + std::to_string(nObs) +
                                " x " + std::to_string(nGenes) + " matrix");
  }
}

template <typename T>
void updateFlags(ValueFlags& flags, T value) {
  if (!std::isfinite(value)) {
    flags.allFinite = false;
    flags.allInteger = false;
    return;
  }
  if (value < 0) flags.nonNegative = false;
  if (value != std::floor(value)) flags.allInteger = false;
}

}  // namespace

CountMatrix CountMatrix::fromDense(Dense values, std::vector<std::string> obsNames,
                                   std::vector<std::string> geneNames, AssayKind kind) {
  CountMatrix m;
  m.nObs_ = values.rows();
  m.nGenes_ = values.cols();
  checkNames(m.nObs_, m.nGenes_, obsNames, geneNames);
  m.sparse_ = false;
  m.kind_ = kind;
  m.dense_ = std::move(values);
  m.obsNames_ = std::move(obsNames);
  m.geneNames_ = std::move(geneNames);
  m.computeFlags();
  return m;
}

CountMatrix CountMatrix::fromCsr(std::int64_t nObs, std::int64_t nGenes, CsrStorage csr,
                                 std::vector<std::string> obsNames, std::vector<std::string> geneNames,
                                 AssayKind kind) {
  checkNames(nObs, nGenes, obsNames, geneNames);
  if (static_cast<std::int64_t>(csr.indptr.size()) != nObs + 1 || csr.indptr.front() != 0 ||
      csr.indptr.back() != static_cast<std::int64_t>(csr.indices.size()) ||
      csr.indices.size() != csr.values.size()) {
    throw std::invalid_argument("CountMatrix: inconsistent CSR arrays");
  }
  for (std::int64_t r = 0; r < nObs; ++r) {
    const std::int64_t begin = csr.indptr[r], end = csr.indptr[r + 1];
    if (end < begin) throw std::invalid_argument("CountMatrix: CSR row pointers decrease at row " + std::to_string(r));
    for (std::int64_t k = begin; k < end; ++k) {
      const std::int32_t c = csr.indices[k];
      if (c < 0 || c >= nGenes) throw std::invalid_argument("CountMatrix: CSR column index out of range");
      if (k > begin && c <= csr.indices[k - 1]) {
        throw std::invalid_argument("CountMatrix: CSR column indices not strictly increasing in row " +
                                    std::to_string(r));
      }
    }
  }
  CountMatrix m;
  m.nObs_ = nObs;
  m.nGenes_ = nGenes;
  m.sparse_ = true;
  m.kind_ = kind;
  m.csr_ = std::move(csr);
  m.obsNames_ = std::move(obsNames);
  m.geneNames_ = std::move(geneNames);
  m.computeFlags();
  return m;
}

void CountMatrix::computeFlags() {
  flags_ = ValueFlags{};
  if (sparse_) {
    for (float v : csr_.values) updateFlags(flags_, v);
  } else {
    const double* data = dense_.data();
    for (Eigen::Index i = 0; i < dense_.size(); ++i) updateFlags(flags_, data[i]);
  }
}

const CountMatrix::Dense& CountMatrix::dense() const {
  if (sparse_) throw std::logic_error("CountMatrix::dense() called on sparse storage");
  return dense_;
}

const CsrStorage& CountMatrix::csr() const {
  if (!sparse_) throw std::logic_error("CountMatrix::csr() called on dense storage");
  return csr_;
}

double CountMatrix::at(std::int64_t obs, std::int64_t gene) const {
  if (!sparse_) return dense_(obs, gene);
  const auto begin = csr_.indices.begin() + csr_.indptr[obs];
  const auto end = csr_.indices.begin() + csr_.indptr[obs + 1];
  const auto it = std::lower_bound(begin, end, static_cast<std::int32_t>(gene));
  return (it != end && *it == gene) ? csr_.values[it - csr_.indices.begin()] : 0.0;
}

std::int64_t CountMatrix::nnz() const {
  if (sparse_) return static_cast<std::int64_t>(csr_.values.size());
  return static_cast<std::int64_t>((dense_.array() != 0.0).count());
}

double CountMatrix::density() const {
  const double cells = static_cast<double>(nObs_) * static_cast<double>(nGenes_);
  return cells > 0 ? static_cast<double>(nnz()) / cells : 0.0;
}

Eigen::VectorXd CountMatrix::obsSums() const {
  if (!sparse_) return dense_.rowwise().sum();
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(nObs_);
  for (std::int64_t r = 0; r < nObs_; ++r) {
    double s = 0;
    for (std::int64_t k = csr_.indptr[r]; k < csr_.indptr[r + 1]; ++k) s += csr_.values[k];
    sums[r] = s;
  }
  return sums;
}

Eigen::VectorXd CountMatrix::geneSums() const {
  if (!sparse_) return dense_.colwise().sum().transpose();
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(nGenes_);
  for (std::size_t k = 0; k < csr_.values.size(); ++k) sums[csr_.indices[k]] += csr_.values[k];
  return sums;
}

Eigen::VectorXd CountMatrix::obsMeans() const {
  return nGenes_ > 0 ? Eigen::VectorXd(obsSums() / static_cast<double>(nGenes_)) : Eigen::VectorXd::Zero(nObs_);
}

Eigen::VectorXd CountMatrix::geneMeans() const {
  return nObs_ > 0 ? Eigen::VectorXd(geneSums() / static_cast<double>(nObs_)) : Eigen::VectorXd::Zero(nGenes_);
}

CountMatrix CountMatrix::toDense() const {
  if (!sparse_) return *this;
  Dense values = Dense::Zero(nObs_, nGenes_);
  for (std::int64_t r = 0; r < nObs_; ++r)
    for (std::int64_t k = csr_.indptr[r]; k < csr_.indptr[r + 1]; ++k) values(r, csr_.indices[k]) = csr_.values[k];
  return fromDense(std::move(values), obsNames_, geneNames_, kind_);
}

CountMatrix CountMatrix::toSparse() const {
  if (sparse_) return *this;
  CsrStorage csr;
  csr.indptr.reserve(nObs_ + 1);
  csr.indptr.push_back(0);
  for (std::int64_t r = 0; r < nObs_; ++r) {
    for (std::int64_t c = 0; c < nGenes_; ++c) {
      const double v = dense_(r, c);
      if (v != 0.0) {
        csr.indices.push_back(static_cast<std::int32_t>(c));
        csr.values.push_back(static_cast<float>(v));
      }
    }
    csr.indptr.push_back(static_cast<std::int64_t>(csr.indices.size()));
  }
  return fromCsr(nObs_, nGenes_, std::move(csr), obsNames_, geneNames_, kind_);
}

CountMatrix CountMatrix::selectGenes(const std::vector<std::int64_t>& genes) const {
  std::vector<std::string> names;
  names.reserve(genes.size());
  for (auto g : genes) names.push_back(geneNames_.at(g));
  if (!sparse_) {
    Dense values(nObs_, static_cast<Eigen::Index>(genes.size()));
    for (std::size_t j = 0; j < genes.size(); ++j) values.col(j) = dense_.col(genes[j]);
    return fromDense(std::move(values), obsNames_, std::move(names), kind_);
  }
  // Map old column -> new column(s); a gene may be selected once only, in any order.
  std::vector<std::int32_t> newIndex(nGenes_, -1);
  for (std::size_t j = 0; j < genes.size(); ++j) newIndex[genes[j]] = static_cast<std::int32_t>(j);
  CsrStorage out;
  out.indptr.reserve(nObs_ + 1);
  out.indptr.push_back(0);
  std::vector<std::pair<std::int32_t, float>> row;
  for (std::int64_t r = 0; r < nObs_; ++r) {
    row.clear();
    for (std::int64_t k = csr_.indptr[r]; k < csr_.indptr[r + 1]; ++k) {
      const std::int32_t to = newIndex[csr_.indices[k]];
      if (to >= 0) row.emplace_back(to, csr_.values[k]);
    }
    std::sort(row.begin(), row.end());
    for (const auto& [c, v] : row) {
      out.indices.push_back(c);
      out.values.push_back(v);
    }
    out.indptr.push_back(static_cast<std::int64_t>(out.indices.size()));
  }
  return fromCsr(nObs_, static_cast<std::int64_t>(genes.size()), std::move(out), obsNames_, std::move(names), kind_);
}

CountMatrix CountMatrix::selectObs(const std::vector<std::int64_t>& obs) const {
  std::vector<std::string> names;
  names.reserve(obs.size());
  for (auto o : obs) names.push_back(obsNames_.at(o));
  if (!sparse_) {
    Dense values(static_cast<Eigen::Index>(obs.size()), nGenes_);
    for (std::size_t i = 0; i < obs.size(); ++i) values.row(i) = dense_.row(obs[i]);
    return fromDense(std::move(values), std::move(names), geneNames_, kind_);
  }
  CsrStorage out;
  out.indptr.reserve(obs.size() + 1);
  out.indptr.push_back(0);
  for (auto o : obs) {
    out.indices.insert(out.indices.end(), csr_.indices.begin() + csr_.indptr[o], csr_.indices.begin() + csr_.indptr[o + 1]);
    out.values.insert(out.values.end(), csr_.values.begin() + csr_.indptr[o], csr_.values.begin() + csr_.indptr[o + 1]);
    out.indptr.push_back(static_cast<std::int64_t>(out.indices.size()));
  }
  return fromCsr(static_cast<std::int64_t>(obs.size()), nGenes_, std::move(out), std::move(names), geneNames_, kind_);
}

bool CountMatrix::sameValues(const CountMatrix& other) const {
  if (nObs_ != other.nObs_ || nGenes_ != other.nGenes_) return false;
  if (obsNames_ != other.obsNames_ || geneNames_ != other.geneNames_) return false;
  if (sparse_ && other.sparse_) {
    return csr_.indptr == other.csr_.indptr && csr_.indices == other.csr_.indices && csr_.values == other.csr_.values;
  }
  for (std::int64_t r = 0; r < nObs_; ++r)
    for (std::int64_t c = 0; c < nGenes_; ++c)
      if (at(r, c) != other.at(r, c)) return false;
  return true;
}

}  // namespace diffbio::data
