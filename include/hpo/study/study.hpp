#pragma once
// The study: every trial of a search, the best one, and its journal, which several processes may
// share (journal_file.hpp).

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
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
#include "hpo/core/linkage.hpp"
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
                    JournalOptions options = {});

  /// Reads a journal or a saved study (std::runtime_error names the file and line when it is
  /// missing or malformed; a last line cut off by a crash is skipped with a warning). The study is
  /// not attached to the file: use open() to record more.
  static Study load(const std::string& path);

  /// Writes the study (header, finished trials, records) as a journal of whole trials; atomic
  /// (a new file renamed over `path`), and never onto the journal this study records into.
  void save(const std::string& path) const;

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
  void sync();

  /// Queues a configuration to be evaluated before the optimizer's own proposals (validated now).
  /// The queue belongs to this object, not to the journal.
  void enqueue(Config config);
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
  Trial ask(Config config);

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
  const Trial& tell(std::size_t number, const Evaluation& evaluation);

  /// Finishes a running trial as failed, with the reason (kept as UTF-8: bytes that are not are
  /// replaced by U+FFFD, so that any exception's message can be recorded).
  const Trial& fail(std::size_t number, std::string reason);

  /// Records the value a running trial reached at `step` (an epoch, a boosting round), for pruners
  /// and the report. With a journal it is a line of its own, so that other processes and a resumed
  /// run see the curve as it grows. Steps are >= 0 and never decrease (std::invalid_argument naming
  /// the step otherwise); a step reported again is ignored (the first value stands, so that a
  /// pruner's decision taken on it stays valid); a NaN or infinite value fails the trial
  /// ("reported nan at step 3"). A trial that is not running is an error naming its state.
  /// Usage: `study.report(trial->number, epoch, validation_loss);`
  const Trial& report(std::size_t number, std::int64_t step, double value);

  /// The pruner should_prune() consults; none by default (it then never prunes).
  /// Usage: `study.set_pruner(hpo::MedianPruner{.warmup_steps = 5});`
  void set_pruner(AnyPruner pruner) { pruner_ = std::move(pruner); }

  /// Whether the pruner would stop running trial `number` now, judged against every trial's curve
  /// (other processes' as of this read of the journal); false before the trial's first report and
  /// without a pruner. Then stop evaluating it and call prune().
  bool should_prune(std::size_t number);

  /// Finishes a running trial as pruned: it keeps its intermediate values and its last reported
  /// value (NaN when it reported none).
  const Trial& prune(std::size_t number);

  /// The latest record of what a warm start did (kind "warm_start": its sources, the parts of the
  /// transfer in use and, for Bayesian optimization, each source's current weight), or nullopt when
  /// the study was never warm-started. Kept in the journal, so a resumed study still has it.
  std::optional<nlohmann::json> warm_start_record() const;

  /// Free-form records kept with the study and its journal (e.g. what a warm start did).
  const std::vector<nlohmann::json>& records() const noexcept { return records_; }
  void add_record(nlohmann::json record);

  /// The first failed trial's reason, for error messages ("" when none failed).
  std::string failure_summary() const;

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

  static bool ends_with_newline(const std::string& path);

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
  bool start(Config config, std::size_t limit, const std::string& worker, Duplicates duplicates, Trial& trial);

  Trial running_trial(std::size_t number, const char* who) { return running_trial_ref(number, who); }

  const Trial& running_trial_ref(std::size_t number, const char* who);

  // Records a trial's outcome: in memory, or, with a journal, in the journal first (memory then
  // follows from reading it back, so that memory never holds a trial the journal lacks). A trial
  // another process finished meanwhile (marked lost, say) keeps that outcome.
  const Trial& finish(Trial outcome);

  // Reads and applies the journal's new complete lines; a malformed one is an error naming the
  // file and line.
  void read_updates() { apply_lines(journal_->reader.read()); }

  // After this study wrote `written` at offset `at` of the journal: applies those lines as reading
  // them back would, without reading the file, when nothing came between them and what this study
  // had read (else reads the file). Lines others append after them are read at the next sync.
  void read_own(const std::string& written, std::optional<std::uintmax_t> at);

  void apply_lines(const std::vector<detail::JournalLine>& lines);

  void check_header(const SearchSpace& space, Direction direction) const;

  // One record of the journal, after the header.
  void apply(const nlohmann::json& json);

  // A value reported while running: kept unless the trial has finished meanwhile (its finish line
  // holds its curve) or the step is already known (the first value stands, as report() rules).
  void apply_intermediate(const nlohmann::json& json);

  void add_trial(Trial trial, std::string owner);

  void note_alive(const nlohmann::json& json);

  // Tells the writer how many trials this session has running: its heartbeat depends on it.
  void report_running() { journal_->writer->set_running(journal_->own_running); }

  // Why a running trial of another session is lost (its process closed the study, no longer runs
  // on this host, or has shown no sign of life for lost_after seconds), or "" while it may finish.
  std::string lost_reason(const std::string& owner) const;

  // The first process to notice marks a lost trial failed; the lock and a re-read make sure only
  // one line says so.
  void mark_lost_trials();

  // An optimizer's report of its warm start becomes a record when it says something new (a new
  // study, changed weights), stamped with the number of the trial being asked.
  void note_warm_start(nlohmann::json report);

  // Counts and the best index are kept up to date so that a long run stays linear in its trials.
  void account(const Trial& trial) noexcept;

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

#if HPO_BODIES_IN_HEADERS
#include "hpo/study/impl/study.ipp"
#endif
