#pragma once
// A library of past studies: every journal in a folder, read for a warm start.

#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/study/study.hpp"

namespace hpo {

/// Reads every `*.jsonl` journal directly in `directory` (not its subfolders), sorted by file name,
/// as studies whose origin() is the journal's path: the library that hpo::WarmStart::from selects
/// its sources from. A journal another process is still writing is read as it stands (its last
/// line, cut off mid-write, is skipped with a warning, as Study::load does). Rule for bad files: a
/// journal that cannot be parsed is an error naming it (std::runtime_error), never skipped
/// silently, because a library quietly missing studies would change every warm start drawn from
/// it. A folder that does not exist, is not a folder, or holds no `*.jsonl` file is a
/// std::invalid_argument naming the folder and why. Thread-safe (reads only).
/// Usage: `std::vector<hpo::Study> library = hpo::load_studies("studies/");`
HPO_INLINE std::vector<Study> load_studies(const std::string& directory);

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/study_library.ipp"
#endif
