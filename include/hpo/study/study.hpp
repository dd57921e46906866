#pragma once
// The study: every trial of a search, the best one, and its journal, which several processes may
// share (journal_file.hpp).

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/evaluation.hpp"
#include "hpo/core/optimizer_concept.hpp"
#include "hpo/core/transfer_reporting.hpp"
#include "hpo/core/utf8.hpp"
#include "hpo/pruning/pruner.hpp"
#include "hpo/pruning/report_rules.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/evaluation_rules.hpp"
#include "hpo/study/journal.hpp"
#include "hpo/study/journal_file.hpp"
#include "hpo/study/journal_options.hpp"
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

/// What an ask within a budget came to: a started trial, a full budget (finished plus running
/// trials reached the limit), or an optimizer with nothing to propose now.
enum class AskStatus { Started, BudgetFull, NothingToAsk };
}  // namespace detail

/// Every trial of a search over one space, in the order they were asked; the best completed one;
/// and, when opened on a journal, a crash-safe record of each trial, shared by every process that
/// opens the same journal.
/// Drive it by hand (several trials may be outstanding, told in any order):
///   hpo::Study study(space);
///   auto trial = study.ask(optimizer);          // std::optional<hpo::Trial>, running
///   study.tell(trial->number, evaluate(trial->config));
/// Several processes (on one machine, or on several over a shared file system) cooperate on one
/// journal: each Study::open()s it; trial numbers stay unique, each asks sees the others' trials
/// (running ones too) and each tell is visible to all. A trial whose process dies is marked failed
/// ("lost: ...", see hpo::JournalOptions). Copies of a study share its journal.
/// Not thread-safe: use one thread per object (hpo::optimize's n_jobs evaluates on worker threads
/// but asks and tells from the calling thread only).
class Study {
 public:
  explicit Study(SearchSpace space, Direction direction = Direction::Minimize)
      : space_(std::move(space)), direction_(direction) {}

  /// Opens a journal to record into, creating it when it does not exist; when it does (written by
  /// an earlier run, or by other processes now), the study holds its trials and follows what the
  /// others append. It must hold the same space and direction, else std::invalid_argument names
  /// the difference. A malformed line is an error naming the file and line.
  static Study open(const std::string& path, SearchSpace space, Direction direction = Direction::Minimize,
                    JournalOptions options = {}) {
    detail::validate(options);
    Study study(std::move(space), direction);
    study.origin_ = path;
    study.journal_.emplace(path, options);
    namespace fs = std::filesystem;
    std::error_code error;
    if (fs::exists(path, error)) study.read_updates();
    study.journal_->writer->transact([&](std::string& lines) {
      if (fs::exists(path, error)) study.read_updates();  // another process may have created it meanwhile
      if (!study.journal_->has_header) lines += detail::journal_line(detail::header_to_json(study.space_, direction));
    });
    study.sync();
    return study;
  }

