#pragma once
// Bodies of gradient_descent.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent.hpp"

namespace hpo {

HPO_INLINE std::string GradientDescent::stop_message() const {
  if (stop_ == GradientDescentStop::Budget)
    return "did not stop by itself (the run's budget or a callback ended it) after " + std::to_string(steps_) +
           " steps";
  return stop_message_;
}

HPO_INLINE std::optional<Config> GradientDescent::ask(const Study& study) {
  require_parameters(study.space(), "hpo::GradientDescent");
  synchronize(study);
  for (;;) {
    if (stop_ != GradientDescentStop::Budget) return std::nullopt;
    match_batch(study);
    bool any_failed = false, all_finished = true;
    for (const auto& point : batch_) {
      if (!point.trial) {
        all_finished = false;
        continue;
      }
      const Trial& trial = study.trials()[*point.trial];
      any_failed |= trial.failed();
      all_finished &= !trial.running();
    }
    if (any_failed || all_finished) {
      consume(study);
      continue;
    }
    for (const auto& point : batch_)
      if (!point.trial) return point.config;
    return std::nullopt;  // every point is out; wait for them to be told
  }
}

HPO_INLINE bool GradientDescent::claimed(std::size_t t) const {
  for (const auto& point : batch_)
    if (point.trial == t) return true;
  return false;
}

HPO_INLINE void GradientDescent::match_batch(const Study& study) {
  const auto& trials = study.trials();
  for (auto& point : batch_) {
    if (point.trial) continue;
    for (std::size_t t = scan_from_; t < trials.size(); ++t) {
      if (claimed(t) || trials[t].config != point.config) continue;
      point.trial = t;
      break;
    }
  }
}

HPO_INLINE void GradientDescent::synchronize(const Study& study) {
  bool fresh = !tracker_.follows(study) || !space_ || !(*space_ == study.space());
  const auto& trials = study.trials();
  for (const auto& point : batch_)
    if (point.trial && (*point.trial >= trials.size() || trials[*point.trial].config != point.config)) fresh = true;
  if (last_consumed_ &&
      (last_consumed_->first >= trials.size() || trials[last_consumed_->first].config != last_consumed_->second))
    fresh = true;
  if (fresh) initialize(study.space());
}

HPO_INLINE Config GradientDescent::start_configuration(const SearchSpace& space) const {
  if (!options_.warm_start.empty()) check_warm_start_space(options_.warm_start, space, "hpo::GradientDescent");
  if (!options_.warm_start.empty() && !options_.warm_start.initial_points().empty())
    return options_.warm_start.initial_points().front();
  if (options_.start) {
    try {
      space.validate(*options_.start);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("hpo::GradientDescent: the start configuration is invalid: ") + e.what());
    }
    return *options_.start;
  }
  return space.from_unit(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(space.size()), 0.5));
}

HPO_INLINE void GradientDescent::initialize(const SearchSpace& space) {
  space_ = space;
  reals_.clear();
  for (std::size_t i = 0; i < space.size(); ++i)
    if (space[i].kind == ParameterKind::Real) reals_.push_back(i);
  if (reals_.empty())
    throw std::invalid_argument("hpo::GradientDescent: the search space has no real parameter to descend on");
  const auto d = static_cast<Eigen::Index>(reals_.size());
  const Config start = start_configuration(space);
  fixed_ = Config();
  for (const auto& p : space.parameters()) fixed_.set(p.name, start.value(p.name));  // in the space's order
  theta_.resize(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const auto& p = space[reals_[static_cast<std::size_t>(j)]];
    theta_[j] = std::clamp(p.to_unit(fixed_.value(p.name)), 0.0, 1.0);
  }
  theta0_ = theta_;
  previous_.reset();
  rule_.reset(d);
  last_value_.reset();
  last_gradient_.resize(0);
  steps_ = 0;
  spsa_draws_ = 0;
  analytic_ = Mode::Unknown;
  consecutive_failures_ = 0;
  best_ = std::numeric_limits<double>::infinity();
  best_history_.clear();
  stop_ = GradientDescentStop::Budget;
  stop_message_.clear();
  scan_from_ = 0;
  last_consumed_.reset();
  make_batch(BatchKind::Centre);
}

HPO_INLINE Config GradientDescent::config_at(const Eigen::VectorXd& u) const {
  Config config = fixed_;
  for (std::size_t j = 0; j < reals_.size(); ++j) {
    const auto k = static_cast<Eigen::Index>(j);
    const auto& p = (*space_)[reals_[j]];
    if (u[k] != theta0_[k]) config.set(p.name, p.from_unit(u[k]));
  }
  return config;
}

HPO_INLINE void GradientDescent::make_batch(BatchKind kind) {
  kind_ = kind;
  batch_.clear();
  const auto add = [&](Eigen::VectorXd u) {
    Config config = config_at(u);
    batch_.push_back({std::move(u), std::move(config), std::nullopt});
  };
  if (kind == BatchKind::Centre) {
    add(theta_);
    return;
  }
  Rng rng(options_.seed, options_.gradient_estimate == GradientEstimate::SPSA ? spsa_draws_++ : spsa_draws_);
  for (auto& probe : gradient::probe_points(theta_, options_.gradient_estimate, options_.finite_difference_step, rng))
    add(std::move(probe));
}

