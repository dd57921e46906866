// Compiled mode (include/hpo/core/linkage.hpp): the bodies of Bayesian optimization
// (include/hpo/optimizers/bayesian/, include/hpo/acquisition/).
#include "hpo/optimizers/bayesian/impl/acquisition_search.ipp"
#include "hpo/optimizers/bayesian/impl/candidates.ipp"
#include "hpo/optimizers/bayesian/impl/initial_design.ipp"
#include "hpo/optimizers/bayesian/impl/local_penalization.ipp"
#include "hpo/optimizers/bayesian/impl/model_subset.ipp"
#include "hpo/optimizers/bayesian/impl/pending_q_log_ei.ipp"
#include "hpo/optimizers/bayesian/impl/posterior_covariance.ipp"
#include "hpo/optimizers/bayesian/impl/quadratic_step.ipp"
#include "hpo/optimizers/bayesian/impl/target_model.ipp"
#include "hpo/optimizers/bayesian/impl/thompson_sample.ipp"
#include "hpo/optimizers/impl/bayesian_optimization.ipp"
