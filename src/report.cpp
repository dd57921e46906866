// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/report/.
#include "hpo/report.hpp"
