#pragma once
// Bodies of transfer_surrogate.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/transfer/ranking_weights.hpp"
#include "hpo/transfer/source_basis.hpp"
#include "hpo/transfer/source_model_cache.hpp"
#include "hpo/transfer/source_model_store.hpp"
#include "hpo/transfer/transfer_surrogate.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo::transfer {

HPO_INLINE bool CombinedSurrogate::source_used(std::size_t i) const {
  return (ensemble() && weights[static_cast<Eigen::Index>(i)] > 0.0) || in_basis(i);
}

// Only the sources' means enter, never their variances: a source GP is fitted to its own trials,
// which cluster at its optimum, so its variance is large wherever the source did not look and
// says nothing of what the target's evidence leaves open; with it, the acquisition chased the
// places the weighted sources never sampled. Nor does the target's variance shrink with its
// weight (RGPE's w^2 sigma^2): a target that has ranked few observations still knows as little
// as its own model says. Both were measured against this (bench/results/transfer_library.md).
HPO_INLINE gp::BatchPrediction CombinedSurrogate::predict(const Eigen::MatrixXd& Z) const {
  gp::BatchPrediction result = target->predict(Z);
  if (!needs_sources()) return result;
  std::vector<Eigen::VectorXd> source_mean(sources->size());
  for (std::size_t i = 0; i < sources->size(); ++i)
    source_mean[i] = source_used(i) ? (*sources)[i].predict_mean(Z) : Eigen::VectorXd::Zero(Z.rows());
  if (basis) {
    Eigen::MatrixXd h(Z.rows(), static_cast<Eigen::Index>(source_mean.size()));
    for (std::size_t i = 0; i < source_mean.size(); ++i) h.col(static_cast<Eigen::Index>(i)) = source_mean[i];
    const auto regression = basis->predict(h);
    result.mean += regression.mean;
    result.variance += regression.variance;
  }
  if (!ensemble()) return result;
  const double w_target = weights[weights.size() - 1];
  result.mean *= w_target;
  for (std::size_t i = 0; i < source_mean.size(); ++i) {
    const double w = weights[static_cast<Eigen::Index>(i)];
    if (w > 0.0) result.mean += w * (mean + scale * source_mean[i].array()).matrix();
  }
  return result;
}

HPO_INLINE gp::PredictionWithGradient CombinedSurrogate::predict_with_gradient(const Eigen::VectorXd& z) const {
  gp::PredictionWithGradient result = target->predict_with_gradient(z);
  if (!needs_sources()) return result;
  // As in predict: the sources' means alone.
  std::vector<gp::MeanWithGradient> source;
  for (std::size_t i = 0; i < sources->size(); ++i)
    source.push_back(source_used(i) ? (*sources)[i].predict_mean_with_gradient(z)
                                    : gp::MeanWithGradient{0.0, Eigen::VectorXd::Zero(z.size())});
  if (basis) add_basis(source, result);
  if (!ensemble()) return result;
  const double w_target = weights[weights.size() - 1];
  result.mean *= w_target;
  result.mean_gradient *= w_target;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const double w = weights[static_cast<Eigen::Index>(i)];
    if (w <= 0.0) continue;
    result.mean += w * (mean + scale * source[i].mean);
    result.mean_gradient += (w * scale) * source[i].gradient;
  }
  return result;
}

HPO_INLINE bool CombinedSurrogate::in_basis(std::size_t i) const {
  return basis &&
         std::find(basis->columns.begin(), basis->columns.end(), static_cast<Eigen::Index>(i)) != basis->columns.end();
}

HPO_INLINE void CombinedSurrogate::add_basis(const std::vector<gp::MeanWithGradient>& source,
                                             gp::PredictionWithGradient& result) const {
  Eigen::VectorXd h(static_cast<Eigen::Index>(source.size()));
  for (std::size_t i = 0; i < source.size(); ++i) h[static_cast<Eigen::Index>(i)] = source[i].mean;
  const Eigen::VectorXd mean_gradient = basis->mean_gradient(h.size());
  const Eigen::VectorXd variance_gradient = basis->variance_gradient(h);
  result.mean += basis->mean(h);
  result.variance += basis->variance(h);
  for (std::size_t i = 0; i < source.size(); ++i) {
    result.mean_gradient += mean_gradient[static_cast<Eigen::Index>(i)] * source[i].gradient;
    result.variance_gradient += variance_gradient[static_cast<Eigen::Index>(i)] * source[i].gradient;
  }
}

HPO_INLINE void TransferSurrogate::reset(bool space_changed) {
  if (space_changed) source_models_.clear();
  unweighed_.reset();
  means_X_.resize(0, 0);
  weights_.resize(0);
  sources_significant_.clear();
  basis_ = {};
  remainder_fit_.resize(0);
}

