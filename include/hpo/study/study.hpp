#pragma once
// The study: every trial of a search, the best one, and its journal.

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/evaluation.hpp"
#include "hpo/core/optimizer_concept.hpp"
#include "hpo/core/transfer_reporting.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/journal.hpp"
#include "hpo/study/trial.hpp"

namespace hpo {

namespace detail {
inline double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::uint64_t next_study_id() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}
}  // namespace detail

/// Every trial of a search over one space, in the order they were asked; the best completed one;
/// and, when opened on a journal, a crash-safe record of each finished trial.
/// Drive it by hand (several trials may be outstanding, told in any order):
///   hpo::Study study(space);
///   auto trial = study.ask(optimizer);          // std::optional<hpo::Trial>, pending
///   study.tell(trial->number, evaluate(trial->config));
/// Copies of a study share its journal.
class Study {
 public:
  explicit Study(SearchSpace space, Direction direction = Direction::Minimize)
      : space_(std::move(space)), direction_(direction) {}

  /// Opens a journal to record into: resumes from its trials when it exists (it must hold the same
  /// space and direction, else std::invalid_argument names the difference), creates it otherwise.
  static Study open(const std::string& path, SearchSpace space, Direction direction = Direction::Minimize) {
    Study study(std::move(space), direction);
    study.origin_ = path;
    namespace fs = std::filesystem;
    if (fs::exists(path) && fs::file_size(path) > 0) {
      auto contents = detail::read_journal(path);
      if (auto difference = study.space_.difference(contents.space); !difference.empty())
        throw std::invalid_argument("hpo: journal \"" + path +
                                    "\" was written for another search space: " + difference);
      if (contents.direction != direction)
        throw std::invalid_argument("hpo: journal \"" + path + "\" was written to " + to_string(contents.direction) +
                                    ", this study is to " + to_string(direction));
      study.adopt(std::move(contents.trials));
      study.records_ = std::move(contents.records);
      drop_truncated_tail(path, contents.valid_bytes);
      study.journal_ = std::make_shared<detail::JournalWriter>(path);
    } else {
      study.journal_ = std::make_shared<detail::JournalWriter>(path);
      study.journal_->append(detail::header_to_json(study.space_, direction));
    }
    return study;
  }

  /// Reads a journal or a saved study (std::runtime_error names the file and line when it is
  /// missing or malformed). The study is not attached to the file: use open() to record more.
  static Study load(const std::string& path) {
    auto contents = detail::read_journal(path);
    Study study(std::move(contents.space), contents.direction);
    study.adopt(std::move(contents.trials));
    study.records_ = std::move(contents.records);
    study.origin_ = path;
    return study;
  }

