// Must not compile: a configuration value read as a type no parameter has.
// expect: T must be a floating-point type (real parameters), an integral type (integer parameters) or std::string
#include <hpo/space/config.hpp>

#include <vector>

int main() {
  hpo::Config config;
  config.set("x", 0.5);
  return static_cast<int>(config.get<std::vector<int>>("x").size());
}
