// A typed-struct objective: describe the space with hpo::TypedSpace<T>, bind each parameter to a
// member, and write the objective as a function of your own struct.
//
// The objective here is a stand-in for a training run: a smooth function of the settings whose
// best value is known (learning rate 1e-2, 4 layers, the "cosine" schedule, warm-up 0.1).
#include <hpo/hpo.hpp>

#include <cmath>
#include <cstdio>
#include <string>

struct TrainingSettings {
  double learning_rate = 1e-3;
  int layers = 2;
  std::string schedule = "constant";
  double warmup = 0.0;
  bool mixed_precision = true;  // not searched: keeps its default value
};

// A made-up "validation loss" (lower is better), minimal at the settings named above.
double validation_loss(const TrainingSettings& s) {
  const double lr = std::log10(s.learning_rate) + 2.0;  // 0 at 1e-2
  const double depth = (s.layers - 4) / 3.0;
  const double schedule = s.schedule == "cosine" ? 0.0 : s.schedule == "step" ? 0.05 : 0.12;
  return 0.2 + 0.3 * lr * lr + 0.1 * depth * depth + schedule + 0.5 * (s.warmup - 0.1) * (s.warmup - 0.1);
}

int main() {
  hpo::TypedSpace<TrainingSettings> space;
  space.add_real("learning_rate", &TrainingSettings::learning_rate, 1e-5, 1.0, hpo::Scale::Log)
      .add_int("layers", &TrainingSettings::layers, 1, 8)
      .add_categorical("schedule", &TrainingSettings::schedule, {"constant", "step", "cosine"})
      .add_real("warmup", &TrainingSettings::warmup, 0.0, 0.3);

  hpo::BayesianOptimization bo({.seed = 3});
  hpo::Study study = hpo::optimize(space, validation_loss, bo, {.max_evaluations = 30, .progress = false});

  const TrainingSettings best = space.bind(study.best().config);  // the struct back
  std::printf("best validation loss %.4f (optimum 0.2000) after %zu trials:\n", study.best().value,
              study.trials().size());
  std::printf("  learning_rate %.3g, layers %d, schedule %s, warmup %.3f, mixed_precision %s (not searched)\n",
              best.learning_rate, best.layers, best.schedule.c_str(), best.warmup, best.mixed_precision ? "on" : "off");
}