  /// Writes the study (header, finished trials, records) as a journal; atomic via rename.
  void save(const std::string& path) const {
    const std::string temporary = path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("hpo: cannot write \"" + temporary + "\"");
      out << detail::header_to_json(space_, direction_).dump() << '\n';
      for (const auto& trial : trials_)
        if (!trial.running()) out << detail::trial_to_json(trial).dump() << '\n';
      for (const auto& record : records_) out << record.dump() << '\n';
      if (!out.flush()) throw std::runtime_error("hpo: writing \"" + temporary + "\" failed");
    }
    std::filesystem::rename(temporary, path);
  }

  const SearchSpace& space() const noexcept { return space_; }
  Direction direction() const noexcept { return direction_; }
  /// A number no other study of this process has, even one built later at the same address; a
  /// copy keeps it (it is the same study). Optimizers recognize their study by it.
  std::uint64_t id() const noexcept { return id_; }
  const std::vector<Trial>& trials() const noexcept { return trials_; }
  const Trial& trial(std::size_t number) const { return trials_.at(number); }
  /// Path of the journal this study records into, empty when none.
  std::string journal_path() const { return journal_ ? journal_->path() : std::string(); }
  /// The file this study was loaded or opened from, empty when it was built in memory.
  const std::string& origin() const noexcept { return origin_; }

  std::size_t completed_count() const noexcept { return completed_; }
  std::size_t failed_count() const noexcept { return failed_; }
  std::size_t pruned_count() const noexcept { return pruned_; }
  std::size_t running_count() const noexcept { return trials_.size() - finished_count(); }
  std::size_t finished_count() const noexcept { return completed_ + failed_ + pruned_; }

  /// True when `a` is a better value than `b` in this study's direction.
  bool better(double a, double b) const noexcept {
    return lower_is_better(a, direction_) < lower_is_better(b, direction_);
  }

  /// The best completed trial; throws std::runtime_error (quoting the first failure) when none completed.
  const Trial& best() const {
    if (completed_ == 0) throw std::runtime_error("hpo::Study::best: no trial completed" + failure_summary());
    return trials_[best_];
  }

  /// Queues a configuration to be evaluated before the optimizer's own proposals (validated now).
  void enqueue(Config config) {
    space_.validate(config);
    queue_.push_back(std::move(config));
  }
  std::size_t queued_count() const noexcept { return queue_.size(); }

  /// Starts a trial: the next queued configuration, else the optimizer's proposal. std::nullopt
  /// when the optimizer has nothing left to propose. The trial stays Running until told.
  template <class O>
  std::optional<Trial> ask(O& optimizer) {
    static_assert(Optimizer<O>,
                  "hpo::Study::ask: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)`");
    std::optional<Config> config;
    if (!queue_.empty()) {
      config = std::move(queue_.front());
      queue_.pop_front();
    } else {
      config = optimizer.ask(*this);
      if constexpr (ReportsTransfer<O>) {
        if (auto report = optimizer.transfer_report()) note_warm_start(std::move(*report));
      }
      if (!config) return std::nullopt;
      space_.validate(*config);
    }
    Trial trial;
    trial.number = trials_.size();
    trial.config = std::move(*config);
    trial.started_at = detail::unix_seconds();
    trials_.push_back(trial);
    return trial;
  }

  /// Starts a trial of a configuration evaluated outside any optimizer (validated).
  Trial ask(Config config) {
    space_.validate(config);
    Trial trial;
    trial.number = trials_.size();
    trial.config = std::move(config);
    trial.started_at = detail::unix_seconds();
    trials_.push_back(trial);
    return trial;
  }

  /// Finishes a running trial with the objective's value: NaN or an infinity fails it.
  const Trial& tell(std::size_t number, double value) {
    return tell(number, Evaluation{.value = value, .gradient = {}});
  }

  /// Finishes a running trial with a value and gradient (one entry per real parameter, or empty).
  const Trial& tell(std::size_t number, const Evaluation& evaluation) {
    Trial& trial = running_trial(number);
    const auto reals = real_parameter_count();
    if (!std::isfinite(evaluation.value)) {
      trial.state = TrialState::Failed;
      trial.error = "objective returned " + std::string(std::isnan(evaluation.value) ? "nan"
                                                        : evaluation.value > 0       ? "inf"
                                                                                     : "-inf");
    } else if (evaluation.gradient.size() != 0 && static_cast<std::size_t>(evaluation.gradient.size()) != reals) {
      trial.state = TrialState::Failed;
      trial.error = "objective returned a gradient of " + std::to_string(evaluation.gradient.size()) +
                    " entries; expected " + std::to_string(reals) + " (one per real parameter)";
    } else if (!evaluation.gradient.allFinite()) {
      trial.state = TrialState::Failed;
      trial.error = "objective returned a gradient with a non-finite entry";
    } else {
      trial.state = TrialState::Completed;
      trial.value = evaluation.value;
      trial.gradient = evaluation.gradient;
    }
    return finish(trial);
  }

  /// Finishes a running trial as failed, with the reason.
  const Trial& fail(std::size_t number, std::string reason) {
    Trial& trial = running_trial(number);
    trial.state = TrialState::Failed;
    trial.error = reason.empty() ? "failed (no reason given)" : std::move(reason);
    return finish(trial);
  }

  /// The latest record of what a warm start did (kind "warm_start": its sources, the parts of the
  /// transfer in use and, for Bayesian optimization, each source's current weight), or nullopt when
  /// the study was never warm-started. Kept in the journal, so a resumed study still has it.
  std::optional<nlohmann::json> warm_start_record() const {
    for (auto record = records_.rbegin(); record != records_.rend(); ++record)
      if (record->value("kind", std::string()) == "warm_start") return *record;
    return std::nullopt;
  }

  /// Free-form records kept with the study and its journal (e.g. what a warm start did).
  const std::vector<nlohmann::json>& records() const noexcept { return records_; }
  void add_record(nlohmann::json record) {
    record["type"] = "record";
    if (journal_) journal_->append(record);
    records_.push_back(std::move(record));
  }

  /// The first failed trial's reason, for error messages ("" when none failed).
  std::string failure_summary() const {
    const auto failed = failed_count();
    if (failed == 0) return {};
    for (const auto& trial : trials_)
      if (trial.failed())
        return " (" + std::to_string(failed) + " of " + std::to_string(trials_.size()) +
               " trials failed; the first, trial " + std::to_string(trial.number) + ", with: " + trial.error + ")";
    return {};
  }

 private:
  // An optimizer's report of its warm start becomes a record when it says something new (a new
  // study, changed weights), stamped with the number of the trial being asked.
  void note_warm_start(nlohmann::json report) {
    report["kind"] = "warm_start";
    if (auto last = warm_start_record()) {
      last->erase("trial");
      last->erase("type");
      if (*last == report) return;
    }
    report["trial"] = trials_.size();
    add_record(std::move(report));
  }

  // Counts and the best index are kept up to date so that a long run stays linear in its trials.
  void account(const Trial& trial) noexcept {
    if (trial.completed()) {
      if (completed_ == 0 || better(trial.value, trials_[best_].value)) best_ = trial.number;
      ++completed_;
    } else if (trial.failed()) {
      ++failed_;
    } else if (trial.pruned()) {
      ++pruned_;
    }
  }

  void adopt(std::vector<Trial> trials) {
    trials_ = std::move(trials);
    for (const auto& trial : trials_) account(trial);
  }

  std::size_t real_parameter_count() const noexcept {
    std::size_t n = 0;
    for (const auto& p : space_.parameters()) n += p.kind == ParameterKind::Real;
    return n;
  }

  Trial& running_trial(std::size_t number) {
    if (number >= trials_.size())
      throw std::invalid_argument("hpo::Study::tell: no trial number " + std::to_string(number) + " (the study has " +
                                  std::to_string(trials_.size()) + ")");
    Trial& trial = trials_[number];
    if (!trial.running())
      throw std::invalid_argument("hpo::Study::tell: trial " + std::to_string(number) + " is already " +
                                  to_string(trial.state));
    return trial;
  }

  const Trial& finish(Trial& trial) {
    trial.duration = std::max(0.0, detail::unix_seconds() - trial.started_at);
    account(trial);
    if (journal_) journal_->append(detail::trial_to_json(trial));
    return trial;
  }

  static void drop_truncated_tail(const std::string& path, std::uintmax_t valid_bytes) {
    namespace fs = std::filesystem;
    if (fs::file_size(path) > valid_bytes) fs::resize_file(path, valid_bytes);
    if (valid_bytes == 0) return;
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(valid_bytes) - 1);
    if (in.get() != '\n') std::ofstream(path, std::ios::binary | std::ios::app) << '\n';
  }

  SearchSpace space_;
  Direction direction_;
  std::uint64_t id_ = detail::next_study_id();
  std::vector<Trial> trials_;
  std::size_t completed_ = 0;
  std::size_t failed_ = 0;
  std::size_t pruned_ = 0;
  std::size_t best_ = 0;
  std::deque<Config> queue_;
  std::vector<nlohmann::json> records_;
  std::shared_ptr<detail::JournalWriter> journal_;
  std::string origin_;
};

}  // namespace hpo
