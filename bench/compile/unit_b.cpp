// Compile probe, second translation unit of compile_probe_two_units: it includes all of hpo again,
// header-only, and is linked with unit_a.cpp. A body that a header defines without `inline`
// (HPO_INLINE, core/linkage.hpp) is then defined twice, and the link fails.
#include <hpo/hpo.hpp>

hpo::SearchSpace second_unit_space() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  return space;
}