HPO_INLINE bool GradientDescent::count_failures(const Study& study) {
  const auto& trials = study.trials();
  std::size_t last = scan_from_;
  for (const auto& point : batch_)
    if (point.trial) last = std::max(last, *point.trial + 1);
  std::vector<std::size_t> finished;
  for (const auto& point : batch_)
    if (point.trial && !trials[*point.trial].running()) finished.push_back(*point.trial);
  std::sort(finished.begin(), finished.end());
  bool failed = false;
  for (std::size_t t : finished) {
    if (trials[t].failed()) {
      failed = true;
      ++consecutive_failures_;
    } else {
      consecutive_failures_ = 0;
      best_ = std::min(best_, oriented(study, trials[t].value));
    }
    if (consecutive_failures_ >= options_.max_consecutive_failures && trials[t].failed()) {
      stop_ = GradientDescentStop::ConsecutiveFailures;
      stop_message_ = std::to_string(consecutive_failures_) + " evaluations in a row failed (the last, trial " +
                      std::to_string(t) + ", with: " + trials[t].error + ")";
      scan_from_ = last;
      last_consumed_ = {t, trials[t].config};
      throw TooManyFailures(
          "hpo::GradientDescent: " + stop_message_ +
              "; the run ends here (max_consecutive_failures = " + std::to_string(options_.max_consecutive_failures) +
              "). Every trial so far is in this exception's study()",
          study);
    }
  }
  scan_from_ = last;
  if (!finished.empty()) last_consumed_ = {finished.back(), trials[finished.back()].config};
  return failed;
}

HPO_INLINE std::optional<std::pair<double, Eigen::VectorXd>> GradientDescent::batch_gradient(const Study& study) {
  const auto& trials = study.trials();
  if (kind_ == BatchKind::Centre) {
    const Trial& trial = trials[*batch_[0].trial];
    if (trial.gradient.size() == 0) {
      if (analytic_ == Mode::Unknown) analytic_ = Mode::Estimated;
      return std::nullopt;
    }
    if (analytic_ == Mode::Unknown) analytic_ = Mode::Analytic;
    return std::pair{oriented(study, trial.value), gradient::unit_gradient(*space_, reals_, trial, study.direction())};
  }
  std::vector<Eigen::VectorXd> probes;
  std::vector<double> values;
  double sum = 0.0;
  for (const auto& point : batch_) {
    probes.push_back(point.u);
    values.push_back(oriented(study, trials[*point.trial].value));
    sum += values.back();
  }
  const auto n = static_cast<double>(batch_.size());
  double mean = sum / n;
  if (std::isinf(mean)) {  // values near the largest double: their sum overflows, their mean does not
    mean = 0.0;
    for (const double v : values) mean += v / n;
  }
  return std::pair{mean, gradient::estimate_gradient(options_.gradient_estimate, probes, values)};
}

HPO_INLINE void GradientDescent::consume(const Study& study) {
  if (count_failures(study)) {
    // Step back: halfway to the previous point (or, at the start, to the centre of the cube),
    // and halve the step size from now on.
    const Eigen::VectorXd anchor =
        previous_ ? *previous_ : Eigen::VectorXd(Eigen::VectorXd::Constant(theta_.size(), 0.5));
    theta_ = anchor + 0.5 * (theta_ - anchor);
    rule_.shrink(0.5);
    make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
    return;
  }
  const auto measured = batch_gradient(study);
  if (!measured) {
    make_batch(BatchKind::Probes);  // no gradient here: estimate it at this same point
    return;
  }
  const auto& [value, gradient] = *measured;

  // A step that raised the value is taken back (its point stays in the study, not on the path).
  best_history_.push_back(best_);
  const bool rejected = options_.backtrack && last_value_ && previous_ && value > *last_value_;
  const bool spsa = kind_ == BatchKind::Probes && options_.gradient_estimate == GradientEstimate::SPSA;
  if (!rejected && !spsa)
    if (auto why = gradient::small_gradient_stop(theta_, gradient, value, options_.gradient_tolerance, steps_))
      return stop(GradientDescentStop::GradientNorm, std::move(*why));
  if (auto why = gradient::no_improvement_stop(best_history_, best_, options_.patience,
                                               options_.min_relative_improvement, steps_))
    return stop(GradientDescentStop::NoImprovement, std::move(*why));

  if (rejected) {
    backtrack(value);
  } else {
    last_value_ = value;
    last_gradient_ = gradient;
    step(gradient, true);
  }
  make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
}

HPO_INLINE void GradientDescent::stop(GradientDescentStop why, std::string message) {
  stop_ = why;
  stop_message_ = std::move(message);
}

HPO_INLINE void GradientDescent::backtrack(double value) {
  const Eigen::VectorXd d = theta_ - *previous_;
  const double slope = last_gradient_.dot(d), rise = value - *last_value_;
  rule_.forget_momentum();
  if (const auto t = gradient::backtrack_fraction(slope, rise)) {
    rule_.shrink(*t);
    theta_ = *previous_ + *t * d;
    ++steps_;
  } else {
    theta_ = *previous_;
    rule_.shrink(0.5);
    step(last_gradient_, false);
  }
}

HPO_INLINE void GradientDescent::step(const Eigen::VectorXd& gradient, bool fresh) {
  Eigen::VectorXd next = rule_.step(theta_, previous_, gradient, fresh, steps_);
  previous_ = theta_;
  theta_ = std::move(next);
  ++steps_;
}

}  // namespace hpo
