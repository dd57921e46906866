#pragma once
// Bayesian optimization with a Gaussian-process surrogate.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <Eigen/Core>
#include <LBFGSB.h>
#include <nlohmann/json.hpp>

#include "hpo/acquisition/log_expected_improvement.hpp"
#include "hpo/acquisition/probability_of_improvement.hpp"
#include "hpo/acquisition/upper_confidence_bound.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/matern32.hpp"
#include "hpo/gp/matern52.hpp"
#include "hpo/gp/squared_exponential.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/space/model_encoding.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/ranking_weights.hpp"
#include "hpo/transfer/source_basis.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// Which acquisition function picks the next point.
enum class Acquisition { LogExpectedImprovement, UpperConfidenceBound, ProbabilityOfImprovement };

/// Which covariance function the GP uses (all with one length scale per model coordinate).
enum class KernelType { Matern52, Matern32, SquaredExponential };

/// How objective values are shaped before the GP sees them.
/// Standardize: (y - mean) / std. Robust (default): values above the median (the bad side, in the
/// direction of the search) are compressed as median + s*log1p((y - median)/s), s the
/// interquartile range / 1.349, then standardized; heavy tails (Goldstein-Price, diverging
/// training runs) then no longer flatten the model where the good values are.
enum class OutputTransform { Standardize, Robust };

/// Options of hpo::BayesianOptimization; designated initializers follow this order.
struct BayesianOptions {
  std::uint64_t seed = 0;
  /// Knowledge from earlier studies (hpo::WarmStart::from), used in four parts (each can be
  /// switched off in hpo::WarmStartOptions): the sources' best configurations are evaluated first,
  /// in place of part of the initial design; the sources' region is a prior on the acquisition that
  /// fades with target evidence (piBO); a GP fitted once per source joins the target's model in a
  /// ranking-weighted ensemble (RGPE), where a source that orders the target's observations worse
  /// than the target's own model gets weight zero; and the target's model is a Bayesian linear
  /// regression on the source GPs' means, which the evidence lets each source into or not, plus
  /// the target's GP on what the regression leaves.
  WarmStart warm_start{};
  /// Size of the scrambled-Sobol initial design; 0 picks max(5, min(d + 1, 12)) for d parameters.
  /// Trials already in the study (enqueued, resumed) count toward it.
  std::size_t initial_design = 0;
  Acquisition acquisition = Acquisition::LogExpectedImprovement;
  KernelType kernel = KernelType::Matern52;
  OutputTransform output_transform = OutputTransform::Robust;
  /// Exploration weight of Acquisition::UpperConfidenceBound (the bound is mean - sqrt(beta)*sd).
  double ucb_beta = 4.0;
  /// Quasi-random candidates scored per ask; 0 picks min(2000, max(500, 100 * model dimension)),
  /// halved above 100 observations.
  std::size_t candidates = 0;
  /// Best candidates refined by L-BFGS-B over the real parameters (30 iterations each; past 200
  /// observations at most 3 candidates, 10 iterations each).
  std::size_t local_starts = 5;
  /// Every this many model-based asks, one is a local step instead, around the incumbent (a trust
  /// region, as dlib's LIPO-TR and TuRBO use to converge fast locally): its candidates are Gaussian
  /// perturbations of the incumbent with standard deviations of 1, 1/4 and 1/16 times a width that
  /// shrinks from 0.2 to 0.05 of each real parameter's range (a category or integer changes with
  /// probability 1/d), and L-BFGS-B refines them within that width of the incumbent. A candidate
  /// from the Gaussian's tail may lie outside the box: clamping it there was measured worse on the
  /// benchmark functions (hartmann6, median log10 regret at 100 evaluations -2.69 vs -4.13).
  /// 0 never takes one.
  std::size_t exploit_every = 2;
  /// Hyperparameters are re-fitted in full (3 random restarts) on every ask up to this many
  /// observations, then (1 random restart) whenever the observations have grown by a quarter since the last full
  /// fit; in between they are re-fitted from the last fit (no restarts) every 8 new observations,
  /// and otherwise new observations enter by the O(n^2) Cholesky update.
  std::size_t full_refit_until = 64;
};
using BayesianOptimizationOptions = BayesianOptions;

