#pragma once
// What Bayesian optimization's model takes from the sources: one Gaussian process per source,
// their RGPE ranking weights against the target's observations, the source basis under the
// target's GP, the target GP's length-scale prior, and the scale of the region prior.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/transfer/ranking_weights.hpp"
#include "hpo/transfer/source_basis.hpp"
#include "hpo/transfer/source_model_cache.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo::transfer {

/// The warm start's region prior at one ask: log pi(u) (WarmStart::region_log_prior) times a
/// scale that fades with the target's evidence; 0 switches it off.
/// Usage: `double log_prior = prior.log_value(u);`
struct RegionPrior {
  const WarmStart* warm = nullptr;
  double scale = 0.0;

  double log_value(const Eigen::VectorXd& u) const { return scale > 0.0 ? scale * warm->region_log_prior(u) : 0.0; }
};

/// The surrogate the acquisition sees at one ask: the target's model (its GP plus, with the source
/// basis, the regression on the sources' means whose remainder that GP fits) alone, or the RGPE
/// ensemble of the source GPs (in standardized units, mapped onto the target's mean and spread)
/// and the target's model. The sources lend the ensemble their means only; its variance is the
/// target model's (see predict). A view: it refers to models owned elsewhere, for the duration of
/// an ask.
/// Usage: `auto batch = surrogate.predict(Z); auto p = surrogate.predict_with_gradient(z);`
struct CombinedSurrogate {
  const gp::SelectedGaussianProcess* target = nullptr;
  const std::vector<gp::SelectedGaussianProcess>* sources = nullptr;
  Eigen::VectorXd weights;  // sources..., target; empty: the target alone
  double mean = 0.0, scale = 1.0;
  const SourceBasis* basis = nullptr;

  bool ensemble() const { return weights.size() > 0 && weights[weights.size() - 1] < 1.0; }
  bool needs_sources() const { return sources && (basis || ensemble()); }

  gp::BatchPrediction predict(const Eigen::MatrixXd& Z) const;

  gp::PredictionWithGradient predict_with_gradient(const Eigen::VectorXd& z) const;

 private:
  bool in_basis(std::size_t i) const;
  bool source_used(std::size_t i) const;

  void add_basis(const std::vector<gp::MeanWithGradient>& source, gp::PredictionWithGradient& result) const;
};

/// Settings a TransferSurrogate shares with the optimizer that owns it.
struct TransferSurrogateSettings {
  std::uint64_t seed = 0;
  KernelType kernel = KernelType::Matern52;
  bool robust_outputs = true;
};

/// The sources' side of Bayesian optimization's model, one object owning it all: a GP fitted once
/// per source on the source's own standardized values (only the shape of a source crosses over,
/// never its scale); their RGPE weights (Feurer, Letham & Bakshy 2018; ranking_weights.hpp) against
/// the target's observations, with the target model judged by its leave-one-out predictions; the
/// source basis (ABLR's regression head, Perrone et al. 2018; source_basis.hpp) that the target's
/// GP is fitted under; the length-scale prior of that GP (hyperparameter_priors); and the scale of
/// the region prior (piBO, Hvarfner et al. 2022).
/// Not thread-safe.
/// Usage: `transfer.note_refit(warm, encoding, X, y, target_gp); transfer.update_weights(warm);`
class TransferSurrogate {
 public:
  explicit TransferSurrogate(TransferSurrogateSettings settings = {}) : settings_(settings) {}

  /// Forgets what depends on the target's observations; with `space_changed`, the source GPs too.
  void reset(bool space_changed);

  /// The RGPE weights: one per source, then the target's; empty until computed.
  const Eigen::VectorXd& weights() const noexcept { return weights_; }
  const SourceBasis& basis() const noexcept { return basis_; }
  void clear_basis() { basis_ = {}; }

