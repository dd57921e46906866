// The user's own code: includes nothing of hpo.
#include "training.hpp"

#include <cmath>

double train_and_validate(const TrainingSettings& settings) {
  const double a = std::log10(settings.learning_rate) + 2.5, b = settings.momentum - 0.9;
  return a * a + 10 * b * b + 0.1 * std::cos(3 * a);
}