/// Bayesian optimization (Snoek, Larochelle, Adams, NeurIPS 2012) with a Matern-5/2 ARD Gaussian
/// process (MAP hyperparameters), log expected improvement (Ament et al., NeurIPS 2023), a Sobol
/// initial design and periodic trust-region exploitation steps. Works on every kind of parameter:
/// reals by L-BFGS-B, integers and categories through a model encoding in which every point is a
/// valid configuration. Trials still running are fantasized at their posterior mean ("kriging
/// believer", Ginsbourger et al. 2010), so concurrent asks give distinct points. Failed trials stay
/// out of the model and are never proposed again; no configuration already in the study is.
/// With a warm start, the surrogate is the RGPE ensemble of Feurer, Letham & Bakshy (2018): mean
/// sum_i w_i mu_i, variance sum_i w_i^2 sigma_i^2 over the source GPs (fitted on each source's own
/// standardized values, mapped onto the target's mean and spread) and the target GP, with the
/// weights of hpo::transfer::ranking_weights recomputed as target observations arrive; the
/// acquisition is weighted by the sources' region prior (Hvarfner et al., ICLR 2022). The target's
/// model there is itself informed by the sources: a Bayesian linear regression on the source GPs'
/// means (the head of ABLR, Perrone et al., NeurIPS 2018, with the source surrogates as features;
/// hpo::transfer::SourceBasis), with the target GP fitted on its residuals, so that a target that
/// is a rescaled source or a mix of sources is learned from a few observations.
/// The study records the warm start and the current weights (Study::warm_start_record()).
/// Usage: `hpo::BayesianOptimization bo({.seed = 7}); auto study = hpo::optimize(space, f, bo, {.max_evaluations = 50});`
class BayesianOptimization {
 public:
  explicit BayesianOptimization(BayesianOptions options = {}) : options_(options) {}

  const BayesianOptions& options() const noexcept { return options_; }

  /// The current RGPE weights: one per source, then the target's; empty until computed (cold
  /// runs, or before the first model-based ask of a warm run).
  const Eigen::VectorXd& transfer_weights() const noexcept { return weights_; }

  /// What the warm start did so far, for the study's record (Study::ask stores it when it changes).
  std::optional<nlohmann::json> transfer_report() const {
    // Bayesian optimization acts on every part of the transfer: the record lists all switched on.
    std::optional<nlohmann::json> report = options_.warm_start.report("bayesian_optimization");
    if (report && weights_.size() > 0) {
      // Two decimals: the record changes when the weights do, not with every draw's noise.
      const auto rounded = [](double w) { return std::round(w * 100.0) / 100.0; };
      for (Eigen::Index i = 0; i + 1 < weights_.size(); ++i) {
        auto& source = (*report)["sources"][static_cast<std::size_t>(i)];
        source["weight"] = rounded(weights_[i]);
        source["orders_target"] = sources_significant_[static_cast<std::size_t>(i)];
        source["in_regression"] = std::find(basis_.columns.begin(), basis_.columns.end(), i) != basis_.columns.end();
      }
      (*report)["target_weight"] = rounded(weights_[weights_.size() - 1]);
    }
    return report;
  }

  std::optional<Config> ask(const Study& study) {
    prepare(study);
    if (!options_.warm_start.empty()) check_warm_start_space(options_.warm_start, study.space(), "hpo::BayesianOptimization");
    const std::size_t n_trials = study.trials().size();
    std::size_t completed = study.completed_count();
    if (n_trials < initial_design_size(study.space().size()) || completed < 2) return initial_point(study);
    // Every transferred initial point is evaluated before the model takes over, also when there are
    // more of them than the cold design holds or the study already had trials (resumed, enqueued).
    if (!options_.warm_start.empty())
      if (auto transferred = options_.warm_start.next_initial_point(study)) return transferred;
    update_model(study);
    return model_based_point(study);
  }

 private:
  using Model = std::variant<gp::GaussianProcess<gp::Matern52>, gp::GaussianProcess<gp::Matern32>,
                             gp::GaussianProcess<gp::SquaredExponential>>;

  // The robust output transform, fixed at each refit so that points added in between by the
  // incremental update share the model's scale.
  struct ValueTransform {
    bool robust = true;
    double median = 0.0;
    double spread = 1.0;

    static ValueTransform fit(const Eigen::VectorXd& y, bool robust) {
      std::vector<double> sorted(y.begin(), y.end());
      std::sort(sorted.begin(), sorted.end());
      const auto quantile = [&](double q) {
        const double position = q * static_cast<double>(sorted.size() - 1);
        const auto below = static_cast<std::size_t>(position);
        const auto above = std::min(below + 1, sorted.size() - 1);
        return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
      };
      ValueTransform t{robust, quantile(0.5), (quantile(0.75) - quantile(0.25)) / 1.349};
      if (!(t.spread > 0.0)) t.spread = std::max(std::abs(t.median) * 1e-6, 1e-12);
      return t;
    }
    double operator()(double y) const {
      if (!robust || y <= median) return y;
      return median + spread * std::log1p((y - median) / spread);
    }
  };

