// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/transfer/.
#include "hpo/transfer/warm_start.hpp"
