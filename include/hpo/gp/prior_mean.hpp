#pragma once
// Where a Gaussian process's prior mean sits: what it predicts far from every observation.

namespace hpo {

/// The constant prior mean of the Gaussian process Bayesian optimization fits: what the model
/// predicts where no observation is near. Average: the mean of the observed values, the usual
/// choice. WorstObserved: the worst value observed so far (the model sees values where lower is
/// better, so the largest), as De Ath, Fieldsend & Everson, "What do you mean? The role of the mean
/// function in Bayesian optimisation" (GECCO 2020) recommend from five dimensions on. Under
/// Average, an unexplored corner of a 6- or 10-D box is predicted to be as good as a typical trial,
/// with the full prior variance, and expected improvement sends many of a run's later evaluations
/// to the box's corners; under WorstObserved it is predicted to be as bad as the worst trial, and
/// the search stays where the evidence is good unless the uncertainty there pays.
/// Automatic (BayesianOptions' default): WorstObserved for a cold start, Average with a warm start,
/// whose RGPE ensemble and source basis were worse under WorstObserved on the transfer library
/// benchmark. A Gaussian process on its own takes Automatic as Average.
/// Measured in bench/results/bo_efficiency.md, also on boxes that put the optimum near a corner.
/// Usage: `hpo::BayesianOptimization bo({.seed = 1, .prior_mean = hpo::PriorMean::Average});`
enum class PriorMean { Automatic, Average, WorstObserved };

}  // namespace hpo
