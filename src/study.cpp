// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/study/ and include/hpo/space/.
#include "hpo/study/study.hpp"
