#pragma once
// Gradient descent on the real hyperparameters: the orchestrator of the parts in
// optimizers/gradient_descent/ (step rule, gradient estimate, backtracking, stop rules).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/optimizers/gradient_descent/backtracking.hpp"
#include "hpo/optimizers/gradient_descent/gradient_estimate.hpp"
#include "hpo/optimizers/gradient_descent/options.hpp"
#include "hpo/optimizers/gradient_descent/step_rule.hpp"
#include "hpo/optimizers/gradient_descent/stop_rules.hpp"
#include "hpo/study/study.hpp"
#include "hpo/study/study_tracker.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// Thrown by hpo::GradientDescent::ask (and so out of hpo::optimize) when too many evaluations in a
/// row failed. It carries a copy of the study, with every trial evaluated so far.
class TooManyFailures : public std::runtime_error {
 public:
  TooManyFailures(const std::string& message, Study study) : std::runtime_error(message), study_(std::move(study)) {}
  const Study& study() const noexcept { return study_; }

 private:
  Study study_;
};

/// Gradient-based hyperparameter optimization: start at theta_0 (a warm start's best transferred
/// configuration, else `.start`, else the centre of the space) and iterate
/// theta <- P(theta - step), the step from Adam (Kingma & Ba, ICLR 2015) or plain gradient descent
/// with a step schedule, P the projection onto the bounds. It works on the real parameters in the
/// unit cube (log parameters in their logarithm); integer and categorical parameters are held at
/// their start values.
///
/// The gradient is the objective's own when it returns an hpo::Evaluation with one (d value / d
/// parameter in the user's units, converted by the chain rule: d/du = dx/du * d/dx, and for a log
/// parameter dx/du = x * log(high / low)) — e.g. a hypergradient by implicit differentiation
/// (Pedregosa, ICML 2016; Lorraine, Vicol & Duvenaud, AISTATS 2020). Otherwise, after the first
/// evaluation shows there is none, each step evaluates 2 points per real parameter (central
/// differences) or 2 points in all (SPSA, Spall 1992), each a trial of the study. The iterate itself
/// is then not evaluated, so the study's best is a probe within finite_difference_step of it.
///
/// Adam's momentum restarts when a step overshoots (O'Donoghue & Candes, Found. Comput. Math. 2015),
/// and a step that raised the value is taken back and retried shorter (`backtrack`).
/// It stops on a small projected gradient, on no relative improvement over `patience` steps, or
/// when the run's budget ends; stop_reason() says which. A failed evaluation steps back: halfway
/// to the previous point, with the step size halved from then on; `max_consecutive_failures`
/// failures in a row throw hpo::TooManyFailures, which carries the study.
/// It is a local method: on a validation loss with several basins it converges in the one it
/// starts in (a warm start can pick the wrong one); Bayesian optimization searches globally.
///
/// The state is rebuilt from the study: the optimizer matches each point it wants to the trial
/// holding that configuration, so a resumed journal continues the same path. All the points of
/// one gradient estimate can be asked before any is told; while they are outstanding ask()
/// returns std::nullopt. The same seed gives the same configurations on every platform.
/// Not thread-safe: one object serves one thread (hpo::optimize asks from the calling thread only).
/// Usage: `hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.1, .warm_start = warm});`
class GradientDescent {
 public:
  explicit GradientDescent(GradientDescentOptions options = {})
      : options_((gradient::validate(options), std::move(options))), rule_(options_) {}

  const GradientDescentOptions& options() const noexcept { return options_; }
  GradientDescentStop stop_reason() const noexcept { return stop_; }
  /// Why it stopped, with the numbers ("projected gradient norm 3.2e-09 <= 1e-06 after 14 steps").
  std::string stop_message() const;
  /// Gradient steps taken so far.
  std::size_t steps() const noexcept { return steps_; }
  /// Whether the objective returned gradients (known after the first completed evaluation).
  bool uses_objective_gradient() const noexcept { return analytic_ == Mode::Analytic; }

  /// What the warm start holds, for the study's record (Study::ask stores it); nullopt when cold.
  std::optional<nlohmann::json> transfer_report() const {
    return options_.warm_start.report("gradient_descent", {WarmStartPart::InitialPoints});
  }

  std::optional<Config> ask(const Study& study);

 private:
  enum class Mode { Unknown, Analytic, Estimated };
  enum class BatchKind { Centre, Probes };

  struct Point {
    Eigen::VectorXd u;  // real coordinates in the unit cube
    Config config;
    std::optional<std::size_t> trial;
  };

  bool claimed(std::size_t t) const;

  // Matches every point of the current batch to a trial holding its configuration.
  void match_batch(const Study& study);

  // Starts over (and so replays the study from its first trial) when the study is not the one the
  // state was built from: another study, another space, fewer trials, or a matched trial with
  // another config.
  void synchronize(const Study& study);

  // The start: the warm start's best transferred configuration, else .start, else the centre.
  Config start_configuration(const SearchSpace& space) const;

  void initialize(const SearchSpace& space);

  // A coordinate still at its start value keeps the start's exact value (no round trip).
  Config config_at(const Eigen::VectorXd& u) const;

  void make_batch(BatchKind kind);

  double oriented(const Study& study, double value) const { return lower_is_better(value, study.direction()); }

  // Counts this batch's finished trials, in trial order, as failures or successes (throwing
  // hpo::TooManyFailures at max_consecutive_failures in a row); true when one of them failed.
  bool count_failures(const Study& study);

  // The value and gradient (unit cube, lower is better) the finished batch shows; nothing when the
  // centre's evaluation carries no gradient (the next batch then estimates one there).
  std::optional<std::pair<double, Eigen::VectorXd>> batch_gradient(const Study& study);

  // Moves on from a finished batch: back off after a failure, stop by a stop rule, take back a
  // step that raised the value, or take the next step.
  void consume(const Study& study);

  void stop(GradientDescentStop why, std::string message);

  // Back to the previous iterate, momentum forgotten, then a shorter step along the rejected one
  // (backtrack_fraction), or, when it was not downhill, again along the gradient, half as far.
  void backtrack(double value);

  void step(const Eigen::VectorXd& gradient, bool fresh);

  GradientDescentOptions options_;
  gradient::StepRule rule_;
  detail::StudyTracker tracker_;
  std::optional<SearchSpace> space_;
  std::vector<std::size_t> reals_;  // indices of the real parameters in the space
  Config fixed_;                    // the start configuration: holds the non-real values
  Eigen::VectorXd theta_;           // the current point: real coordinates in the unit cube
  std::optional<Eigen::VectorXd> previous_;
  Eigen::VectorXd theta0_;
  std::optional<double> last_value_;  // the value at the last accepted iterate
  Eigen::VectorXd last_gradient_;     // and its gradient (unit cube, oriented)
  std::size_t steps_ = 0;
  std::uint64_t spsa_draws_ = 0;
  Mode analytic_ = Mode::Unknown;
  std::size_t consecutive_failures_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<double> best_history_;
  GradientDescentStop stop_ = GradientDescentStop::Budget;
  std::string stop_message_;
  BatchKind kind_ = BatchKind::Centre;
  std::vector<Point> batch_;
  std::size_t scan_from_ = 0;
  std::optional<std::pair<std::size_t, Config>> last_consumed_;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/impl/gradient_descent.ipp"
#endif
