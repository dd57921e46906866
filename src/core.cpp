// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/core/.
#include "hpo/core/impl/json_fields.ipp"
#include "hpo/core/impl/minimize_in_box.ipp"
#include "hpo/core/impl/statistics.ipp"