namespace detail {

// A model directory that cannot be written costs each process a fit per source, not a result:
// said once per folder, on stderr, and the run goes on.
inline void report_unwritable_model_directory(const std::string& directory, const std::string& why) {
  static std::mutex mutex;
  static std::set<std::string> reported;
  const std::lock_guard lock(mutex);
  if (reported.insert(directory).second)
    std::cerr << "hpo: cannot keep source models in \"" << directory << "\" (" << why
              << "); they are fitted again in each process\n";
}

}  // namespace detail

HPO_INLINE void TransferSurrogate::fit_sources(const WarmStart& warm, const ModelEncoding& encoding) {
  const auto& sources = warm.sources();
  auto& cache = SourceModelCache::instance();
  for (std::size_t i = source_models_.size(); i < sources.size(); ++i) {
    const auto& source = sources[i];
    const SourceModelCache::Key key{source.fingerprint, static_cast<int>(settings_.kernel), settings_.robust_outputs};
    if (auto cached = cache.find(key)) {
      // Fitted in this process before the folder was named (or for another folder): kept there
      // too, so that other processes find it.
      const std::string& directory = warm.options().source_model_directory;
      if (!directory.empty() && !SourceModelStore(directory).load(source.fingerprint, key.kernel, key.robust,
                                                                  encoding.width() + 2))
        keep_in_directory(source, *cached, directory);
      source_models_.push_back(*cached);
      continue;
    }
    auto [model, origin] = source_model(source, encoding, warm.options().source_model_directory);
    source_models_.push_back(*cache.store(key, std::move(model), origin));
  }
}

HPO_INLINE void TransferSurrogate::keep_in_directory(const WarmStart::Source& source,
                                                    const gp::SelectedGaussianProcess& model,
                                                    const std::string& directory) const {
  const std::string why = SourceModelStore(directory).save(source.fingerprint, static_cast<int>(settings_.kernel),
                                                           settings_.robust_outputs, model.log_hyperparameters());
  if (!why.empty()) detail::report_unwritable_model_directory(directory, why);
}

HPO_INLINE std::pair<Eigen::MatrixXd, Eigen::VectorXd> TransferSurrogate::source_data(
    const WarmStart::Source& source, const ModelEncoding& encoding) const {
  std::vector<std::size_t> rows;
  const std::size_t count = source.configs.size();
  if (count <= 300) {
    for (std::size_t r = 0; r < count; ++r) rows.push_back(r);
  } else {
    for (std::size_t r = 0; r < 150; ++r) rows.push_back(r);
    for (std::size_t k = 0; k < 150; ++k) rows.push_back(150 + k * (count - 150) / 150);
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), encoding.width());
  Eigen::VectorXd raw(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    X.row(static_cast<Eigen::Index>(r)) = encoding.encode(source.configs[rows[r]]).transpose();
    raw[static_cast<Eigen::Index>(r)] = source.values[rows[r]];
  }
  const auto transform = gp::ValueTransform::fit(raw, settings_.robust_outputs);
  Eigen::VectorXd y = transform(raw);
  const double mean = y.mean();
  const double spread = hpo::detail::population_deviation(y, mean);
  y = (y.array() - mean) / (spread > 0.0 ? spread : 1.0);
  return {std::move(X), std::move(y)};
}

HPO_INLINE std::pair<gp::SelectedGaussianProcess, SourceModelCache::Origin> TransferSurrogate::source_model(
    const WarmStart::Source& source, const ModelEncoding& encoding, const std::string& directory) const {
  const auto [X, y] = source_data(source, encoding);
  const std::uint64_t seed = source.fingerprint ^ hpo::detail::salt::kSourceModel;
  const int kernel = static_cast<int>(settings_.kernel);
  const SourceModelStore store(directory);
  if (!directory.empty()) {
    if (const auto log_hyperparameters =
            store.load(source.fingerprint, kernel, settings_.robust_outputs, encoding.width() + 2)) {
      gp::SelectedGaussianProcess model = make_model(seed, 0);
      model.set_log_hyperparameters(*log_hyperparameters);
      model.fit_with_fixed_hyperparameters(X, y);
      return {std::move(model), SourceModelCache::Origin::Loaded};
    }
  }
  gp::SelectedGaussianProcess model = fit_source_model(X, y, seed);
  if (!directory.empty()) keep_in_directory(source, model, directory);
  return {std::move(model), SourceModelCache::Origin::Fitted};
}

HPO_INLINE gp::SelectedGaussianProcess TransferSurrogate::fit_source_model(const Eigen::MatrixXd& X,
                                                                           const Eigen::VectorXd& y,
                                                                           std::uint64_t seed) const {
  gp::SelectedGaussianProcess search = make_model(seed, kSourceSearchRows);
  search.fit(X, y, 3);
  if (X.rows() <= kSourceSearchRows) return search;
  gp::SelectedGaussianProcess model = make_model(seed, 0);
  model.set_log_hyperparameters(search.log_hyperparameters());
  model.fit(X, y, 0);
  return model;
}