  // The surrogate the acquisition sees: the target model alone, or the RGPE ensemble of the source
  // GPs (in standardized units, mapped onto the target's mean and spread) and the target model.
  // The target model is its GP, plus, with the source basis, the regression on the sources' means
  // whose remainder that GP fits.
  struct Surrogate {
    const Model* target = nullptr;
    const std::vector<Model>* sources = nullptr;
    Eigen::VectorXd weights;  // sources..., target; empty: the target alone
    double mean = 0.0, scale = 1.0;
    const transfer::SourceBasis* basis = nullptr;

    bool ensemble() const { return weights.size() > 0 && weights[weights.size() - 1] < 1.0; }
    bool needs_sources() const { return sources && (basis || ensemble()); }

    gp::BatchPrediction predict(const Eigen::MatrixXd& Z) const {
      gp::BatchPrediction result = std::visit([&](auto& gp) { return gp.predict(Z); }, *target);
      if (!needs_sources()) return result;
      // A source's variances (O(m n^2) for m points) count only where it holds ensemble weight;
      // the source basis needs its means alone.
      std::vector<gp::BatchPrediction> source;
      for (std::size_t i = 0; i < sources->size(); ++i) {
        const bool weighted = ensemble() && weights[static_cast<Eigen::Index>(i)] > 0.0;
        source.push_back(std::visit([&](auto& gp) { return weighted ? gp.predict(Z) : gp::BatchPrediction{gp.predict_mean(Z), {}}; },
                                    (*sources)[i]));
      }
      if (basis) {
        Eigen::MatrixXd h(Z.rows(), static_cast<Eigen::Index>(source.size()));
        for (std::size_t i = 0; i < source.size(); ++i) h.col(static_cast<Eigen::Index>(i)) = source[i].mean;
        const auto regression = basis->predict(h);
        result.mean += regression.mean;
        result.variance += regression.variance;
      }
      if (!ensemble()) return result;
      const double w_target = weights[weights.size() - 1];
      result.mean *= w_target;
      result.variance *= w_target * w_target;
      for (std::size_t i = 0; i < source.size(); ++i) {
        const double w = weights[static_cast<Eigen::Index>(i)];
        if (w <= 0.0) continue;
        result.mean += w * (mean + scale * source[i].mean.array()).matrix();
        result.variance += (w * w * scale * scale) * source[i].variance;
      }
      return result;
    }

    gp::PredictionWithGradient predict_with_gradient(const Eigen::VectorXd& z) const {
      gp::PredictionWithGradient result = std::visit([&](auto& gp) { return gp.predict_with_gradient(z); }, *target);
      if (!needs_sources()) return result;
      std::vector<gp::PredictionWithGradient> source;
      for (const auto& model : *sources) source.push_back(std::visit([&](auto& gp) { return gp.predict_with_gradient(z); }, model));
      if (basis) {
        Eigen::VectorXd h(static_cast<Eigen::Index>(source.size()));
        for (std::size_t i = 0; i < source.size(); ++i) h[static_cast<Eigen::Index>(i)] = source[i].mean;
        const Eigen::VectorXd mean_gradient = basis->mean_gradient(h.size());
        const Eigen::VectorXd variance_gradient = basis->variance_gradient(h);
        result.mean += basis->mean(h);
        result.variance += basis->variance(h);
        for (std::size_t i = 0; i < source.size(); ++i) {
          result.mean_gradient += mean_gradient[static_cast<Eigen::Index>(i)] * source[i].mean_gradient;
          result.variance_gradient += variance_gradient[static_cast<Eigen::Index>(i)] * source[i].mean_gradient;
        }
      }
      if (!ensemble()) return result;
      const double w_target = weights[weights.size() - 1];
      result.mean *= w_target;
      result.mean_gradient *= w_target;
      result.variance *= w_target * w_target;
      result.variance_gradient *= w_target * w_target;
      for (std::size_t i = 0; i < source.size(); ++i) {
        const double w = weights[static_cast<Eigen::Index>(i)];
        if (w <= 0.0) continue;
        const auto& p = source[i];
        result.mean += w * (mean + scale * p.mean);
        result.mean_gradient += (w * scale) * p.mean_gradient;
        result.variance += w * w * scale * scale * p.variance;
        result.variance_gradient += (w * w * scale * scale) * p.variance_gradient;
      }
      return result;
    }
  };

  bool transfers(bool WarmStartOptions::*part) const {
    return !options_.warm_start.empty() && options_.warm_start.options().*part;
  }

  std::size_t initial_design_size(std::size_t d) const {
    if (options_.initial_design > 0) return options_.initial_design;
    return std::max<std::size_t>(5, std::min<std::size_t>(d + 1, 12));
  }

