// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/transfer/.
#include "hpo/transfer/impl/ranking_weights.ipp"
#include "hpo/transfer/impl/source_agreement.ipp"
#include "hpo/transfer/impl/source_basis.ipp"
#include "hpo/transfer/impl/source_model_cache.ipp"
#include "hpo/transfer/impl/source_model_store.ipp"
#include "hpo/transfer/impl/transfer_surrogate.ipp"
#include "hpo/transfer/impl/warm_start.ipp"
