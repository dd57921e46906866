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
#include "hpo/core/linkage.hpp"
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
  static StudyModel fit(const StudyDigest& d, const ReportOptions& options);

  bool usable() const noexcept { return usable_; }
  /// Why the model is not usable (empty when it is).
  const std::string& reason() const noexcept { return reason_; }
  /// Which trials the model was fitted to, in words.
  const std::string& description() const noexcept { return description_; }
  const SearchSpace& space() const noexcept { return encoding_.space(); }

  /// Posterior means, on the model's scale (lower is better), at points of the parameters' unit
  /// cube (one per row; categorical coordinates pick their category's cell).
  Eigen::VectorXd mean(const Eigen::MatrixXd& unit_points) const;

  /// A value of the model's scale in the objective's units (clamped to a tenth of the range the
  /// trials span beyond it, where the model says little anyway).
  double to_value(double t) const;

 private:
  StudyModel& unusable(std::string why);

  // All completed trials when they are few; otherwise the best quarter and an even spread of the
  // rest, so that the model knows the good region well and the whole space roughly.
  std::vector<std::size_t> choose_trials(const StudyDigest& d, std::size_t most);

  StudyModel& fit_gp(const Eigen::MatrixXd& z, const Eigen::VectorXd& t, std::uint64_t seed);

  bool usable_ = false;
  std::string reason_, description_;
  ModelEncoding encoding_;
  std::optional<gp::SelectedGaussianProcess> gp_;  // the optimizers' GP type: compiled once per program
  gp::ValueTransform transform_;
  double sign_ = 1.0, lowest_ = 0.0, highest_ = 0.0;
};

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/study_model.ipp"
#endif
