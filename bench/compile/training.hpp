// Compile-time probe of the recommended layout: the training code sits behind a plain function, so
// touching it recompiles training.cpp alone, not the translation unit that includes hpo.
#pragma once

struct TrainingSettings {
  double learning_rate;
  double momentum;
};

/// Trains with the settings and returns the validation loss (a stand-in computation here).
double train_and_validate(const TrainingSettings& settings);
