// Compiled mode (include/hpo/core/linkage.hpp): the bodies of include/hpo/study/ and include/hpo/space/,
// of hpo/progress.hpp and of hpo/transfer/study_library.hpp (which reads studies).
#include "hpo/study/impl/study.ipp"
#include "hpo/impl/progress.ipp"
#include "hpo/space/impl/search_space.ipp"
#include "hpo/study/impl/journal.ipp"
#include "hpo/study/impl/journal_file.ipp"
#include "hpo/study/impl/journal_lock.ipp"
#include "hpo/transfer/impl/study_library.ipp"
