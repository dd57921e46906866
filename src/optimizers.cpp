// Compiled mode (include/hpo/core/linkage.hpp): the bodies of the optimizers other than Bayesian
// optimization, and of pruning.
#include "hpo/optimizers/gradient_descent.hpp"
#include "hpo/optimizers/grid_search.hpp"
#include "hpo/pruning.hpp"