  // Resets the cached model when the study or its space changes (a new run).
  void prepare(const Study& study) {
    if (study_ == &study && encoding_.space() == study.space() && modeled_.size() <= study.completed_count()) return;
    study_ = &study;
    if (!(encoding_.space() == study.space())) source_models_.clear();
    encoding_ = ModelEncoding(study.space());
    real_parameters_.clear();
    for (std::size_t i = 0; i < study.space().size(); ++i)
      if (study.space()[i].kind == ParameterKind::Real) real_parameters_.push_back(static_cast<Eigen::Index>(i));
    modeled_.clear();
    model_order_.clear();
    weights_.resize(0);
    sources_significant_.clear();
    basis_ = {};
    model_.reset();
    seen_.clear();
    indexed_ = 0;
    model_asks_ = 0;
  }

  // Every configuration in the study, so that none is proposed twice.
  void index_seen(const Study& study) {
    for (; indexed_ < study.trials().size(); ++indexed_) seen_.insert(study.trials()[indexed_].config.to_string());
  }

  std::optional<Config> initial_point(const Study& study) {
    index_seen(study);
    if (!options_.warm_start.empty())
      if (auto transferred = options_.warm_start.next_initial_point(study)) return transferred;
    const Sobol sobol(study.space().size(), options_.seed, true);
    for (std::uint64_t index = study.trials().size(), tries = 0; tries < 256; ++index, ++tries) {
      Config config = study.space().from_unit(sobol.point(index));
      if (!seen_.contains(config.to_string())) return config;
    }
    return random_unseen(study);
  }

  std::optional<Config> random_unseen(const Study& study) {
    Rng rng(options_.seed ^ 0x5EED5EEDULL, study.trials().size());
    for (int tries = 0; tries < 1000; ++tries) {
      Eigen::VectorXd u(static_cast<Eigen::Index>(study.space().size()));
      for (auto& c : u) c = rng.uniform();
      Config config = study.space().from_unit(u);
      if (!seen_.contains(config.to_string())) return config;
    }
    return std::nullopt;  // a finite space whose every configuration has been tried
  }

  double signed_value(const Study& study, const Trial& trial) const {
    return study.direction() == Direction::Minimize ? trial.value : -trial.value;
  }

  void update_model(const Study& study) {
    std::vector<const Trial*> fresh;
    for (const auto& trial : study.trials())
      if (trial.completed() && !modeled_.contains(trial.number)) fresh.push_back(&trial);
    const std::size_t n = modeled_.size() + fresh.size();
    const bool full = !model_ || n <= options_.full_refit_until || n >= last_full_fit_ + last_full_fit_ / 4;
    const bool warm = !full && n >= last_fit_ + 8;
    if (full || warm) {
      Eigen::MatrixXd X(static_cast<Eigen::Index>(n), encoding_.width());
      Eigen::VectorXd raw(static_cast<Eigen::Index>(n));
      Eigen::Index row = 0;
      modeled_.clear();
      model_order_.clear();
      for (const auto& trial : study.trials()) {
        if (!trial.completed()) continue;
        X.row(row) = encoding_.encode(trial.config).transpose();
        raw[row++] = signed_value(study, trial);
        modeled_.insert(trial.number);
        model_order_.push_back(trial.number);
      }
      transform_ = ValueTransform::fit(raw, options_.output_transform == OutputTransform::Robust);
      Eigen::VectorXd y = raw.unaryExpr([this](double v) { return transform_(v); });
      basis_ = {};
      if (!model_) model_.emplace(make_model(options_.seed));
      // Random restarts guard small-data fits against poor local optima; past full_refit_until
      // the warm start carries most of the information and one restart suffices.
      const int restarts = !full ? 0 : n <= options_.full_refit_until ? 3 : 1;
      std::visit([&](auto& gp) { gp.fit(X, y, restarts); }, *model_);
      if (transfers(&WarmStartOptions::use_source_basis)) fit_source_basis(X, y);
      last_fit_ = n;
      if (full) last_full_fit_ = n;
      best_transformed_ = y.minCoeff();
    } else {
      for (const Trial* trial : fresh) {
        const double y = transform_(signed_value(study, *trial));
        const Eigen::VectorXd z = encoding_.encode(trial->config);
        const double remainder = basis_.empty() ? y : y - basis_.mean(source_means(z.transpose()).row(0).transpose());
        std::visit([&](auto& gp) { gp.add_observation(z, remainder); }, *model_);
        modeled_.insert(trial->number);
        model_order_.push_back(trial->number);
        best_transformed_ = std::min(best_transformed_, y);
      }
    }
    if (transfers(&WarmStartOptions::use_surrogate) && (full || warm || n <= kWeightEveryAskUntil)) update_weights(study);
  }

