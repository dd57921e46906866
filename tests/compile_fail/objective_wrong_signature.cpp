// Must not compile: the objective takes an int, not a configuration.
// expect: the objective must be callable as f(const hpo::Config&) returning a double or an hpo::Evaluation
#include <hpo/optimize.hpp>
#include <hpo/optimizers/random_search.hpp>

int main() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  hpo::RandomSearch random;
  hpo::optimize(
      space, [](int x) { return 1.0 * x; }, random);
}
