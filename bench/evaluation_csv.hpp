#pragma once
// The per-evaluation CSV of the benchmark runners on the shifted suite (run_hpo, warm_shifted),
// which bench/summarize.py reads:
//   peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s

#include <cstddef>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace hpo::bench {

/// Writes to `path`, or to standard output when it is empty; values with 17 significant digits.
/// Usage: `EvaluationCsv csv(path); csv.row("hpo-bo", "branin", 2, 0, 1, 3.2, 3.2, 0.01);`
class EvaluationCsv {
 public:
  explicit EvaluationCsv(const std::string& path) {
    if (!path.empty()) file_.open(path);
    out().precision(17);
    out() << "peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s\n";
  }

  void row(std::string_view peer, std::string_view function, std::size_t dim, int seed, std::size_t index, double value,
           double best_so_far, double elapsed_s) {
    out() << peer << ',' << function << ',' << dim << ',' << seed << ',' << index << ',' << value << ',' << best_so_far
          << ',' << elapsed_s << '\n';
  }

  /// After each instance: a long run's finished instances survive its interruption.
  void flush() { out().flush(); }

 private:
  std::ostream& out() { return file_.is_open() ? static_cast<std::ostream&>(file_) : std::cout; }

  std::ofstream file_;
};

}  // namespace hpo::bench