HPO_INLINE bool TransferSurrogate::fit_basis(const WarmStart& warm, const ModelEncoding& encoding,
                                             gp::SelectedGaussianProcess& target, const Eigen::MatrixXd& X,
                                             const Eigen::VectorXd& y) {
  fit_sources(warm, encoding);
  const Eigen::MatrixXd& h = observed_source_means(X);
  Eigen::MatrixXd covariance = target.kernel().matrix(X);
  covariance.diagonal().array() += target.noise_variance() + target.jitter();
  const auto standardization = target.output_standardization();
  const Eigen::VectorXd t = (y.array() - standardization.mean) / standardization.scale;
  const double spread = hpo::detail::population_deviation(y, y.mean());
  // The regression's coefficients are N(0, 1) in units of the values' spread (SourceBasis).
  // No multiplicity correction here: the evidence's Occam factor already charges each source
  // that enters, and raising the bar by log(sources / 3) kept related sources out of a library
  // (bench/results/transfer_library.md, the ablation).
  const double prior_scale = spread > 0.0 ? spread / standardization.scale : 1.0;
  const auto related = select_sources_by_evidence(std::move(covariance), t, h, prior_scale,
                                                  warm.options().source_basis_min_log_bayes_factor);
  if (std::find(related.begin(), related.end(), true) == related.end()) return false;
  basis_ = SourceBasis::fit(h, y, related);
  const Eigen::VectorXd remainder = y - basis_.predict(h).mean;
  gp::fit_continuing(target, X, remainder, 0, remainder_fit_);
  return true;
}

HPO_INLINE gp::HyperparameterPriors TransferSurrogate::hyperparameter_priors(const WarmStart& warm,
                                                                           const ModelEncoding& encoding) {
  fit_sources(warm, encoding);
  const Eigen::Index d = encoding.width();
  auto priors = gp::HyperparameterPriors::for_dimension(d);
  if (!learns_prior(warm)) return priors;
  priors.length_scale.sigma = kLengthScalePriorSigma;
  priors.length_scale_mu.resize(d);
  std::vector<double> log_length_scales(source_models_.size());
  for (Eigen::Index j = 0; j < d; ++j) {
    for (std::size_t i = 0; i < source_models_.size(); ++i)
      log_length_scales[i] = source_models_[i].log_hyperparameters()[j];
    const double median = hpo::detail::quantile(log_length_scales, 0.5);
    // The LogNormal's mode is at mu - sigma^2 (gp/priors.hpp): put the mode on the median.
    priors.length_scale_mu[j] = median + kLengthScalePriorSigma * kLengthScalePriorSigma;
  }
  return priors;
}

HPO_INLINE double TransferSurrogate::basis_mean(const Eigen::VectorXd& z) const {
  if (basis_.empty()) return 0.0;
  Eigen::VectorXd h = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(source_models_.size()));
  const Eigen::MatrixXd point = z.transpose();
  for (const Eigen::Index c : basis_.columns) h[c] = source_models_[static_cast<std::size_t>(c)].predict_mean(point)[0];
  return basis_.mean(h);
}

HPO_INLINE void TransferSurrogate::note_refit(const WarmStart& warm, const ModelEncoding& encoding,
                                              const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                                              const gp::SelectedGaussianProcess& target) {
  fit_sources(warm, encoding);
  RankingEvidence evidence{X, y, target.leave_one_out()};
  // The target model's leave-one-out mean includes the regression it subtracted from the values
  // (the basis just fitted, which stays until the next refit).
  if (!basis_.empty()) evidence.target.mean += basis_.predict(observed_source_means(X)).mean;
  unweighed_ = std::move(evidence);
}

