#pragma once
// The surrogate model's view of a search space: reals and integers as one coordinate each,
// categoricals one-hot, so that a kernel sees no false order between categories.

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/space/search_space.hpp"

namespace hpo {

/// Maps configurations (and points u of the parameter unit cube) to model vectors z: a real
/// keeps its unit coordinate; an integer takes the centre of its value's cell, so every model
/// point is a valid configuration and rounding never folds two proposals onto one trial
/// (Garrido-Merchan & Hernandez-Lobato, Neurocomputing 2020); a categorical with k values becomes k
/// one-hot coordinates.
/// It serves the surrogate models (the target's and the sources' Gaussian processes).
/// Usage: `hpo::ModelEncoding encoding(space); Eigen::VectorXd z = encoding.encode(config);`
class ModelEncoding {
 public:
  ModelEncoding() = default;
  explicit ModelEncoding(const SearchSpace& space) : space_(space) {
    for (const auto& p : space.parameters()) {
      offsets_.push_back(width_);
      const auto width = p.kind == ParameterKind::Categorical ? static_cast<Eigen::Index>(p.categories.size()) : 1;
      if (p.kind == ParameterKind::Real) {
        continuous_.push_back(width_);
        real_parameters_.push_back(static_cast<Eigen::Index>(offsets_.size() - 1));
      }
      width_ += width;
    }
  }

  const SearchSpace& space() const noexcept { return space_; }
  Eigen::Index width() const noexcept { return width_; }
  /// Model coordinates of the real parameters: the only ones a gradient step may move.
  const std::vector<Eigen::Index>& continuous() const noexcept { return continuous_; }
  /// The parameter index of each continuous model coordinate (in the order of continuous()).
  const std::vector<Eigen::Index>& real_parameters() const noexcept { return real_parameters_; }

  Eigen::VectorXd encode(const Config& config) const { return from_unit(space_.to_unit(config)); }

  /// The model point of the configuration that the unit point u decodes to. Throws
  /// std::invalid_argument when u has the wrong size or a non-finite coordinate (naming its
  /// parameter), as SearchSpace::from_unit does.
  Eigen::VectorXd from_unit(const Eigen::Ref<const Eigen::VectorXd>& u) const {
    check_unit_point(u);
    Eigen::VectorXd z = Eigen::VectorXd::Zero(width_);
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      const auto& p = space_.parameters()[i];
      const double ui = std::clamp(u[static_cast<Eigen::Index>(i)], 0.0, 1.0);
      if (p.kind == ParameterKind::Real) {
        z[offsets_[i]] = ui;
      } else if (p.kind == ParameterKind::Integer) {
        z[offsets_[i]] = p.to_unit(p.from_unit(ui));
      } else {
        z[offsets_[i] + static_cast<Eigen::Index>(detail::cell_index(ui, p.categories.size()))] = 1.0;
      }
    }
    return z;
  }

  /// The model points of many unit points (one per row of `unit_points`), one per row: from_unit()
  /// of each, written column by column (the matrix is column-major: row by row, a wide encoding's
  /// writes would each miss the cache). Usage: `Eigen::MatrixXd z = encoding.from_unit_rows(U);`
  Eigen::MatrixXd from_unit_rows(const Eigen::Ref<const Eigen::MatrixXd>& unit_points) const {
    const Eigen::Index rows = unit_points.rows();
    for (Eigen::Index r = 0; r < rows; ++r) check_unit_point(unit_points.row(r).transpose());
    Eigen::MatrixXd z = Eigen::MatrixXd::Zero(rows, width_);
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      const auto& p = space_.parameters()[i];
      const auto coordinate = static_cast<Eigen::Index>(i);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const double ui = std::clamp(unit_points(r, coordinate), 0.0, 1.0);
        if (p.kind == ParameterKind::Real)
          z(r, offsets_[i]) = ui;
        else if (p.kind == ParameterKind::Integer)
          z(r, offsets_[i]) = p.to_unit(p.from_unit(ui));
        else
          z(r, offsets_[i] + static_cast<Eigen::Index>(detail::cell_index(ui, p.categories.size()))) = 1.0;
      }
    }
    return z;
  }

  /// How many unit points to encode and predict at once: model points of at most 2^14 coordinates
  /// in all, so that a batch's matrices (its model points, their scaled copy, the cross
  /// covariances) stay in the cache and below malloc's mmap threshold. Larger batches are fresh
  /// mappings, each page faulted in and zeroed, and a wide encoding makes them huge: 2,500
  /// candidates of 3,000 categories are 60 MB, a report's 384,000 importance points 9 GB.
  Eigen::Index rows_per_batch() const noexcept {
    constexpr Eigen::Index kBatchCoordinates = Eigen::Index{1} << 14;
    return std::max<Eigen::Index>(1, kBatchCoordinates / std::max<Eigen::Index>(width_, 1));
  }

  /// The parameter unit point of a model point (categories by their largest coordinate).
  Eigen::VectorXd to_unit(const Eigen::Ref<const Eigen::VectorXd>& z) const {
    Eigen::VectorXd u(static_cast<Eigen::Index>(offsets_.size()));
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      const auto& p = space_.parameters()[i];
      if (p.kind == ParameterKind::Categorical) {
        Eigen::Index best = 0;
        z.segment(offsets_[i], static_cast<Eigen::Index>(p.categories.size())).maxCoeff(&best);
        u[static_cast<Eigen::Index>(i)] = (static_cast<double>(best) + 0.5) / static_cast<double>(p.categories.size());
      } else {
        u[static_cast<Eigen::Index>(i)] = z[offsets_[i]];
      }
    }
    return u;
  }

  Config decode(const Eigen::Ref<const Eigen::VectorXd>& z) const { return space_.from_unit(to_unit(z)); }

 private:
  void check_unit_point(const Eigen::Ref<const Eigen::VectorXd>& u) const {
    if (u.size() != static_cast<Eigen::Index>(offsets_.size()))
      throw std::invalid_argument("hpo::ModelEncoding::from_unit: got " + std::to_string(u.size()) +
                                  " coordinates for " + std::to_string(offsets_.size()) + " parameters");
    for (std::size_t i = 0; i < offsets_.size(); ++i)
      space_.parameters()[i].check_unit(u[static_cast<Eigen::Index>(i)]);
  }

  SearchSpace space_;
  std::vector<Eigen::Index> offsets_;
  std::vector<Eigen::Index> continuous_;
  std::vector<Eigen::Index> real_parameters_;
  Eigen::Index width_ = 0;
};

}  // namespace hpo
