// Must not compile: the space is bound to Hyper, the objective takes another struct.
// expect: with an hpo::TypedSpace<T>, as f(const T&)
#include <hpo/optimize.hpp>
#include <hpo/optimizers/random_search.hpp>

struct Hyper {
  double lr = 0.1;
};
struct Other {
  double lr = 0.1;
};

int main() {
  hpo::TypedSpace<Hyper> space;
  space.add_real("lr", &Hyper::lr, 1e-4, 1.0);
  hpo::RandomSearch random;
  hpo::optimize(
      space, [](const Other& o) { return o.lr; }, random);
}
