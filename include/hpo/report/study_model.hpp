#pragma once
// The one model the report fits per study: a Gaussian process on the completed trials (Matern-5/2,
// MAP hyperparameters, fixed seed), used by the contour plot and the parameter importance. This is
// the report's heavy step, so it happens here and only once per study.
//
// The model's scale: values oriented so that lower is better, shaped by Bayesian optimization's
// robust output transform (gp::ValueTransform: the worse-than-median side log-compressed, so that a
// few very bad trials do not flatten everything else; ranks when values as large as 1e300 would
// overflow the fit). to_value() maps the scale back to the objective's units.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/direction.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/study/study.hpp"

namespace hpo::report {

/// A Gaussian process fitted to one study's completed trials (see the file comment); `usable()`
/// false with `reason()` when there is nothing to fit (fewer than 3 completed trials, no parameter,
/// every value the same) or the fit failed.
/// Usage:
///   StudyModel model = StudyModel::fit(digest, options);
///   if (model.usable()) { Eigen::VectorXd t = model.mean(unit_points); double v = model.to_value(t[0]); }
class StudyModel {
 public:
  static StudyModel fit(const StudyDigest& d, const ReportOptions& options) {
    StudyModel model;
    const Study& study = *d.study;
    if (study.space().empty()) return model.unusable("the search space has no parameter");
    if (d.completed.size() < 3)
      return model.unusable("a model needs at least 3 completed trials, the study has " +
                            std::to_string(d.completed.size()));
    const auto chosen = model.choose_trials(d, options.max_model_trials);
    Eigen::VectorXd oriented(static_cast<Eigen::Index>(chosen.size()));
    for (std::size_t i = 0; i < chosen.size(); ++i)
      oriented[static_cast<Eigen::Index>(i)] = lower_is_better(d.trial(chosen[i]).value, study.direction());
    if (oriented.minCoeff() == oriented.maxCoeff()) return model.unusable("every completed trial has the same value");
    model.sign_ = study.direction() == Direction::Minimize ? 1.0 : -1.0;
    model.transform_ = gp::ValueTransform::fit(oriented, true);
    model.encoding_ = ModelEncoding(study.space());
    Eigen::MatrixXd z(static_cast<Eigen::Index>(chosen.size()), model.encoding_.width());
    for (std::size_t i = 0; i < chosen.size(); ++i)
      z.row(static_cast<Eigen::Index>(i)) = model.encoding_.encode(d.trial(chosen[i]).config).transpose();
    const Eigen::VectorXd t = model.transform_(oriented);
    model.lowest_ = t.minCoeff();
    model.highest_ = t.maxCoeff();
    return model.fit_gp(z, t, options.seed);
  }

  bool usable() const noexcept { return usable_; }
  /// Why the model is not usable (empty when it is).
  const std::string& reason() const noexcept { return reason_; }
  /// Which trials the model was fitted to, in words.
  const std::string& description() const noexcept { return description_; }
  const SearchSpace& space() const noexcept { return encoding_.space(); }

  /// Posterior means, on the model's scale (lower is better), at points of the parameters' unit
  /// cube (one per row; categorical coordinates pick their category's cell).
  Eigen::VectorXd mean(const Eigen::MatrixXd& unit_points) const {
    // Batch by batch (ModelEncoding::rows_per_batch): the importance of a categorical of 3,000
    // categories predicts 384,000 points, 9 GB of model points at once.
    Eigen::VectorXd result(unit_points.rows());
    const Eigen::Index batch = encoding_.rows_per_batch();
    for (Eigen::Index first = 0; first < unit_points.rows(); first += batch) {
      const Eigen::Index count = std::min(batch, unit_points.rows() - first);
      result.segment(first, count) = gp_->predict_mean(encoding_.from_unit_rows(unit_points.middleRows(first, count)));
    }
    return result;
  }

  /// A value of the model's scale in the objective's units (clamped to a tenth of the range the
  /// trials span beyond it, where the model says little anyway).
  double to_value(double t) const {
    const double margin = (highest_ - lowest_) / 10;
    t = std::clamp(std::isfinite(t) ? t : highest_, lowest_ - margin, highest_ + margin);
    return sign_ * transform_.inverse(t);
  }

 private:
  StudyModel& unusable(std::string why) {
    usable_ = false;
    reason_ = std::move(why);
    return *this;
  }

  // All completed trials when they are few; otherwise the best quarter and an even spread of the
  // rest, so that the model knows the good region well and the whole space roughly.
  std::vector<std::size_t> choose_trials(const StudyDigest& d, std::size_t most) {
    most = std::max<std::size_t>(most, 3);
    std::vector<std::size_t> chosen;
    if (d.completed.size() <= most) {
      chosen = d.completed;
      description_ = "fitted to all " + std::to_string(chosen.size()) + " completed trials";
      return chosen;
    }
    const std::size_t best = most / 4, rest = most - best;
    chosen.assign(d.ranked.begin(), d.ranked.begin() + static_cast<std::ptrdiff_t>(best));
    std::vector<std::size_t> others(d.ranked.begin() + static_cast<std::ptrdiff_t>(best), d.ranked.end());
    std::sort(others.begin(), others.end());
    for (std::size_t k = 0; k < rest; ++k) chosen.push_back(others[k * others.size() / rest]);
    description_ = "fitted to " + std::to_string(most) + " of the " + std::to_string(d.completed.size()) +
                   " completed trials (the best " + std::to_string(best) + " and an even spread of the rest)";
    return chosen;
  }

  StudyModel& fit_gp(const Eigen::MatrixXd& z, const Eigen::VectorXd& t, std::uint64_t seed) {
    gp_.emplace(gp::GaussianProcessOptions{.random_restarts = 2, .seed = seed},
                gp::SelectedKernel(0, KernelType::Matern52));
    std::string warnings;
    gp_->set_warning_sink([&warnings](const std::string& message) { warnings = message; });
    try {
      gp_->fit(z, t);
    } catch (const std::exception& e) {
      gp_.reset();
      return unusable(std::string("the Gaussian process could not be fitted: ") + e.what());
    }
    gp_->set_warning_sink([](const std::string&) {});
    usable_ = true;
    if (!warnings.empty()) description_ += " (" + warnings + ")";
    return *this;
  }

  bool usable_ = false;
  std::string reason_, description_;
  ModelEncoding encoding_;
  std::optional<gp::SelectedGaussianProcess> gp_;  // the optimizers' GP type: compiled once per program
  gp::ValueTransform transform_;
  double sign_ = 1.0, lowest_ = 0.0, highest_ = 0.0;
};

}  // namespace hpo::report
