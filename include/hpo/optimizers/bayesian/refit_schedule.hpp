#pragma once
// When Bayesian optimization re-fits its Gaussian process's hyperparameters.

#include <algorithm>
#include <cstddef>

namespace hpo::bayesian {

/// The refit schedule of BayesianOptions::full_refit_until. Up to that many observations, a full
/// fit (3 random restarts) follows a surprise: a new observation more than one predictive standard
/// deviation from the model's prediction. The restarts look for a better mode of the marginal
/// likelihood, and the fits in which one finds it follow such a surprise nearly always (measured
/// in bench/results/bo_efficiency.md). Without a surprise, the hyperparameters are re-fitted from
/// the last fit once the observations have grown by a sixteenth since it (every ask up to 31
/// observations, every third ask at 50), and new observations otherwise enter by the O(n^2)
/// update: the more observations, the less one that the model predicted moves the MAP
/// hyperparameters, and the skipped fits cost no sample efficiency on 80 seeds and three
/// placements (bo_efficiency.md).
/// Past full_refit_until, a full fit (1 restart) whenever the observations have grown by a quarter
/// since the last one; in between a fit from the last hyperparameters every 8 new observations,
/// and otherwise only the O(n^2) update with the new points.
/// A full fit is O(n^3) per evaluation of the marginal likelihood; the schedule keeps the cost of
/// a long run's asks near O(n^2) on average.
/// Usage: `auto refit = schedule.decide(n, has_model, surprised); ... schedule.fitted(n, refit.kind);`
class RefitSchedule {
 public:
  enum class Kind { Full, FromLastFit, Update };
  struct Decision {
    Kind kind = Kind::Full;
    int restarts = 3;  ///< random restarts of the hyperparameter fit (Full and FromLastFit)
  };

  explicit RefitSchedule(std::size_t full_refit_until = 64) : full_refit_until_(full_refit_until) {}

  /// What to do with n observations (the model holds fewer, or none yet when !has_model);
  /// `surprised`: a new observation lies outside the model's prediction (kSurprise).
  Decision decide(std::size_t n, bool has_model, bool surprised) const {
    const bool watched = watches_surprises(n);
    if (!has_model || (watched && surprised)) return {Kind::Full, watched ? 3 : 1};
    if (watched) {
      const std::size_t growth = std::max<std::size_t>(1, n / kGrowthPerWatchedRefit);
      return {n >= last_fit_ + growth ? Kind::FromLastFit : Kind::Update, 0};
    }
    if (n >= last_full_fit_ + last_full_fit_ / 4) return {Kind::Full, 1};
    if (n >= last_fit_ + kObservationsPerRefit) return {Kind::FromLastFit, 0};
    return {Kind::Update, 0};
  }

  /// Whether decide() reads `surprised` at n observations (else the caller need not compute it).
  bool watches_surprises(std::size_t n) const noexcept { return n <= full_refit_until_; }

  /// Whether a refit with n observations under a source basis keeps the hyperparameters of the
  /// last fit to the values instead of fitting them again. Under a basis the GP models what the
  /// basis leaves, and its fit to the values serves only the evidence that picks the sources; past
  /// the watched start a full refit comes at least every quarter of growth, so the refits between
  /// full ones give that evidence the last such fit's hyperparameters.
  bool keeps_values_fit_under_basis(const Decision& decision, std::size_t n) const noexcept {
    return decision.kind == Kind::FromLastFit && !watches_surprises(n);
  }

  /// Predictive standard deviations (observation noise included) beyond which a new observation
  /// is a surprise.
  static constexpr double kSurprise = 1.0;

  /// Records the refit just done with n observations.
  void fitted(std::size_t n, Kind kind) {
    if (kind == Kind::Update) return;
    last_fit_ = n;
    if (kind == Kind::Full) last_full_fit_ = n;
  }

  void reset() { last_fit_ = last_full_fit_ = 0; }

 private:
  static constexpr std::size_t kObservationsPerRefit = 8;
  static constexpr std::size_t kGrowthPerWatchedRefit = 16;  // a fit once n has grown by n / 16
  std::size_t full_refit_until_;
  std::size_t last_fit_ = 0;
  std::size_t last_full_fit_ = 0;
};

}  // namespace hpo::bayesian