HPO_INLINE void TransferSurrogate::update_weights(const WarmStart& warm) {
  if (!unweighed_) return;
  const RankingEvidence evidence = std::move(*unweighed_);
  unweighed_.reset();
  const Eigen::VectorXd& y = evidence.y;
  const auto n = y.size();
  const Eigen::MatrixXd& source_mean = observed_source_means(evidence.X);
  target_mean_ = y.mean();
  target_scale_ = hpo::detail::population_deviation(y, target_mean_);
  if (!(target_scale_ > 0.0)) target_scale_ = 1.0;
  // A source's variances cost O(n m^2) for m source points, its mean O(n m): only the sources
  // that enter the draws below need their variances.
  std::vector<PointPredictions> sources(source_models_.size());
  sources_significant_.clear();
  // One-sided 5%, Bonferroni-corrected by the multiplicity: among 40 unrelated sources, one
  // orders a handful of observations well by chance far more often than one time in twenty.
  const double z_critical = hpo::detail::normal_quantile(1.0 - 0.05 / warm.multiplicity());
  for (std::size_t i = 0; i < source_models_.size(); ++i) {
    sources[i].mean = source_mean.col(static_cast<Eigen::Index>(i));
    sources_significant_.push_back(orders_better_than_chance(sources[i].mean, y, z_critical));
  }
  // Many sources: only the kRankingCandidates whose means misrank the fewest pairs enter the
  // draws; the others get weight zero. The draws' cost is then bounded whatever the library's
  // size, and fewer candidates leave fewer chances for an unrelated source to win a draw by luck.
  std::vector<std::size_t> candidates(sources.size());
  std::iota(candidates.begin(), candidates.end(), std::size_t{0});
  if (candidates.size() > kRankingCandidates) {
    std::vector<double> loss(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) loss[i] = misranked_pairs(sources[i].mean, y);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](std::size_t a, std::size_t b) { return loss[a] < loss[b]; });
    candidates.resize(kRankingCandidates);
    std::sort(candidates.begin(), candidates.end());
  }
  std::vector<PointPredictions> entered;
  for (const std::size_t i : candidates) {
    sources[i].variance = source_models_[i].predict(evidence.X).variance;
    entered.push_back(sources[i]);
  }
  const double pairs = 0.5 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(entered.size() + 1);
  const auto samples = static_cast<std::size_t>(std::clamp(4e6 / std::max(pairs, 1.0), 64.0, 256.0));
  const Eigen::VectorXd w = ranking_weights(
      entered, {evidence.target.mean, evidence.target.variance}, y,
      {.samples = samples,
       .seed = settings_.seed ^ (hpo::detail::salt::kRankingWeights * static_cast<std::uint64_t>(n))});
  weights_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(sources.size()) + 1);
  for (std::size_t c = 0; c < candidates.size(); ++c)
    weights_[static_cast<Eigen::Index>(candidates[c])] = w[static_cast<Eigen::Index>(c)];
  weights_[weights_.size() - 1] = w[w.size() - 1];
}

HPO_INLINE RegionPrior TransferSurrogate::region_prior(const WarmStart& warm, std::size_t n) const {
  if (!warm.uses(WarmStartPart::Region) || n == 0) return {};
  double share = 1.0;
  if (weights_.size() > 0) {
    share = 0.0;
    for (std::size_t i = 0; i < sources_significant_.size(); ++i)
      if (sources_significant_[i]) share += weights_[static_cast<Eigen::Index>(i)];
  }
  return {&warm, warm.options().region_prior_strength * share / static_cast<double>(n)};
}

HPO_INLINE CombinedSurrogate TransferSurrogate::surrogate(const gp::SelectedGaussianProcess& target,
                                                          bool ensemble) const {
  CombinedSurrogate combined;
  combined.target = &target;
  combined.sources = &source_models_;
  if (!basis_.empty()) combined.basis = &basis_;
  if (ensemble && weights_.size() > 0) {
    combined.weights = weights_;
    combined.mean = target_mean_;
    combined.scale = target_scale_;
  }
  return combined;
}

HPO_INLINE void TransferSurrogate::annotate(nlohmann::json& record) const {
  if (weights_.size() == 0) return;
  // Two decimals: the record changes when the weights do, not with every draw's noise.
  const auto rounded = [](double w) { return std::round(w * 100.0) / 100.0; };
  for (Eigen::Index i = 0; i + 1 < weights_.size(); ++i) {
    auto& source = record["sources"][static_cast<std::size_t>(i)];
    source["weight"] = rounded(weights_[i]);
    source["orders_target"] = sources_significant_[static_cast<std::size_t>(i)];
    source["in_regression"] = std::find(basis_.columns.begin(), basis_.columns.end(), i) != basis_.columns.end();
  }
  record["target_weight"] = rounded(weights_[weights_.size() - 1]);
}

HPO_INLINE const Eigen::MatrixXd& TransferSurrogate::observed_source_means(const Eigen::MatrixXd& X) {
  if (means_X_.rows() == X.rows() && means_X_.cols() == X.cols() && means_X_ == X &&
      means_at_X_.cols() == static_cast<Eigen::Index>(source_models_.size()))
    return means_at_X_;
  means_at_X_.resize(X.rows(), static_cast<Eigen::Index>(source_models_.size()));
  for (std::size_t i = 0; i < source_models_.size(); ++i)
    means_at_X_.col(static_cast<Eigen::Index>(i)) = source_models_[i].predict_mean(X);
  means_X_ = X;
  return means_at_X_;
}

}  // namespace hpo::transfer