  // The regression of the target's values on the sources' means, with the sources the evidence
  // selects under the target GP just fitted; the GP is then refitted on what the regression leaves.
  void fit_source_basis(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
    fit_source_models();
    const Eigen::MatrixXd h = source_means(X);
    const auto [covariance, standardization] = std::visit([&](auto& gp) {
      Eigen::MatrixXd k = gp.kernel().matrix(X);
      k.diagonal().array() += gp.noise_variance() + gp.jitter();
      return std::pair{k, gp.output_standardization()};
    }, *model_);
    const Eigen::VectorXd t = (y.array() - standardization.mean) / standardization.scale;
    const double spread = std::sqrt((y.array() - y.mean()).square().mean());
    // The regression's coefficients are N(0, 1) in units of the values' spread (SourceBasis).
    const auto related = transfer::select_sources_by_evidence(covariance, t, h, spread > 0.0 ? spread / standardization.scale : 1.0,
                                                              options_.warm_start.options().source_basis_min_log_bayes_factor);
    if (std::find(related.begin(), related.end(), true) == related.end()) return;
    basis_ = transfer::SourceBasis::fit(h, y, related);
    const Eigen::VectorXd remainder = y - basis_.predict(h).mean;
    // From the hyperparameters just fitted, without restarts: the remainder is smoother than the
    // values, and a second restarted fit would double the cost of an ask.
    std::visit([&](auto& gp) { gp.fit(X, remainder, 0); }, *model_);
  }

  // Each source GP's posterior mean at the rows of Z (model coordinates), one column per source.
  Eigen::MatrixXd source_means(const Eigen::MatrixXd& Z) const {
    Eigen::MatrixXd means(Z.rows(), static_cast<Eigen::Index>(source_models_.size()));
    for (std::size_t i = 0; i < source_models_.size(); ++i)
      means.col(static_cast<Eigen::Index>(i)) = std::visit([&](auto& gp) { return gp.predict_mean(Z); }, source_models_[i]);
    return means;
  }

  // Past this many observations the weights are recomputed at each refit only: the target's own
  // model dominates by then and the ranking loss costs O(n^2) per draw.
  static constexpr std::size_t kWeightEveryAskUntil = 150;

