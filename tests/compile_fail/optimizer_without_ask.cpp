// Must not compile: the optimizer has no ask(const hpo::Study&).
// expect: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)`
#include <hpo/optimize.hpp>

struct NotAnOptimizer {
  hpo::Config propose() { return {}; }
};

int main() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  NotAnOptimizer optimizer;
  hpo::optimize(
      space, [](const hpo::Config& c) { return c.get<double>("x"); }, optimizer);
}
