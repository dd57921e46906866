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
#include <variant>
#include <vector>

#include <Eigen/Core>
#include <LBFGSB.h>

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
  /// Knowledge from earlier studies (hpo::WarmStart::from): their best configurations are
  /// evaluated first, in place of part of the initial design.
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
  /// Every this many model-based asks, one is a local step instead: the acquisition is maximized
  /// only in a box around the incumbent (a trust region, as dlib's LIPO-TR and TuRBO use to converge
  /// fast locally; its half-width shrinks from 0.2 to 0.05 of each real parameter's range);
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
/// Usage: `hpo::BayesianOptimization bo({.seed = 7}); auto study = hpo::optimize(space, f, bo, {.max_evaluations = 50});`
class BayesianOptimization {
 public:
  explicit BayesianOptimization(BayesianOptions options = {}) : options_(options) {}

  const BayesianOptions& options() const noexcept { return options_; }

  std::optional<Config> ask(const Study& study) {
    prepare(study);
    const std::size_t n_trials = study.trials().size();
    std::size_t completed = study.completed_count();
    if (n_trials < initial_design_size(study.space().size()) || completed < 2) return initial_point(study);
    update_model(study);
    return model_based_point(study);
  }

 private:
  using Model = std::variant<gp::GaussianProcess<gp::Matern52>, gp::GaussianProcess<gp::Matern32>,
                             gp::GaussianProcess<gp::SquaredExponential>>;

  std::size_t initial_design_size(std::size_t d) const {
    if (options_.initial_design > 0) return options_.initial_design;
    return std::max<std::size_t>(5, std::min<std::size_t>(d + 1, 12));
  }

  // Resets the cached model when the study or its space changes (a new run).
  void prepare(const Study& study) {
    if (study_ == &study && encoding_.space() == study.space() && modeled_.size() <= study.completed_count()) return;
    study_ = &study;
    encoding_ = ModelEncoding(study.space());
    modeled_.clear();
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
    if (!options_.warm_start.empty()) {
      check_warm_start_space(options_.warm_start, study.space(), "hpo::BayesianOptimization");
      if (auto transferred = options_.warm_start.next_initial_point(study)) return transferred;
    }
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

  // The output transform is fixed at each refit, so that points added in between by the
  // incremental update share the model's scale.
  void refit_transform(const Eigen::VectorXd& y) {
    std::vector<double> sorted(y.begin(), y.end());
    std::sort(sorted.begin(), sorted.end());
    const auto quantile = [&](double q) {
      const double position = q * static_cast<double>(sorted.size() - 1);
      const auto below = static_cast<std::size_t>(position);
      const auto above = std::min(below + 1, sorted.size() - 1);
      return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
    };
    median_ = quantile(0.5);
    spread_ = (quantile(0.75) - quantile(0.25)) / 1.349;
    if (!(spread_ > 0.0)) spread_ = std::max(std::abs(median_) * 1e-6, 1e-12);
  }

  double transform(double y) const {
    if (options_.output_transform == OutputTransform::Standardize || y <= median_) return y;
    return median_ + spread_ * std::log1p((y - median_) / spread_);
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
      for (const auto& trial : study.trials()) {
        if (!trial.completed()) continue;
        X.row(row) = encoding_.encode(trial.config).transpose();
        raw[row++] = signed_value(study, trial);
        modeled_.insert(trial.number);
      }
      refit_transform(raw);
      Eigen::VectorXd y = raw.unaryExpr([this](double v) { return transform(v); });
      if (!model_) model_.emplace(make_model());
      // Random restarts guard small-data fits against poor local optima; past full_refit_until
      // the warm start carries most of the information and one restart suffices.
      const int restarts = !full ? 0 : n <= options_.full_refit_until ? 3 : 1;
      std::visit([&](auto& gp) { gp.fit(X, y, restarts); }, *model_);
      last_fit_ = n;
      if (full) last_full_fit_ = n;
      best_transformed_ = y.minCoeff();
    } else {
      for (const Trial* trial : fresh) {
        const double y = transform(signed_value(study, *trial));
        std::visit([&](auto& gp) { gp.add_observation(encoding_.encode(trial->config), y); }, *model_);
        modeled_.insert(trial->number);
        best_transformed_ = std::min(best_transformed_, y);
      }
    }
  }

  Model make_model() const {
    const gp::GaussianProcessOptions gp_options{.seed = options_.seed};
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
    const Score score{options_.acquisition, best_transformed_, options_.ucb_beta};
    Rng rng(options_.seed, 0xB0B0000ULL + study.trials().size());

    // The incumbent (best completed trial) in the unit cube of parameters.
    const Trial& incumbent = study.best();
    const Eigen::VectorXd incumbent_u = study.space().to_unit(incumbent.config);
    const auto d = static_cast<Eigen::Index>(study.space().size());
    const auto n = std::visit([](auto& gp) { return gp.observation_count(); }, model);

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
    const auto batch = std::visit([&](auto& gp) { return gp.predict(Z); }, model);
    std::vector<double> values(unit_points.size());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = score(batch.mean[static_cast<Eigen::Index>(i)], batch.variance[static_cast<Eigen::Index>(i)]);
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
      if (!continuous.empty()) refine(model, score, z, value, exploit ? box : 1.0, incumbent_u, large ? 10 : 30);
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

  template <class M>
  void refine(const M& model, const Score& score, Eigen::VectorXd& z, double& value, double half_width,
              const Eigen::VectorXd& incumbent_u, int max_iterations) const {
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
      const auto a = std::visit([&](auto& gp) { return score(gp.predict_with_gradient(full)); }, model);
      for (Eigen::Index k = 0; k < m; ++k) gradient[k] = -a.gradient[continuous[static_cast<std::size_t>(k)]];
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
  double median_ = 0.0;
  double spread_ = 1.0;
  double best_transformed_ = 0.0;
};

}  // namespace hpo
