#pragma once
// hpo: header-only hyperparameter optimization with transfer learning.
// One include for everything: `#include <hpo/hpo.hpp>`. A translation unit that needs less can
// include less: e.g. hpo/optimize.hpp with hpo/optimizers/random_search.hpp compiles no Gaussian
// process (README, "Compile time").

#include "hpo/core/direction.hpp"
#include "hpo/core/evaluation.hpp"
#include "hpo/core/optimizer_concept.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/transfer_reporting.hpp"
#include "hpo/default_optimizer.hpp"
#include "hpo/objective.hpp"
#include "hpo/optimize.hpp"
#include "hpo/optimizers/bayesian_optimization.hpp"
#include "hpo/optimizers/gradient_descent.hpp"
#include "hpo/optimizers/grid_search.hpp"
#include "hpo/optimizers/random_search.hpp"
#include "hpo/progress.hpp"
#include "hpo/pruning.hpp"
#include "hpo/report.hpp"
#include "hpo/sampling/latin_hypercube.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/space/config.hpp"
#include "hpo/space/parameter.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/space/typed_space.hpp"
#include "hpo/study/journal.hpp"
#include "hpo/study/study.hpp"
#include "hpo/study/trial.hpp"
#include "hpo/transfer/study_library.hpp"
#include "hpo/transfer/warm_start.hpp"
