#pragma once
// What earlier studies (the sources) tell a new search (the target): initial points and a region.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/linkage.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/source_agreement.hpp"

namespace hpo {

/// The parts of a transfer, each switched on or off in hpo::WarmStartOptions: the sources' best
/// configurations evaluated first, their search region, their surrogate models in Bayesian
/// optimization's ensemble, the source basis under its target model, and the sources' length
/// scales as the prior of the target model's.
enum class WarmStartPart { InitialPoints, Region, Surrogate, SourceBasis, HyperparameterPrior };

/// The part's name in a warm-start record: "initial_points", "region", "surrogate", "source_basis",
/// "hyperparameter_prior".
HPO_INLINE const char* to_string(WarmStartPart part) noexcept;

/// Options of hpo::WarmStart::from; designated initializers follow this order.
struct WarmStartOptions {
  /// Transferred configurations the target evaluates first (the best of the sources, by rank).
  std::size_t initial_points = 5;
  /// No two initial points closer than this (Euclidean distance in the target's unit cube).
  double min_distance = 0.05;
  /// Source trials, best first, whose configurations span the search region (per source).
  std::size_t region_top = 5;
  /// The region box grows by this fraction of each parameter's range on both sides.
  double region_margin = 0.1;
  /// Share of random and grid samples taken outside the region, so that a wrong prior cannot trap
  /// the search.
  double outside_fraction = 0.25;
  /// Which parts of the transfer to use: the initial points, the search region (random and grid
  /// search sample inside it first; Bayesian optimization takes it as a fading prior), and, for
  /// Bayesian optimization, the sources' surrogate models weighted against the target's (RGPE).
  bool use_initial_points = true;
  bool use_region = true;
  bool use_surrogate = true;
  /// For Bayesian optimization: the target's GP models what remains after a Bayesian linear
  /// regression of the target's values on the sources' surrogate means (hpo::transfer::SourceBasis),
  /// into which a source enters only when it raises the evidence by more than
  /// source_basis_min_log_bayes_factor (hpo::transfer::select_sources_by_evidence).
  bool use_source_basis = true;
  /// For Bayesian optimization, with at least 5 sources: the target GP's length-scale prior is
  /// centred, per parameter, on the median of the source GPs' fitted length scales (HyperBO's idea
  /// of a GP prior fitted across tasks, Wang et al. 2022), instead of the dimension-scaled default;
  /// the target's own evidence takes over as its observations grow
  /// (hpo::transfer::TransferSurrogate::hyperparameter_priors).
  bool use_hyperparameter_prior = true;
  /// Bayesian optimization's region prior (the piBO rule, Hvarfner et al. ICLR 2022): the
  /// acquisition is multiplied by pi(x)^(strength * s / n) after n target observations, where
  /// log pi(x) = -1/2 * sum over numeric parameters of (distance outside the box / width)^2, minus
  /// 1 per category outside the region, and s is the RGPE weight held by the sources whose mean
  /// orders the target's observations better than chance (Kendall's tau, one-sided 5% test;
  /// s = 1 without the surrogate): a prior the target's own data contradict is dropped, one they
  /// agree with fades as 1/n.
  double region_prior_strength = 10.0;
  double region_prior_width = 0.1;
  /// log 3: "positive" evidence (Kass & Raftery 1995); lower let unrelated sources in, higher
  /// slowed related ones (bench/results/design_measurements.md).
  double source_basis_min_log_bayes_factor = 1.0986122886681098;
  /// At most this many sources are kept (those agreeing with the most others, then by library
  /// order); the rest are left out and recorded, so that per-ask cost stays bounded for a large
  /// library.
  std::size_t max_sources = 100;
  /// How many of the sources are expected to be related to the target: the rank test behind the
  /// region prior (a source counts there only once it orders the target's observations better
  /// than chance) is Bonferroni-corrected by the multiplicity max(1, sources /
  /// expected_related_sources). A handful of hand-picked sources is tested as before; among 40
  /// candidates one that orders a few observations well by chance no longer pulls the search
  /// into its region.
  double expected_related_sources = 3.0;
  /// A folder where Bayesian optimization keeps the sources' fitted models across processes (one
  /// small file per source, hpo::transfer::SourceModelStore), so that a library is fitted once, not
  /// once per target run; created when first written. Empty: models are kept in the process only.
  /// A file that cannot be written is reported on stderr, once per folder, and the run goes on.
  std::string source_model_directory = {};
};

/// Knowledge transferred from source studies to a target search space.
///
/// Matching rules (source parameter -> target parameter, by name):
/// - a parameter must have the same kind in both, else std::invalid_argument names it;
/// - a numeric source value outside the target's range is clipped to the nearest bound;
/// - a source category the target lacks drops that source trial;
/// - a target parameter the source lacks is filled with the target's central value (the value at
///   the middle of its unit interval: the midpoint, the log-midpoint, the middle category);
/// - failed and running source trials are ignored.
/// A source that cannot be matched (it shares no parameter with the target, a parameter has another
/// kind, no completed trial, every trial uses a category the target lacks) is left out, and
/// left_out() and the record say which and why; when no source matches, std::invalid_argument
/// gives every reason. So a whole library (hpo::load_studies) can be passed as it is.
/// Before any target observation, the matched sources are linked by how much they agree with each
/// other (hpo::transfer::source_agreement): the first initial points probe the clusters, one each,
/// largest first, and the rest go to the cluster whose probe did best on the target
/// (next_initial_point), so that a library of several families answers with the one that fits.
/// Initial points follow Feurer, Springenberg & Hutter (AAAI 2015): each source's best
/// configurations by rank, merged across sources rank by rank, deduplicated and spread.
/// The region follows Perrone et al. (NeurIPS 2019): the smallest box holding every source's top
/// configurations, widened by a margin; categories restricted to those seen there.
/// Not thread-safe to build; a built WarmStart is read-only and may be shared between threads.
/// Usage: `auto warm = hpo::WarmStart::from({hpo::Study::load("source.jsonl")}, space);` or, from a
/// library, `auto warm = hpo::WarmStart::from(hpo::load_studies("studies/"), space);`
class WarmStart {
 public:
  /// One source, matched to the target: its completed trials as target configurations, best first,
  /// with their values in the source's own units (the optimizers use only their order, or models
  /// fitted on each source's own standardized values, so that scales never cross over).
  struct Source {
    std::vector<Config> configs;
    std::vector<double> values;  ///< in the source's own units, oriented so that lower is better
    std::size_t dropped = 0;     ///< trials dropped by the matching rules
    std::string origin;          ///< the source's journal path, or "source #k" for a study in memory
    std::size_t cluster = 0;     ///< its cluster of agreeing sources (0 = the largest)
    std::size_t support = 0;     ///< how many other sources it agrees with significantly
    /// Hash of the matched trials and the target space: the key of cached source models, so that a
    /// changed journal is never served a model fitted on its old contents.
    std::uint64_t fingerprint = 0;
  };

