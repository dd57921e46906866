#pragma once
// Bodies of reporter.hpp; see core/linkage.hpp.
#include "hpo/pruning/reporter.hpp"

namespace hpo {

namespace detail {

HPO_INLINE void PruningBoard::update_from(const Study& study) {
  std::lock_guard lock(mutex_);
  for (const Trial& trial : study.trials()) {
    if (trial.number >= trials_.size()) {
      trials_.push_back(trial);
      continue;
    }
    Trial& mine = trials_[trial.number];
    if (mine.state == trial.state && trial.intermediate.size() <= mine.intermediate.size()) continue;
    mine.state = trial.state;
    mine.value = trial.value;
    for (const auto& [step, value] : trial.intermediate) mine.intermediate.emplace(step, value);
  }
}

HPO_INLINE std::vector<PruningBoard::Report> PruningBoard::take_pending() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

HPO_INLINE std::string PruningBoard::failure(std::size_t number) const {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(number);
  return found == failures_.end() ? std::string() : found->second;
}

HPO_INLINE void PruningBoard::close(std::size_t number) {
  std::lock_guard lock(mutex_);
  closed_.insert(number);
}

HPO_INLINE void PruningBoard::on_report(std::function<void()> flush, std::thread::id thread) {
  flush_ = std::move(flush);
  flush_thread_ = thread;
}

HPO_INLINE void PruningBoard::report(std::size_t number, std::int64_t step, double value) {
  {
    std::lock_guard lock(mutex_);
    const Trial& trial = open_trial(number, "hpo::Reporter::report");
    const auto fate = report_fate(trial, step, value, "hpo::Reporter::report");
    if (fate == ReportFate::Ignore) return;
    if (fate == ReportFate::Fail) {
      failures_[number] = report_failure(step, value);
      throw std::invalid_argument("hpo::Reporter::report: trial " + std::to_string(number) + " " + failures_[number] +
                                  ": the trial fails");
    }
    trials_[number].intermediate.emplace(step, value);
    pending_.push_back({number, step, value});
  }
  if (flush_ && std::this_thread::get_id() == flush_thread_) flush_();
}

HPO_INLINE bool PruningBoard::should_prune(std::size_t number) const {
  std::lock_guard lock(mutex_);
  const Trial& trial = open_trial(number, "hpo::Reporter::should_prune");
  if (!pruner_ || trial.intermediate.empty()) return false;
  return pruner_.should_prune(PruningContext{.trials = trials_, .number = number, .direction = direction_});
}

HPO_INLINE std::shared_ptr<PruningBoard> PruningBoard::standalone() {
  auto board = std::make_shared<PruningBoard>(AnyPruner{}, Direction::Minimize);
  board->trials_.emplace_back();
  return board;
}

HPO_INLINE std::map<std::int64_t, double> PruningBoard::curve(std::size_t number) const {
  std::lock_guard lock(mutex_);
  return number < trials_.size() ? trials_[number].intermediate : std::map<std::int64_t, double>{};
}

HPO_INLINE const Trial& PruningBoard::open_trial(std::size_t number, const char* who) const {
  if (number >= trials_.size() || closed_.contains(number) || failures_.contains(number) || !trials_[number].running())
    throw std::logic_error(std::string(who) + ": trial " + std::to_string(number) +
                           " has finished; report only while its objective runs");
  return trials_[number];
}

}  // namespace detail

}  // namespace hpo
