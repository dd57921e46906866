#pragma once
// Bodies of study_model.hpp; see core/linkage.hpp.
#include "hpo/report/study_model.hpp"

namespace hpo::report {

HPO_INLINE StudyModel StudyModel::fit(const StudyDigest& d, const ReportOptions& options) {
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

HPO_INLINE Eigen::VectorXd StudyModel::mean(const Eigen::MatrixXd& unit_points) const {
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

HPO_INLINE double StudyModel::to_value(double t) const {
  const double margin = (highest_ - lowest_) / 10;
  t = std::clamp(std::isfinite(t) ? t : highest_, lowest_ - margin, highest_ + margin);
  return sign_ * transform_.inverse(t);
}

HPO_INLINE StudyModel& StudyModel::unusable(std::string why) {
  usable_ = false;
  reason_ = std::move(why);
  return *this;
}

HPO_INLINE std::vector<std::size_t> StudyModel::choose_trials(const StudyDigest& d, std::size_t most) {
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

HPO_INLINE StudyModel& StudyModel::fit_gp(const Eigen::MatrixXd& z, const Eigen::VectorXd& t, std::uint64_t seed) {
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

}  // namespace hpo::report
