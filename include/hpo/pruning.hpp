#pragma once
// Pruning: objectives that report intermediate values through hpo::Reporter, and the pruners that
// stop unpromising trials early (RunOptions::pruner, Study::should_prune).

#include "hpo/pruning/hyperband_pruner.hpp"
#include "hpo/pruning/median_pruner.hpp"
#include "hpo/pruning/percentile_pruner.hpp"
#include "hpo/pruning/pruner.hpp"
#include "hpo/pruning/reporter.hpp"
#include "hpo/pruning/successive_halving_pruner.hpp"