  /// Reads a journal or a saved study (std::runtime_error names the file and line when it is
  /// missing or malformed; a last line cut off by a crash is skipped with a warning). The study is
  /// not attached to the file: use open() to record more.
  static Study load(const std::string& path) {
    detail::JournalReader reader(path);
    Study study(SearchSpace{}, Direction::Minimize);
    study.origin_ = path;
    bool has_header = false;
    const auto lines = reader.read(true);
    const bool unterminated = !ends_with_newline(path);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const bool last = i + 1 == lines.size() && unterminated;
      try {
        const auto json = detail::parse_line(lines[i].text);
        if (!has_header) {
          detail::header_from_json(json, study.space_, study.direction_);
          has_header = true;
        } else {
          study.apply(json);
        }
      } catch (const std::exception& e) {
        const std::string where = "hpo: journal \"" + path + "\" line " + std::to_string(lines[i].number);
        if (last && has_header) {
          std::fprintf(stderr, "%s: truncated (a crash while writing?); skipped\n", where.c_str());
          break;
        }
        throw std::runtime_error(where + ": " + e.what());
      }
    }
    if (!has_header) throw std::runtime_error("hpo: journal \"" + path + "\" is empty: no study header");
    return study;
  }

  /// Writes the study (header, finished trials, records) as a journal of whole trials; atomic
  /// (a new file renamed over `path`), and never onto the journal this study records into.
  void save(const std::string& path) const {
    namespace fs = std::filesystem;
    std::error_code error;
    if (journal_ && fs::exists(path, error) && fs::equivalent(path, journal_->writer->path(), error))
      throw std::invalid_argument("hpo::Study::save: \"" + path +
                                  "\" is this study's own journal, which it keeps appending to; save to another path");
    const std::string temporary = path + ".tmp." + detail::random_token();
    try {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("hpo::Study::save: cannot write \"" + temporary + "\"");
      out << detail::journal_line(detail::header_to_json(space_, direction_));
      for (const auto& trial : trials_)
        if (!trial.running()) out << detail::journal_line(detail::trial_to_json(trial));
      for (const auto& record : records_) out << detail::journal_line(record);
      if (!out.flush()) throw std::runtime_error("hpo::Study::save: writing \"" + temporary + "\" failed");
      out.close();
      fs::rename(temporary, path);
    } catch (const std::exception& e) {
      fs::remove(temporary, error);
      throw std::runtime_error(std::string(e.what()).find("hpo::Study::save") == 0
                                   ? std::string(e.what())
                                   : "hpo::Study::save: cannot write \"" + path + "\": " + e.what());
    }
  }

  const SearchSpace& space() const noexcept { return space_; }
  Direction direction() const noexcept { return direction_; }
  /// A number no other study of this process has, even one built later at the same address; a
  /// copy keeps it (it is the same study). Optimizers recognize their study by it.
  std::uint64_t id() const noexcept { return id_; }
  const std::vector<Trial>& trials() const noexcept { return trials_; }
  const Trial& trial(std::size_t number) const {
    if (number >= trials_.size())
      throw std::out_of_range("hpo::Study::trial: no trial number " + std::to_string(number) + " (the study has " +
                              std::to_string(trials_.size()) + ")");
    return trials_[number];
  }
  /// Path of the journal this study records into, empty when none.
  std::string journal_path() const { return journal_ ? journal_->writer->path() : std::string(); }
  /// The file this study was loaded or opened from, empty when it was built in memory.
  const std::string& origin() const noexcept { return origin_; }
  /// "host:pid" of this process when the study records into a journal, else "".
  std::string worker() const { return journal_ ? journal_->writer->worker() : std::string(); }

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

  /// Reads what other processes appended to the journal since the last read, and marks their
  /// trials lost when their process has gone (JournalOptions::lost_after). ask() and tell() read
  /// by themselves; call it to watch a study that others run. Nothing to do without a journal.
  void sync() {
    if (!journal_) return;
    read_updates();
    mark_lost_trials();
  }

  /// Queues a configuration to be evaluated before the optimizer's own proposals (validated now).
  /// The queue belongs to this object, not to the journal.
  void enqueue(Config config) {
    space_.validate(config);
    queue_.push_back(std::move(config));
  }
  std::size_t queued_count() const noexcept { return queue_.size(); }

  /// Starts a trial: the next queued configuration, else the optimizer's proposal. std::nullopt
  /// when the optimizer has nothing to propose now. The trial stays Running until told.
  template <class O>
  std::optional<Trial> ask(O& optimizer) {
    static_assert(Optimizer<O>,
                  "hpo::Study::ask: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)`");
    std::optional<Trial> trial;
    ask_within(optimizer, 0, {}, trial);
    return trial;
  }

  /// Starts a trial of a configuration evaluated outside any optimizer (validated).
  Trial ask(Config config) {
    space_.validate(config);
    Trial trial;
    start(std::move(config), 0, {}, Duplicates::Allowed, trial);
    return trial;
  }

  /// What hpo::optimize asks through: like ask(optimizer), but it starts no trial once finished
  /// plus running trials reach `limit` (0: none), counting every process's, and it labels the trial
  /// with `worker` (appended to "host:pid" when the study has a journal).
  template <class O>
  detail::AskStatus ask_within(O& optimizer, std::size_t limit, const std::string& worker,
                               std::optional<Trial>& trial) {
    sync();
    for (;;) {
      if (limit > 0 && trials_.size() >= limit) return detail::AskStatus::BudgetFull;
      std::optional<Config> config = next_configuration(optimizer);
      if (!config) return detail::AskStatus::NothingToAsk;
      Trial started;
      if (start(*config, limit, worker, Duplicates::Refused, started)) {
        trial = std::move(started);
        return detail::AskStatus::Started;
      }
      if (limit > 0 && trials_.size() >= limit) {  // the others filled the budget meanwhile
        if (from_queue_) queue_.push_front(std::move(*config));
        return detail::AskStatus::BudgetFull;
      }
      // Another process started this configuration meanwhile: ask again, seeing its trial.
    }
  }

  /// Finishes a running trial with the objective's value: NaN or an infinity fails it.
  const Trial& tell(std::size_t number, double value) {
    return tell(number, Evaluation{.value = value, .gradient = {}});
  }

  /// Finishes a running trial with a value and gradient (one entry per real parameter, or empty).
  const Trial& tell(std::size_t number, const Evaluation& evaluation) {
    Trial outcome = running_trial(number, "hpo::Study::tell");
    if (auto problem = detail::evaluation_problem(space_, evaluation.value, evaluation.gradient); !problem.empty()) {
      outcome.state = TrialState::Failed;
      outcome.error = std::move(problem);
    } else {
      outcome.state = TrialState::Completed;
      outcome.value = evaluation.value;
      outcome.gradient = evaluation.gradient;
    }
    return finish(std::move(outcome));
  }

  /// Finishes a running trial as failed, with the reason (kept as UTF-8: bytes that are not are
  /// replaced by U+FFFD, so that any exception's message can be recorded).
  const Trial& fail(std::size_t number, std::string reason) {
    Trial outcome = running_trial(number, "hpo::Study::fail");
    outcome.state = TrialState::Failed;
    outcome.error = reason.empty() ? "failed (no reason given)" : detail::valid_utf8(reason);
    return finish(std::move(outcome));
  }

  /// Records the value a running trial reached at `step` (an epoch, a boosting round), for pruners
  /// and the report. With a journal it is a line of its own, so that other processes and a resumed
  /// run see the curve as it grows. Steps are >= 0 and never decrease (std::invalid_argument naming
  /// the step otherwise); a step reported again is ignored (the first value stands, so that a
  /// pruner's decision taken on it stays valid); a NaN or infinite value fails the trial
  /// ("reported nan at step 3"). A trial that is not running is an error naming its state.
  /// Usage: `study.report(trial->number, epoch, validation_loss);`
  const Trial& report(std::size_t number, std::int64_t step, double value) {
    const Trial trial = running_trial(number, "hpo::Study::report");
    const auto fate = detail::report_fate(trial, step, value, "hpo::Study::report");
    if (fate == detail::ReportFate::Fail) return fail(number, detail::report_failure(step, value));
    if (fate == detail::ReportFate::Ignore) return trials_[number];
    if (!journal_) {
      trials_[number].intermediate.emplace(step, value);
      return trials_[number];
    }
    const auto line =
        detail::journal_line(detail::intermediate_to_json(number, step, value, journal_->writer->session()));
    journal_->writer->transact([&](std::string& lines) {
      read_updates();
      if (trials_[number].running()) lines += line;
    });
    read_updates();
    return trials_[number];
  }

  /// The pruner should_prune() consults; none by default (it then never prunes).
  /// Usage: `study.set_pruner(hpo::MedianPruner{.warmup_steps = 5});`
  void set_pruner(AnyPruner pruner) { pruner_ = std::move(pruner); }

  /// Whether the pruner would stop running trial `number` now, judged against every trial's curve
  /// (other processes' as of this read of the journal); false before the trial's first report and
  /// without a pruner. Then stop evaluating it and call prune().
  bool should_prune(std::size_t number) {
    const Trial& trial = running_trial_ref(number, "hpo::Study::should_prune");
    if (!pruner_ || trial.intermediate.empty()) return false;
    return pruner_.should_prune(PruningContext{.trials = trials_, .number = number, .direction = direction_});
  }

  /// Finishes a running trial as pruned: it keeps its intermediate values and its last reported
  /// value (NaN when it reported none).
  const Trial& prune(std::size_t number) {
    Trial outcome = running_trial(number, "hpo::Study::prune");
    outcome.state = TrialState::Pruned;
    if (!outcome.intermediate.empty()) outcome.value = outcome.intermediate.rbegin()->second;
    return finish(std::move(outcome));
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
    if (!journal_) {
      records_.push_back(std::move(record));
      return;
    }
    journal_->writer->transact([&](std::string& lines) { lines += detail::journal_line(record); });
    read_updates();
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
  // What a study attached to a journal keeps: the shared writer, and its own reading of the file.
  struct Journal {
    Journal(const std::string& path, const JournalOptions& options)
        : writer(std::make_shared<detail::JournalWriter>(path, options)), reader(path) {}
    struct Session {
      std::string worker;
      std::chrono::steady_clock::time_point last_seen;
      bool closed = false;
    };
    std::shared_ptr<detail::JournalWriter> writer;
    detail::JournalReader reader;
    bool has_header = false;
    std::map<std::string, Session> sessions;
    std::vector<std::string> owners;  // per trial: the session that started it ("" for a whole trial)
    std::size_t own_running = 0;      // trials this session started that are still running
    // The numbers of the running trials: a sync looks at these only, so that its cost does not
    // grow with the journal's length.
    std::set<std::size_t> running;
  };

  static bool ends_with_newline(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in || in.tellg() <= 0) return true;
    in.seekg(-1, std::ios::end);
    return in.get() == '\n';
  }

  template <class O>
  std::optional<Config> next_configuration(O& optimizer) {
    from_queue_ = !queue_.empty();
    if (from_queue_) {
      Config config = std::move(queue_.front());
      queue_.pop_front();
      return config;
    }
    std::optional<Config> config = optimizer.ask(*this);
    if constexpr (ReportsTransfer<O>) {
      if (auto report = optimizer.transfer_report()) note_warm_start(std::move(*report));
    }
    if (config) space_.validate(*config);
    return config;
  }

  // Whether a proposal that another process started meanwhile may start again.
  enum class Duplicates { Allowed, Refused };

  // Starts a trial of `config` unless the budget `limit` is full or (with a journal, when refused)
  // another process started the same configuration since this study last read: false then.
  bool start(Config config, std::size_t limit, const std::string& worker, Duplicates duplicates, Trial& trial) {
    trial = Trial{};
    trial.config = std::move(config);
    trial.started_at = detail::unix_seconds();
    if (!journal_) {
      trial.number = trials_.size();
      trial.worker = worker;
      trials_.push_back(trial);
      return true;
    }
    trial.worker = journal_->writer->worker() + worker;
    const std::size_t known = trials_.size();
    bool started = false;
    std::string written;
    const auto at = journal_->writer->transact([&](std::string& lines) {
      read_updates();
      if (limit > 0 && trials_.size() >= limit) return;
      if (duplicates == Duplicates::Refused)
        for (std::size_t n = known; n < trials_.size(); ++n)
          if (trials_[n].config == trial.config) return;
      trial.number = trials_.size();
      lines += detail::journal_line(detail::start_to_json(trial, journal_->writer->session()));
      written = lines;
      started = true;
    });
    read_own(written, at);
    if (started) report_running();
    return started;
  }

  Trial running_trial(std::size_t number, const char* who) { return running_trial_ref(number, who); }

  const Trial& running_trial_ref(std::size_t number, const char* who) {
    if (journal_) read_updates();
    if (number >= trials_.size())
      throw std::invalid_argument(std::string(who) + ": no trial number " + std::to_string(number) +
                                  " (the study has " + std::to_string(trials_.size()) + ")");
    const Trial& trial = trials_[number];
    if (!trial.running())
      throw std::invalid_argument(std::string(who) + ": trial " + std::to_string(number) + " is already " +
                                  to_string(trial.state) + (trial.failed() ? " (" + trial.error + ")" : std::string()));
    return trial;
  }

  // Records a trial's outcome: in memory, or, with a journal, in the journal first (memory then
  // follows from reading it back, so that memory never holds a trial the journal lacks). A trial
  // another process finished meanwhile (marked lost, say) keeps that outcome.
  const Trial& finish(Trial outcome) {
    outcome.duration = std::max(0.0, detail::unix_seconds() - outcome.started_at);
    const std::size_t number = outcome.number;
    if (!journal_) {
      trials_[number] = std::move(outcome);
      account(trials_[number]);
      return trials_[number];
    }
    nlohmann::json record = detail::finish_to_json(outcome);
    record["session"] = journal_->writer->session();
    std::string written;
    const auto at = journal_->writer->transact([&](std::string& lines) {
      read_updates();
      if (trials_[number].running()) lines += detail::journal_line(record);
      written = lines;
    });
    read_own(written, at);
    report_running();
    return trials_[number];
  }

  // Reads and applies the journal's new complete lines; a malformed one is an error naming the
  // file and line.
  void read_updates() { apply_lines(journal_->reader.read()); }

  // After this study wrote `written` at offset `at` of the journal: applies those lines as reading
  // them back would, without reading the file, when nothing came between them and what this study
  // had read (else reads the file). Lines others append after them are read at the next sync.
  void read_own(const std::string& written, std::optional<std::uintmax_t> at) {
    if (at)
      if (auto own = journal_->reader.accept(written, *at)) return apply_lines(*own);
    read_updates();
  }

  void apply_lines(const std::vector<detail::JournalLine>& lines) {
    for (const auto& line : lines) {
      try {
        const auto json = detail::parse_line(line.text);
        if (!journal_->has_header) {
          SearchSpace space;
          Direction direction = Direction::Minimize;
          detail::header_from_json(json, space, direction);
          check_header(space, direction);
          journal_->has_header = true;
        } else {
          apply(json);
        }
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("hpo: journal \"" + journal_->reader.path() + "\" line " +
                                    std::to_string(line.number) + ": " + e.what());
      } catch (const std::exception& e) {
        throw std::runtime_error("hpo: journal \"" + journal_->reader.path() + "\" line " +
                                 std::to_string(line.number) + ": " + e.what());
      }
    }
  }

  void check_header(const SearchSpace& space, Direction direction) const {
    const std::string& path = journal_->reader.path();
    if (auto difference = space_.difference(space); !difference.empty())
      throw std::invalid_argument("was written for another search space: " + difference);
    if (direction != direction_)
      throw std::invalid_argument("was written to " + std::string(to_string(direction)) + ", this study is to " +
                                  to_string(direction_) + " (\"" + path + "\")");
  }

  // One record of the journal, after the header.
  void apply(const nlohmann::json& json) {
    const auto type = detail::json_string(json.at("type"), "\"type\"");
    if (journal_ && json.contains("session")) note_alive(json);
    if (type == "trial") {
      Trial trial;
      detail::outcome_from_json(json, space_, trial);
      add_trial(std::move(trial), {});
    } else if (type == "start") {
      Trial trial;
      trial.config = detail::config_from_json(json.at("config"), space_);
      if (json.contains("worker")) trial.worker = detail::json_string(json.at("worker"), "\"worker\"");
      if (json.contains("started_at")) trial.started_at = detail::json_finite(json.at("started_at"), "\"started_at\"");
      add_trial(std::move(trial),
                json.contains("session") ? detail::json_string(json.at("session"), "\"session\"") : "");
    } else if (type == "finish") {
      const auto number = static_cast<std::size_t>(
          detail::json_integer(json.at("number"), "\"number\"", 0, std::numeric_limits<std::int64_t>::max()));
      if (number >= trials_.size())
        throw std::invalid_argument("finishes trial " + std::to_string(number) + ", which no line started");
      if (!trials_[number].running()) return;  // finished twice (e.g. marked lost, then told late): the first stands
      Trial trial = trials_[number];
      detail::outcome_from_json(json, space_, trial);
      trials_[number] = std::move(trial);
      account(trials_[number]);
      if (journal_) {
        journal_->running.erase(number);
        if (journal_->owners[number] == journal_->writer->session()) --journal_->own_running;
      }
    } else if (type == "intermediate") {
      apply_intermediate(json);
    } else if (type == "record") {
      records_.push_back(json);
      records_.back().erase("session");
    } else if (type != "heartbeat" && type != "close") {
      throw std::invalid_argument("unknown line type \"" + type + "\"");
    }
  }

  // A value reported while running: kept unless the trial has finished meanwhile (its finish line
  // holds its curve) or the step is already known (the first value stands, as report() rules).
  void apply_intermediate(const nlohmann::json& json) {
    const auto number = static_cast<std::size_t>(
        detail::json_integer(json.at("number"), "\"number\"", 0, std::numeric_limits<std::int64_t>::max()));
    if (number >= trials_.size())
      throw std::invalid_argument("reports for trial " + std::to_string(number) + ", which no line started");
    const auto step = detail::json_integer(json.at("step"), "\"step\"", 0, std::numeric_limits<std::int64_t>::max());
    const double value = detail::json_finite(json.at("value"), "\"value\"");
    if (trials_[number].running()) trials_[number].intermediate.emplace(step, value);
  }

  void add_trial(Trial trial, std::string owner) {
    trial.number = trials_.size();  // in file order: a trial lost in flight by a version-1 writer leaves no gap
    trials_.push_back(std::move(trial));
    if (journal_) {
      if (trials_.back().running()) {
        journal_->running.insert(trials_.back().number);
        if (owner == journal_->writer->session()) ++journal_->own_running;
      }
      journal_->owners.push_back(std::move(owner));
    }
    account(trials_.back());
  }

  void note_alive(const nlohmann::json& json) {
    auto& session = journal_->sessions[detail::json_string(json.at("session"), "\"session\"")];
    if (json.contains("worker")) session.worker = detail::json_string(json.at("worker"), "\"worker\"");
    session.last_seen = std::chrono::steady_clock::now();
    if (json.at("type") == "close") session.closed = true;
  }

  // Tells the writer how many trials this session has running: its heartbeat depends on it.
  void report_running() { journal_->writer->set_running(journal_->own_running); }

  // Why a running trial of another session is lost (its process closed the study, no longer runs
  // on this host, or has shown no sign of life for lost_after seconds), or "" while it may finish.
  std::string lost_reason(const std::string& owner) const {
    if (owner.empty() || owner == journal_->writer->session()) return {};
    const auto found = journal_->sessions.find(owner);
    if (found == journal_->sessions.end()) return {};
    const auto& session = found->second;
    if (session.closed) return "lost: " + session.worker + " closed the study before this trial finished";
    if (session.worker == journal_->writer->worker() && !detail::LiveSessions::contains(owner))
      return "lost: " + session.worker + " no longer runs the study that started it";
    const std::size_t colon = session.worker.rfind(':');
    if (colon != std::string::npos && session.worker.compare(0, colon, detail::host_name()) == 0) {
      const long pid = std::strtol(session.worker.c_str() + colon + 1, nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        return "lost: " + session.worker + " is no longer running";
    }
    const auto silent = std::chrono::steady_clock::now() - session.last_seen;
    if (std::chrono::duration<double>(silent).count() <= journal_->writer->options().lost_after) return {};
    const auto since =
        std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(silent);
    const std::time_t t = std::chrono::system_clock::to_time_t(since);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return "lost: no heartbeat from " + session.worker + " since " + text;
  }

  // The first process to notice marks a lost trial failed; the lock and a re-read make sure only
  // one line says so.
  void mark_lost_trials() {
    if (!std::isfinite(journal_->writer->options().lost_after)) return;
    std::vector<std::pair<std::size_t, std::string>> lost;
    for (const std::size_t n : journal_->running)
      if (auto reason = lost_reason(journal_->owners[n]); !reason.empty()) lost.emplace_back(n, std::move(reason));
    if (lost.empty()) return;
    journal_->writer->transact([&](std::string& lines) {
      read_updates();
      for (const auto& [number, reason] : lost) {
        if (!trials_[number].running()) continue;
        Trial trial = trials_[number];
        trial.state = TrialState::Failed;
        trial.error = reason;
        trial.duration = std::max(0.0, detail::unix_seconds() - trial.started_at);
        lines += detail::journal_line(detail::finish_to_json(trial));
      }
    });
    read_updates();
  }

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

  SearchSpace space_;
  Direction direction_;
  std::uint64_t id_ = detail::next_study_id();
  std::vector<Trial> trials_;
  std::size_t completed_ = 0;
  std::size_t failed_ = 0;
  std::size_t pruned_ = 0;
  std::size_t best_ = 0;
  std::deque<Config> queue_;
  bool from_queue_ = false;
  std::vector<nlohmann::json> records_;
  AnyPruner pruner_;
  std::optional<Journal> journal_;  // copies read on their own and share the writer
  std::string origin_;
};

}  // namespace hpo