  // One GP per source, fitted once on the source's own standardized values (robust transform,
  // then mean 0 and spread 1), so that only the shape of a source crosses over, never its scale.
  // A source of more than 300 trials keeps its best 150 and 150 spread over the rest.
  void fit_source_models() {
    const auto& sources = options_.warm_start.sources();
    for (std::size_t i = source_models_.size(); i < sources.size(); ++i) {
      const auto& source = sources[i];
      std::vector<std::size_t> rows;
      const std::size_t count = source.configs.size();
      if (count <= 300) {
        for (std::size_t r = 0; r < count; ++r) rows.push_back(r);
      } else {
        for (std::size_t r = 0; r < 150; ++r) rows.push_back(r);
        for (std::size_t k = 0; k < 150; ++k) rows.push_back(150 + k * (count - 150) / 150);
      }
      Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), encoding_.width());
      Eigen::VectorXd raw(static_cast<Eigen::Index>(rows.size()));
      for (std::size_t r = 0; r < rows.size(); ++r) {
        X.row(static_cast<Eigen::Index>(r)) = encoding_.encode(source.configs[rows[r]]).transpose();
        raw[static_cast<Eigen::Index>(r)] = source.values[rows[r]];
      }
      const ValueTransform transform = ValueTransform::fit(raw, options_.output_transform == OutputTransform::Robust);
      Eigen::VectorXd y = raw.unaryExpr([&](double v) { return transform(v); });
      const double mean = y.mean();
      const double spread = std::sqrt((y.array() - mean).square().mean());
      y = (y.array() - mean) / (spread > 0.0 ? spread : 1.0);
      Model model = make_model(options_.seed + 0x50ULL + i);
      std::visit([&](auto& gp) { gp.fit(X, y, 3); }, model);
      source_models_.push_back(std::move(model));
    }
  }

  // RGPE weights from how well each model orders the target's observations (the target model by
  // its leave-one-out predictions).
  void update_weights(const Study& study) {
    fit_source_models();
    const auto n = static_cast<Eigen::Index>(model_order_.size());
    Eigen::MatrixXd X(n, encoding_.width());
    Eigen::VectorXd y(n);
    for (Eigen::Index r = 0; r < n; ++r) {
      const Trial& trial = study.trials()[model_order_[static_cast<std::size_t>(r)]];
      X.row(r) = encoding_.encode(trial.config).transpose();
      y[r] = transform_(signed_value(study, trial));
    }
    target_mean_ = y.mean();
    target_scale_ = std::sqrt((y.array() - target_mean_).square().mean());
    if (!(target_scale_ > 0.0)) target_scale_ = 1.0;
    std::vector<transfer::PointPredictions> sources;
    Eigen::MatrixXd source_mean(n, static_cast<Eigen::Index>(source_models_.size()));
    sources_significant_.clear();
    for (const auto& model : source_models_) {
      const auto p = std::visit([&](auto& gp) { return gp.predict(X); }, model);
      source_mean.col(static_cast<Eigen::Index>(sources.size())) = p.mean;
      sources.push_back({p.mean, p.variance});
      sources_significant_.push_back(transfer::orders_better_than_chance(p.mean, y));
    }
    auto loo = std::visit([](auto& gp) { return gp.leave_one_out(); }, *model_);
    // The target model's leave-one-out mean includes the regression it subtracted from the values.
    if (!basis_.empty()) loo.mean += basis_.predict(source_mean).mean;
    const double pairs = 0.5 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(sources.size() + 1);
    const auto samples = static_cast<std::size_t>(std::clamp(4e6 / std::max(pairs, 1.0), 64.0, 256.0));
    weights_ = transfer::ranking_weights(sources, {loo.mean, loo.variance}, y,
                                         {.samples = samples, .seed = options_.seed ^ (0x36E1ULL * static_cast<std::uint64_t>(n))});
  }

  // The piBO exponent after n target observations, scaled by the weight of the sources that have
  // earned it: RGPE hands the first few clustered observations to whichever source happens to
  // order them best, so a source counts here only once its mean orders the target's observations
  // better than chance (orders_better_than_chance). Without that test the prior pulled unrelated
  // targets back into the sources' region (bench/transfer: 29 vs 25.5 median evaluations).
  double region_prior_scale(std::size_t n) const {
    if (!transfers(&WarmStartOptions::use_region) || n == 0) return 0.0;
    double share = 1.0;
    if (weights_.size() > 0) {
      share = 0.0;
      for (std::size_t i = 0; i < sources_significant_.size(); ++i)
        if (sources_significant_[i]) share += weights_[static_cast<Eigen::Index>(i)];
    }
    return options_.warm_start.options().region_prior_strength * share / static_cast<double>(n);
  }

  Model make_model(std::uint64_t seed) const {
    const gp::GaussianProcessOptions gp_options{.seed = seed};
    switch (options_.kernel) {
      case KernelType::Matern32: return gp::GaussianProcess<gp::Matern32>(gp_options);
      case KernelType::SquaredExponential: return gp::GaussianProcess<gp::SquaredExponential>(gp_options);
      default: return gp::GaussianProcess<gp::Matern52>(gp_options);
    }
  }

  // The acquisition to maximize at the current state, from a posterior mean and variance.
  struct Score {
    Acquisition kind;
    double best;
    double beta;
    double operator()(double mean, double variance) const {
      switch (kind) {
        case Acquisition::UpperConfidenceBound: return acquisition::UpperConfidenceBound{beta}(mean, variance);
        case Acquisition::ProbabilityOfImprovement: return acquisition::LogProbabilityOfImprovement{best}(mean, variance);
        default: return acquisition::LogExpectedImprovement{best}(mean, variance);
      }
    }
    acquisition::AcquisitionValue operator()(const gp::PredictionWithGradient& p) const {
      switch (kind) {
        case Acquisition::UpperConfidenceBound: return acquisition::UpperConfidenceBound{beta}(p);
        case Acquisition::ProbabilityOfImprovement: return acquisition::LogProbabilityOfImprovement{best}(p);
        default: return acquisition::LogExpectedImprovement{best}(p);
      }
    }
  };

  std::optional<Config> model_based_point(const Study& study) {
    index_seen(study);
    ++model_asks_;
    const bool exploit = options_.exploit_every > 0 && model_asks_ % options_.exploit_every == 0;
    // Running trials are fantasized into a copy of the model; without any, no copy is made.
    std::optional<Model> fantasy;
    for (const auto& trial : study.trials()) {
      if (!trial.running()) continue;
      if (!fantasy) fantasy.emplace(*model_);
      const Eigen::VectorXd z = encoding_.encode(trial.config);
      std::visit([&](auto& gp) { gp.add_observation(z, gp.predict(z).mean); }, *fantasy);
    }
    const Model& model = fantasy ? *fantasy : *model_;
    Surrogate surrogate;
    surrogate.target = &model;
    // The RGPE ensemble steers the global steps only: a trust-region step refines around the
    // incumbent, where the target's own evidence is what counts, and a source's slightly shifted
    // optimum would otherwise hold it back from converging. The source basis is part of the target's
    // own model (fitted to the target's values), so both kinds of step use it.
    surrogate.sources = &source_models_;
    if (!basis_.empty()) surrogate.basis = &basis_;
    if (!exploit && transfers(&WarmStartOptions::use_surrogate) && weights_.size() > 0) {
      surrogate.weights = weights_;
      surrogate.mean = target_mean_;
      surrogate.scale = target_scale_;
    }
    const double prior_scale = exploit ? 0.0 : region_prior_scale(modeled_.size());
    const Score score{options_.acquisition, best_transformed_, options_.ucb_beta};
    Rng rng(options_.seed, 0xB0B0000ULL + study.trials().size());

    // The incumbent (best completed trial) in the unit cube of parameters.
    const Trial& incumbent = study.best();
    const Eigen::VectorXd incumbent_u = study.space().to_unit(incumbent.config);
    const auto d = static_cast<Eigen::Index>(study.space().size());
    const auto n = std::visit([](auto& gp) { return gp.observation_count(); }, model);
    const auto log_prior = [&](const Eigen::VectorXd& u) { return prior_scale > 0.0 ? prior_scale * options_.warm_start.region_log_prior(u) : 0.0; };

    // Candidates in the parameter unit cube: a Sobol sweep (global steps only) and perturbations
    // of the incumbent at several scales.
    std::size_t sweep = options_.candidates ? options_.candidates
                                            : std::min<std::size_t>(2000, std::max<std::size_t>(500, 100 * static_cast<std::size_t>(encoding_.width())));
    if (n > 100) sweep /= 2;  // prediction cost grows with n; the local candidates matter more by then
    const std::size_t local = sweep / 4;
    const double box = 0.05 + 0.15 * std::exp(-static_cast<double>(model_asks_) / 30.0);
    std::vector<Eigen::VectorXd> unit_points;
    unit_points.reserve(sweep + local);
    if (!exploit) {
      const Sobol sobol(study.space().size(), options_.seed + 0x9E37ULL * (1 + study.trials().size()), true);
      const Eigen::MatrixXd points = sobol.points(0, sweep);
      for (Eigen::Index i = 0; i < points.rows(); ++i) unit_points.emplace_back(points.row(i).transpose());
    }
    const double scales[] = {box, box / 4, box / 16};
    for (std::size_t i = 0; i < (exploit ? sweep : local); ++i) {
      Eigen::VectorXd u = incumbent_u;
      const double scale = scales[i % 3];
      bool moved = false;
      for (Eigen::Index j = 0; j < d; ++j) {
        const auto& p = study.space()[static_cast<std::size_t>(j)];
        if (p.kind == ParameterKind::Real) {
          u[j] = std::clamp(u[j] + scale * rng.normal(), 0.0, 1.0);
          moved = true;
        } else if (rng.uniform() < 1.0 / static_cast<double>(d) || (!moved && j == d - 1)) {
          u[j] = p.kind == ParameterKind::Integer ? std::clamp(u[j] + 4 * scale * rng.normal(), 0.0, 1.0) : rng.uniform();
        }
      }
      unit_points.push_back(std::move(u));
    }

    Eigen::MatrixXd Z(static_cast<Eigen::Index>(unit_points.size()), encoding_.width());
    for (std::size_t i = 0; i < unit_points.size(); ++i) Z.row(static_cast<Eigen::Index>(i)) = encoding_.from_unit(unit_points[i]).transpose();
    const auto batch = surrogate.predict(Z);
    std::vector<double> values(unit_points.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = score(batch.mean[static_cast<Eigen::Index>(i)], batch.variance[static_cast<Eigen::Index>(i)]) + log_prior(unit_points[i]);
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });

    // Refine the best few over the real coordinates with L-BFGS-B (others held), within the
    // unit cube, or within the trust box around the incumbent on an exploitation step.
    struct Proposal {
      Eigen::VectorXd z;
      double value;
    };
    std::vector<Proposal> proposals;
    const auto& continuous = encoding_.continuous();
    // Each gradient step costs O(n^2); past 200 observations fewer, shorter refinements keep an ask
    // within its budget (the local candidates already sit near the incumbent).
    const bool large = n > 200;
    const std::size_t starts = std::min(large ? std::min<std::size_t>(options_.local_starts, 3) : options_.local_starts, order.size());
    for (std::size_t s = 0; s < starts; ++s) {
      Eigen::VectorXd z = Z.row(static_cast<Eigen::Index>(order[s])).transpose();
      double value = values[order[s]];
      if (!continuous.empty()) refine(surrogate, score, prior_scale, z, value, exploit ? box : 1.0, incumbent_u, large ? 10 : 30);
      proposals.push_back({std::move(z), value});
    }
    for (std::size_t s = starts; s < order.size(); ++s)
      proposals.push_back({Z.row(static_cast<Eigen::Index>(order[s])).transpose(), values[order[s]]});
    std::stable_sort(proposals.begin(), proposals.begin() + static_cast<std::ptrdiff_t>(starts),
                     [](const Proposal& a, const Proposal& b) { return a.value > b.value; });
    for (const auto& proposal : proposals) {
      Config config = encoding_.decode(proposal.z);
      if (!seen_.contains(config.to_string())) return config;
    }
    return random_unseen(study);
  }

  void refine(const Surrogate& surrogate, const Score& score, double prior_scale, Eigen::VectorXd& z, double& value,
              double half_width, const Eigen::VectorXd& incumbent_u, int max_iterations) const {
    const auto& continuous = encoding_.continuous();
    const auto m = static_cast<Eigen::Index>(continuous.size());
    Eigen::VectorXd x(m), lower(m), upper(m);
    for (Eigen::Index k = 0; k < m; ++k) {
      x[k] = z[continuous[static_cast<std::size_t>(k)]];
      // Map model coordinate back to its parameter to centre the trust box on the incumbent.
      lower[k] = 0.0;
      upper[k] = 1.0;
    }
    if (half_width < 1.0) {
      const auto& params = encoding_.space().parameters();
      Eigen::Index k = 0;
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i].kind != ParameterKind::Real) continue;
        const double centre = incumbent_u[static_cast<Eigen::Index>(i)];
        lower[k] = std::max(0.0, centre - half_width);
        upper[k] = std::min(1.0, centre + half_width);
        x[k] = std::clamp(x[k], lower[k], upper[k]);
        ++k;
      }
    }
    Eigen::VectorXd full = z;
    auto objective = [&](const Eigen::VectorXd& xs, Eigen::VectorXd& gradient) {
      for (Eigen::Index k = 0; k < m; ++k) full[continuous[static_cast<std::size_t>(k)]] = xs[k];
      auto a = score(surrogate.predict_with_gradient(full));
      for (Eigen::Index k = 0; k < m; ++k) gradient[k] = -a.gradient[continuous[static_cast<std::size_t>(k)]];
      if (prior_scale > 0.0) {
        // Real parameters keep their unit coordinate in the model, so the prior's gradient with
        // respect to u is its gradient with respect to those model coordinates.
        Eigen::VectorXd prior_gradient = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(encoding_.space().size()));
        a.value += prior_scale * options_.warm_start.region_log_prior(encoding_.to_unit(full), &prior_gradient);
        for (Eigen::Index k = 0; k < m; ++k) gradient[k] -= prior_scale * prior_gradient[real_parameters_[static_cast<std::size_t>(k)]];
      }
      return std::isfinite(a.value) ? -a.value : std::numeric_limits<double>::max();
    };
    LBFGSpp::LBFGSBParam<double> param;
    param.max_iterations = max_iterations;
    param.epsilon = 1e-8;
    param.max_linesearch = 30;
    LBFGSpp::LBFGSBSolver<double> solver(param);
    double minimum = -value;
    Eigen::VectorXd candidate = x;
    try {
      solver.minimize(objective, candidate, minimum, lower, upper);
    } catch (const std::exception&) {
      // A failed line search leaves the last iterate; it is checked below like any other.
    }
    Eigen::VectorXd gradient(m);
    const double final_value = -objective(candidate, gradient);
    if (candidate.allFinite() && final_value > value) {
      for (Eigen::Index k = 0; k < m; ++k) z[continuous[static_cast<std::size_t>(k)]] = candidate[k];
      value = final_value;
    }
  }

  BayesianOptions options_;
  const Study* study_ = nullptr;
  ModelEncoding encoding_;
  std::optional<Model> model_;
  std::set<std::size_t> modeled_;
  std::unordered_set<std::string> seen_;
  std::size_t indexed_ = 0;
  std::size_t model_asks_ = 0;
  std::size_t last_fit_ = 0;
  std::size_t last_full_fit_ = 0;
  ValueTransform transform_;
  std::vector<Eigen::Index> real_parameters_;  // parameter index of each continuous model coordinate
  std::vector<std::size_t> model_order_;  // trial numbers in the order the target GP holds them
  std::vector<Model> source_models_;
  transfer::SourceBasis basis_;  // empty without the source basis
  Eigen::VectorXd weights_;
  std::vector<bool> sources_significant_;  // per source: orders the target's observations better than chance
  double target_mean_ = 0.0;
  double target_scale_ = 1.0;
  double best_transformed_ = 0.0;
};

}  // namespace hpo
