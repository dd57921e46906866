// Compile probe, first translation unit of compile_probe_two_units (see unit_b.cpp): a program
// of two translation units that both include hpo, header-only, must link.
#include <hpo/hpo.hpp>

#include <cstdio>

hpo::SearchSpace second_unit_space();

int main() {
  hpo::RandomSearch random({.seed = 1});
  const hpo::Study study = hpo::optimize(second_unit_space(), [](const hpo::Config& c) { return c.get<double>("x"); },
                                         random, {.max_evaluations = 3, .progress = false});
  std::printf("%zu trials\n", study.finished_count());
}
