#pragma once
// How Bayesian optimization proposes a point while other trials are still running.

namespace hpo {

/// What Bayesian optimization does with the trials still running when it is asked for another
/// point (n_jobs > 1, or several processes on one journal). With no trial running every strategy
/// is plain sequential Bayesian optimization: the choice changes nothing for n_jobs = 1.
///  - KrigingBeliever: each running trial joins the model as an observation at its posterior mean
///    (Ginsbourger, Le Riche & Carraro, "Kriging is well-suited to parallelize optimization", 2010).
///  - ConstantLiarMin, ConstantLiarMean: the same with the lowest, or the mean, of the completed
///    values as the made-up observation (the same paper's constant liar).
///  - LocalPenalization: no made-up observation; the acquisition is multiplied by one penalty per
///    running trial, the probability that the point lies outside the ball around it that a
///    Lipschitz bound excludes (González, Dai, Hennig & Lawrence, AISTATS 2016).
///  - ThompsonSampling: the point minimizes one draw from the posterior of the completed trials
///    (asynchronous parallel Thompson sampling, Kandasamy, Krishnamurthy, Schneider & Póczos,
///    AISTATS 2018); the draw is a function (random Fourier features of the kernel, conditioned
///    pathwise: Wilson et al., ICML 2020) refined by L-BFGS-B like the acquisition.
///  - QLogExpectedImprovement: the point maximizes the Monte Carlo log expected improvement of
///    the batch made of it and the running trials, jointly (qLogEI, Ament et al., NeurIPS 2023),
///    with the running trials held fixed.
/// Thompson sampling and qLogEI need the joint posterior of the target's own GP: with a warm start
/// (whose ensemble and source basis do not give one) they act as the kriging believer.
/// Usage: `hpo::BayesianOptimization bo({.seed = 1, .pending = hpo::PendingStrategy::LocalPenalization});`
enum class PendingStrategy {
  KrigingBeliever,
  ConstantLiarMin,
  ConstantLiarMean,
  LocalPenalization,
  ThompsonSampling,
  QLogExpectedImprovement
};

}  // namespace hpo
