// Compiled mode (include/hpo/core/linkage.hpp): the bodies of Bayesian optimization
// (include/hpo/optimizers/bayesian/, include/hpo/acquisition/).
#include "hpo/optimizers/bayesian_optimization.hpp"