  /// A source left out, and why.
  struct LeftOut {
    std::string origin;
    std::string reason;
  };

  WarmStart() = default;

  static WarmStart from(const std::vector<Study>& sources, const SearchSpace& target, WarmStartOptions options = {});

  bool empty() const noexcept { return sources_.empty(); }
  const SearchSpace& target() const noexcept { return target_; }
  const std::vector<Source>& sources() const noexcept { return sources_; }
  const std::vector<Config>& initial_points() const noexcept { return initial_points_; }
  const WarmStartOptions& options() const noexcept { return options_; }
  /// max(1, sources / expected_related_sources): how many times the usual evidence a source must
  /// show (WarmStartOptions::expected_related_sources).
  double multiplicity() const noexcept {
    return std::max(1.0, static_cast<double>(sources_.size()) / options_.expected_related_sources);
  }
  /// The sources left out (no match with the target space, or beyond max_sources), in library order.
  const std::vector<LeftOut>& left_out() const noexcept { return left_out_; }

  /// Whether this warm start holds sources and its options switch `part` on.
  bool uses(WarmStartPart part) const noexcept { return !empty() && switched_on(options_, part); }

  /// The search region in the target's unit cube: per parameter [lower, upper]. For a categorical
  /// parameter the bounds cover the cells of the categories seen in the sources' top trials only
  /// when those are contiguous; use region_contains() to test a configuration.
  const Eigen::VectorXd& region_lower() const noexcept { return lower_; }
  const Eigen::VectorXd& region_upper() const noexcept { return upper_; }
  const std::vector<std::vector<std::string>>& region_categories() const noexcept { return categories_; }

  /// The first initial point not yet in the study, if any: what a warm-started optimizer asks first.
  /// With sources in several clusters, the first initial points are probes, one per cluster
  /// (initial_probes()); once every probe has a result, the rest go first to the other sources of
  /// the cluster whose probe did best (their best configurations), then to the clusters not
  /// probed, so that a library answers with its family that fits the target. Until then (trials
  /// still running, as in parallel runs) and when no probe completed, the rest are
  /// initial_points() in order. At most options().initial_points in all.
  std::optional<Config> next_initial_point(const Study& study) const;

  /// How many of initial_points() are probes, one per cluster (see next_initial_point).
  std::size_t initial_probes() const noexcept { return probes_; }

