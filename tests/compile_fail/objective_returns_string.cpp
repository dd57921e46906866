// Must not compile: the objective returns a string.
// expect: the objective must return a double (or something convertible to double) or an hpo::Evaluation
#include <hpo/optimize.hpp>
#include <hpo/optimizers/random_search.hpp>

#include <string>

int main() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  hpo::RandomSearch random;
  hpo::optimize(
      space, [](const hpo::Config&) { return std::string("0.5"); }, random);
}