  /// One GP per source, fitted once on the source's own standardized values (robust transform,
  /// then mean 0 and spread 1). A source of more than 300 trials keeps its best 150 and 150
  /// spread over the rest. The restarted hyperparameter search runs on at most kSourceSearchRows
  /// of them, and its best start is then refined on them all. Fitted models live in
  /// SourceModelCache, keyed by the source's fingerprint, and are seeded by it: the same journal
  /// gives the same model in every optimizer of the process, whatever its seed or the source's
  /// place in the library.
  /// With WarmStartOptions::source_model_directory, a model another process stored there is
  /// rebuilt from its hyperparameters instead (the same model, one factorization), and a model
  /// fitted here is stored there.
  void fit_sources(const WarmStart& warm, const ModelEncoding& encoding);

  /// The regression of the target's values y at X on the sources' means, with the sources the
  /// evidence selects under the target GP as given (select_sources_by_evidence); when any
  /// enters, the target GP is refitted on what the regression leaves, without restarts (the
  /// remainder is smoother than the values, and a second restarted fit would double the cost of an
  /// ask), from the last such fit's hyperparameters, or from those just fitted to the values when
  /// there was none: each of the two fits starts nearest its own optimum. Returns whether a source
  /// entered (else the target GP is left as it was given).
  bool fit_basis(const WarmStart& warm, const ModelEncoding& encoding, gp::SelectedGaussianProcess& target,
                 const Eigen::MatrixXd& X, const Eigen::VectorXd& y);

  /// The target GP's hyperparameter priors learned from the sources (HyperBO's GP prior fitted
  /// across tasks, Wang et al. 2022, in its simplest form): the defaults
  /// (gp::HyperparameterPriors::for_dimension), but each model dimension's length-scale prior has
  /// its mode at the median of the source GPs' fitted length scales there and a spread of
  /// kLengthScalePriorSigma. The median over every matched source, related or not: a robust
  /// centre that a minority of odd sources does not move, and a prior, which the target's own
  /// evidence overrides as it grows. With fewer than kMinSourcesForPrior sources the defaults are
  /// returned: one or three fitted length scales are too noisy a centre for a narrower prior.
  /// Fits the source models first if need be.
  gp::HyperparameterPriors hyperparameter_priors(const WarmStart& warm, const ModelEncoding& encoding);

  /// Spread (of the log length scale) of the learned prior: narrower than the default's sqrt(3),
  /// since it is centred on evidence; 0.5, 1.5 and sqrt(3) were measured too, and fewer sources
  /// than kMinSourcesForPrior cost a small library evaluations (bench/results/transfer_library.md).
  static constexpr double kLengthScalePriorSigma = 1.0;
  static constexpr std::size_t kMinSourcesForPrior = 5;

  /// Whether `warm` has the sources the learned prior needs (kMinSourcesForPrior): the one test
  /// behind both hyperparameter_priors and the warm-start record's list of parts in use.
  static bool learns_prior(const WarmStart& warm) noexcept { return warm.sources().size() >= kMinSourcesForPrior; }

  /// The source basis's mean at one model point z (0 without a basis): what the target GP does not model.
  double basis_mean(const Eigen::VectorXd& z) const;

  /// Records, at a refit of the target model, what the RGPE weights are judged on: the target's
  /// observations (X in model coordinates, in the target GP's order, with the transformed values
  /// y it was fitted to) and the target model's leave-one-out predictions at them. The weights
  /// themselves wait for update_weights: the ranking draws are most of a warm ask's cost, and
  /// only a global step uses the weights, while every ask refits up to 31 observations and every
  /// second one is a local step. Fits the source models first if need be.
  void note_refit(const WarmStart& warm, const ModelEncoding& encoding, const Eigen::MatrixXd& X,
                  const Eigen::VectorXd& y, const gp::SelectedGaussianProcess& target);

  /// The RGPE weights of the observations that the last note_refit recorded, from how well each
  /// model orders them; nothing when they are computed already. The same weights as if computed
  /// at that refit (the draws are seeded by the number of observations).
  void update_weights(const WarmStart& warm);