  /// Whether a configuration of the target space lies in the region (validated first).
  bool region_contains(const Config& config) const;

  /// Where a value of the target's parameter number `parameter` lies relative to the region: below
  /// its range (-1), in it (0) or above it (+1); for a category, in the region's categories (0) or
  /// not (+1). Throws std::invalid_argument when the value is not valid for the parameter.
  int region_side(std::size_t parameter, const Value& value) const;

  /// log pi(u) of the region prior (see WarmStartOptions::region_prior_strength) at the unit point
  /// u; adds its gradient with respect to the numeric coordinates of u to `gradient` when given.
  /// Throws std::invalid_argument when u does not fit the target space (check_unit_point).
  double region_log_prior(const Eigen::VectorXd& u, Eigen::VectorXd* gradient = nullptr) const;

  /// What the warm start holds, as a study record: sources (origin, trials used, trials dropped),
  /// the parts in use, the initial points and the region. Built once: optimizers report it on
  /// every ask.
  const nlohmann::json& describe() const noexcept { return description_; }

  /// describe() stamped with the optimizer using it, with "parts" listing only those of `parts_used`
  /// (the parts the optimizer acts on) that the options switch on; nullopt for an empty (cold)
  /// warm start. What each optimizer's transfer_report() hands to the study's record.
  std::optional<nlohmann::json> report(const std::string& optimizer,
                                       std::initializer_list<WarmStartPart> parts_used) const;
  /// report() for an optimizer that acts on every part.
  std::optional<nlohmann::json> report(const std::string& optimizer) const { return report(optimizer, kAllParts); }

  /// The unit point u (in [0,1]^d) mapped into the region: numeric coordinates scaled into the box,
  /// categorical ones onto the allowed categories. Throws std::invalid_argument when u does not fit
  /// the target space (check_unit_point).
  Config sample_in_region(const Eigen::VectorXd& u) const;

 private:
  static constexpr std::initializer_list<WarmStartPart> kAllParts = {
      WarmStartPart::InitialPoints, WarmStartPart::Region, WarmStartPart::Surrogate, WarmStartPart::SourceBasis,
      WarmStartPart::HyperparameterPrior};

  // A unit point of the target space: one finite coordinate per parameter, else
  // std::invalid_argument naming the function and the parameter.
  void check_unit_point(const Eigen::VectorXd& u, const char* function) const;

  static bool switched_on(const WarmStartOptions& options, WarmStartPart part) noexcept;

  nlohmann::json build_description() const;

  // Throws std::invalid_argument naming the first option out of range, and its value.
  static void validate(const WarmStartOptions& o);

  static std::string origin_of(const Study& source, std::size_t index) {
    return source.origin().empty() ? "source #" + std::to_string(index) : source.origin();
  }

  // Agreement between the sources (source_agreement.hpp) on at most 100 trials each (the best 50
  // and 50 spread over the rest), their clusters, and the max_sources cap.
  void link_sources();

  static Source match(const Study& source, std::size_t index, const SearchSpace& target);

  // FNV-1a over the target space's header and the matched trials' unit coordinates and values.
  static std::uint64_t fingerprint(const Source& source, const SearchSpace& target);

  // Rank by rank within a cluster (Feurer et al. 2015's merge), clusters in turn, largest first:
  // with one cluster this is the plain merge; with several, each family of the library gets a turn.
  // The first of them, one per cluster, are the probes.
  void pick_initial_points();

  // The probe with the best completed result; nullopt while a probe is not in the study or still
  // running, or when none completed.
  std::optional<std::size_t> best_probe(const Study& study) const;

  // The initial points after the probes when the probe from `cluster` did best (`clusters`: the
  // cluster of each initial point): the best configuration of each other source in it, then those
  // of the clusters not probed, then initial_points() in order; spread by min_distance.
  std::vector<Config> points_after_probes(std::size_t cluster, const std::vector<std::size_t>& clusters) const;

  // Without use_region the region is the whole space, so that samplers inside it are unbiased.
  void build_region();

  SearchSpace target_;
  WarmStartOptions options_;
  std::vector<Source> sources_;
  std::vector<LeftOut> left_out_;
  std::vector<Config> initial_points_;
  std::size_t probes_ = 0;
  std::vector<std::vector<Config>> follow_ups_;  // per probe: the points after the probes when it did best
  Eigen::VectorXd lower_, upper_;
  std::vector<std::vector<std::string>> categories_;
  nlohmann::json description_;
};

/// Throws std::invalid_argument when a warm start was built for another target space.
HPO_INLINE void check_warm_start_space(const WarmStart& warm, const SearchSpace& space, const char* who);

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/warm_start.ipp"
#endif
