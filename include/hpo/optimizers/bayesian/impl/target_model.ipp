#pragma once
// Bodies of target_model.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/target_model.hpp"

namespace hpo::bayesian {

HPO_INLINE void TargetModel::reset() {
  process_.reset();
  own_fit_.resize(0);
  modeled_.clear();
  order_.clear();
  values_.clear();
  encoded_.clear();
}

HPO_INLINE std::optional<gp::SelectedGaussianProcess> TargetModel::with_running_trials(
    const Study& study, const ModelEncoding& encoding, std::optional<double> lie,
    const std::function<double(const Eigen::VectorXd&)>& explained) const {
  std::optional<gp::SelectedGaussianProcess> fantasy;
  for (const auto& trial : study.trials()) {
    if (!trial.running()) continue;
    if (!fantasy) fantasy.emplace(*process_);
    const Eigen::VectorXd z = encoding.encode(trial.config);
    fantasy->add_observation(z, lie ? *lie - (explained ? explained(z) : 0.0) : fantasy->predict(z).mean);
  }
  return fantasy;
}

HPO_INLINE std::vector<const Trial*> TargetModel::fresh_trials(const Study& study) const {
  std::vector<const Trial*> fresh;
  for (const auto& trial : study.trials())
    if (models(trial) && !modeled_.contains(trial.number)) fresh.push_back(&trial);
  return fresh;
}

HPO_INLINE TargetModel::Data TargetModel::refit(const Study& study, const ModelEncoding& encoding, int restarts) {
  Data data = gather(study, encoding);
  gp::fit_continuing(*process_, data.X, data.y, restarts, own_fit_);
  return data;
}

HPO_INLINE TargetModel::Data TargetModel::refit_keeping_hyperparameters(const Study& study,
                                                                        const ModelEncoding& encoding) {
  if (own_fit_.size() == 0) return refit(study, encoding, 0);
  Data data = gather(study, encoding);
  process_->set_log_hyperparameters(own_fit_);
  process_->fit_with_fixed_hyperparameters(data.X, data.y);
  return data;
}

HPO_INLINE TargetModel::Data TargetModel::gather(const Study& study, const ModelEncoding& encoding) {
  std::size_t n = 0;
  for (const auto& trial : study.trials()) n += models(trial);
  Data data{Eigen::MatrixXd(static_cast<Eigen::Index>(n), encoding.width()), Eigen::VectorXd()};
  std::vector<double> observed;  // the values of the rows that are not failures, in order
  std::vector<bool> failed(n);
  Eigen::Index row = 0;
  modeled_.clear();
  order_.clear();
  for (const auto& trial : study.trials()) {
    if (!models(trial)) continue;
    data.X.row(row) = encoded(trial, encoding).transpose();
    failed[static_cast<std::size_t>(row++)] = trial.failed();
    if (!trial.failed()) observed.push_back(lower_is_better(trial.value, study.direction()));
    modeled_.insert(trial.number);
    order_.push_back(trial.number);
  }
  // The transform is fitted to the values observed; failures then take the worst of them.
  const Eigen::VectorXd raw =
      Eigen::Map<const Eigen::VectorXd>(observed.data(), static_cast<Eigen::Index>(observed.size()));
  transform_ = gp::ValueTransform::fit(raw, robust_);
  const Eigen::VectorXd shaped = transform_(raw);
  best_ = shaped.minCoeff();
  worst_ = shaped.maxCoeff();
  data.y.resize(static_cast<Eigen::Index>(n));
  for (Eigen::Index r = 0, k = 0; r < data.y.size(); ++r)
    data.y[r] = failed[static_cast<std::size_t>(r)] ? worst_ : shaped[k++];
  sum_ = data.y.sum();
  if (!process_)
    process_.emplace(gp::GaussianProcessOptions{.seed = seed_, .prior_mean = prior_mean_},
                     gp::SelectedKernel(0, kernel_));
  if (max_points_ > 0 && n > max_points_) data = subset(std::move(data));
  values_.assign(data.y.begin(), data.y.end());
  process_->set_priors(priors_);
  return data;
}

HPO_INLINE double TargetModel::modeled_value(const Study& study, const Trial& trial) const {
  return trial.failed() ? worst_ : transform_(lower_is_better(trial.value, study.direction()));
}

HPO_INLINE double TargetModel::surprise(const Study& study, const Trial& trial, const Eigen::VectorXd& z,
                                        double explained) const {
  const double y = modeled_value(study, trial);
  const gp::Prediction prediction = process_->predict(z);
  const double scale = process_->output_standardization().scale;
  return std::abs(y - explained - prediction.mean) /
         std::sqrt(prediction.variance + process_->noise_variance() * scale * scale);
}

HPO_INLINE void TargetModel::add(const Study& study, const Trial& trial, const Eigen::VectorXd& z, double explained) {
  const double y = modeled_value(study, trial);
  process_->add_observation(z, y - explained);
  modeled_.insert(trial.number);
  order_.push_back(trial.number);
  values_.push_back(y);
  best_ = std::min(best_, y);
  worst_ = std::max(worst_, y);
  sum_ += y;
}

HPO_INLINE const Eigen::VectorXd& TargetModel::encoded(const Trial& trial, const ModelEncoding& encoding) {
  if (encoded_.size() <= trial.number) encoded_.resize(trial.number + 1);
  Eigen::VectorXd& z = encoded_[trial.number];
  if (z.size() == 0) z = encoding.encode(trial.config);
  return z;
}

HPO_INLINE TargetModel::Data TargetModel::subset(Data all) {
  const std::vector<Eigen::Index> rows =
      model_subset(all.X, all.y, process_->hyperparameters().length_scales, max_points_);
  Data kept{Eigen::MatrixXd(static_cast<Eigen::Index>(rows.size()), all.X.cols()),
            Eigen::VectorXd(static_cast<Eigen::Index>(rows.size()))};
  std::vector<std::size_t> numbers;
  numbers.reserve(rows.size());
  for (Eigen::Index k = 0; k < kept.X.rows(); ++k) {
    const Eigen::Index r = rows[static_cast<std::size_t>(k)];
    kept.X.row(k) = all.X.row(r);
    kept.y(k) = all.y(r);
    numbers.push_back(order_[static_cast<std::size_t>(r)]);
  }
  order_ = std::move(numbers);
  return kept;
}

}  // namespace hpo::bayesian