  /// At most this many sources enter RGPE's draws at one ask (update_weights).
  static constexpr std::size_t kRankingCandidates = 10;

  /// The region prior after n target observations (see RegionPrior), its scale set by the weight
  /// of the sources that have earned it: RGPE hands the first few clustered observations to
  /// whichever source happens to order them best, so a source counts here only once its mean
  /// orders the target's observations better than chance (orders_better_than_chance; without
  /// that test the prior pulled unrelated targets back into the sources' region:
  /// bench/results/design_measurements.md).
  RegionPrior region_prior(const WarmStart& warm, std::size_t n) const;

  /// The surrogate of one ask: the target's model, with the RGPE ensemble when `ensemble` (and
  /// weights exist), and the source basis whenever it is in use.
  CombinedSurrogate surrogate(const gp::SelectedGaussianProcess& target, bool ensemble) const;

  /// Adds the current weights to a warm-start record: per source its weight, whether it orders
  /// the target's observations better than chance and whether it is in the regression.
  void annotate(nlohmann::json& record) const;

 private:
  /// Rows of a source (a random subset) on which the restarted hyperparameter search runs. The
  /// first ask fits every source, and restarts on all of a large source's rows cost several times
  /// as much for the same maximum; a search on the subset alone loses held-out accuracy
  /// (bench/results/transfer_library.md).
  static constexpr Eigen::Index kSourceSearchRows = 64;

  gp::SelectedGaussianProcess make_model(std::uint64_t seed, Eigen::Index fit_rows) const {
    return gp::SelectedGaussianProcess({.max_fit_points = fit_rows, .seed = seed},
                                       gp::SelectedKernel(0, settings_.kernel));
  }

  // A source GP fitted as kSourceSearchRows describes.
  gp::SelectedGaussianProcess fit_source_model(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                                               std::uint64_t seed) const;

  // One source's trials as the model sees them: the rows fit_sources keeps, encoded, and their
  // values transformed and standardized.
  std::pair<Eigen::MatrixXd, Eigen::VectorXd> source_data(const WarmStart::Source& source,
                                                          const ModelEncoding& encoding) const;

  // Stores `model`'s hyperparameters in `directory` (WarmStartOptions::source_model_directory);
  // a folder that cannot be written is said once on stderr, and the run goes on.
  void keep_in_directory(const WarmStart::Source& source, const gp::SelectedGaussianProcess& model,
                         const std::string& directory) const;
  // One source's model: rebuilt from the hyperparameters stored in `directory` when they are
  // there, else fitted (and stored there when `directory` is set).
  std::pair<gp::SelectedGaussianProcess, SourceModelCache::Origin> source_model(const WarmStart::Source& source,
                                                                                const ModelEncoding& encoding,
                                                                                const std::string& directory) const;

  // Each source GP's posterior mean at the target's observations X (model coordinates), one
  // column per source. fit_basis and update_weights ask for the same rows after a refit: the last
  // answer is kept for its X.
  const Eigen::MatrixXd& observed_source_means(const Eigen::MatrixXd& X);

  // What note_refit records for update_weights.
  struct RankingEvidence {
    Eigen::MatrixXd X;  // the observations in model coordinates, in the target GP's order
    Eigen::VectorXd y;
    gp::LeaveOneOutPrediction target;
  };

  TransferSurrogateSettings settings_;
  std::vector<gp::SelectedGaussianProcess> source_models_;
  SourceBasis basis_;  // empty without the source basis
  Eigen::VectorXd remainder_fit_;  // log hyperparameters of fit_basis's last fit; empty before
  std::optional<RankingEvidence> unweighed_;  // recorded by note_refit, not yet weighed
  Eigen::MatrixXd means_X_, means_at_X_;       // observed_source_means's last X and answer
  Eigen::VectorXd weights_;
  std::vector<bool> sources_significant_;  // per source: orders the target's observations better than chance
  double target_mean_ = 0.0;
  double target_scale_ = 1.0;
};

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/transfer_surrogate.ipp"
#endif
