#pragma once
// Bodies of study.hpp; see core/linkage.hpp.

#include <signal.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "hpo/study/study.hpp"

namespace hpo {

HPO_INLINE Study Study::open(const std::string& path, SearchSpace space, Direction direction, JournalOptions options) {
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

HPO_INLINE Study Study::load(const std::string& path) {
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

HPO_INLINE void Study::save(const std::string& path) const {
  namespace fs = std::filesystem;
  std::error_code error;
  if (journal_ && fs::exists(path, error) && fs::equivalent(path, journal_->writer->path(), error))
    throw std::invalid_argument("hpo::Study::save: \"" + path +
                                "\" is this study's own journal, which it keeps appending to; save to another path");
  const std::string temporary = path + ".tmp." + detail::random_token();
  try {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    // The user named `path`; the temporary file beside it is ours. Say why it could not be made.
    if (!out) {
      const fs::path folder = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
      throw std::runtime_error("hpo::Study::save: cannot write \"" + path + "\": " +
                               (fs::is_directory(folder, error) ? "cannot create a file in its folder"
                                                                : "its folder does not exist"));
    }
    out << detail::journal_line(detail::header_to_json(space_, direction_));
    for (const auto& trial : trials_)
      if (!trial.running()) out << detail::journal_line(detail::trial_to_json(trial));
    for (const auto& record : records_) out << detail::journal_line(record);
    if (!out.flush()) throw std::runtime_error("hpo::Study::save: writing \"" + path + "\" failed");
    out.close();
    fs::rename(temporary, path);
  } catch (const std::exception& e) {
    fs::remove(temporary, error);
    throw std::runtime_error(std::string(e.what()).find("hpo::Study::save") == 0
                                 ? std::string(e.what())
                                 : "hpo::Study::save: cannot write \"" + path + "\": " + e.what());
  }
}

HPO_INLINE void Study::sync() {
  if (!journal_) return;
  read_updates();
  mark_lost_trials();
}

HPO_INLINE void Study::enqueue(Config config) {
  space_.validate(config);
  queue_.push_back(std::move(config));
}

HPO_INLINE Trial Study::ask(Config config) {
  space_.validate(config);
  Trial trial;
  start(std::move(config), 0, {}, Duplicates::Allowed, trial);
  return trial;
}

HPO_INLINE const Trial& Study::tell(std::size_t number, const Evaluation& evaluation) {
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

HPO_INLINE const Trial& Study::fail(std::size_t number, std::string reason) {
  Trial outcome = running_trial(number, "hpo::Study::fail");
  outcome.state = TrialState::Failed;
  outcome.error = reason.empty() ? "failed (no reason given)" : detail::valid_utf8(reason);
  return finish(std::move(outcome));
}

HPO_INLINE const Trial& Study::report(std::size_t number, std::int64_t step, double value) {
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

HPO_INLINE bool Study::should_prune(std::size_t number) {
  const Trial& trial = running_trial_ref(number, "hpo::Study::should_prune");
  if (!pruner_ || trial.intermediate.empty()) return false;
  return pruner_.should_prune(PruningContext{.trials = trials_, .number = number, .direction = direction_});
}

HPO_INLINE const Trial& Study::prune(std::size_t number) {
  Trial outcome = running_trial(number, "hpo::Study::prune");
  outcome.state = TrialState::Pruned;
  if (!outcome.intermediate.empty()) outcome.value = outcome.intermediate.rbegin()->second;
  return finish(std::move(outcome));
}

HPO_INLINE std::optional<nlohmann::json> Study::warm_start_record() const {
  for (auto record = records_.rbegin(); record != records_.rend(); ++record)
    if (record->value("kind", std::string()) == "warm_start") return *record;
  return std::nullopt;
}

HPO_INLINE void Study::add_record(nlohmann::json record) {
  record["type"] = "record";
  if (!journal_) {
    records_.push_back(std::move(record));
    return;
  }
  journal_->writer->transact([&](std::string& lines) { lines += detail::journal_line(record); });
  read_updates();
}

HPO_INLINE std::string Study::failure_summary() const {
  const auto failed = failed_count();
  if (failed == 0) return {};
  for (const auto& trial : trials_)
    if (trial.failed())
      return " (" + std::to_string(failed) + " of " + std::to_string(trials_.size()) +
             " trials failed; the first, trial " + std::to_string(trial.number) + ", with: " + trial.error + ")";
  return {};
}

HPO_INLINE bool Study::ends_with_newline(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0) return true;
  in.seekg(-1, std::ios::end);
  return in.get() == '\n';
}

HPO_INLINE bool Study::start(Config config, std::size_t limit, const std::string& worker, Duplicates duplicates,
                             Trial& trial) {
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

HPO_INLINE const Trial& Study::running_trial_ref(std::size_t number, const char* who) {
  if (journal_) read_updates();
  if (number >= trials_.size())
    throw std::invalid_argument(std::string(who) + ": no trial number " + std::to_string(number) + " (the study has " +
                                std::to_string(trials_.size()) + ")");
  const Trial& trial = trials_[number];
  if (!trial.running())
    throw std::invalid_argument(std::string(who) + ": trial " + std::to_string(number) + " is already " +
                                to_string(trial.state) + (trial.failed() ? " (" + trial.error + ")" : std::string()));
  return trial;
}

HPO_INLINE const Trial& Study::finish(Trial outcome) {
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

HPO_INLINE void Study::read_own(const std::string& written, std::optional<std::uintmax_t> at) {
  if (at)
    if (auto own = journal_->reader.accept(written, *at)) return apply_lines(*own);
  read_updates();
}

HPO_INLINE void Study::apply_lines(const std::vector<detail::JournalLine>& lines) {
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
      throw std::runtime_error("hpo: journal \"" + journal_->reader.path() + "\" line " + std::to_string(line.number) +
                               ": " + e.what());
    }
  }
}

HPO_INLINE void Study::check_header(const SearchSpace& space, Direction direction) const {
  const std::string& path = journal_->reader.path();
  if (auto difference = space_.difference(space); !difference.empty())
    throw std::invalid_argument("was written for another search space: " + difference);
  if (direction != direction_)
    throw std::invalid_argument("was written to " + std::string(to_string(direction)) + ", this study is to " +
                                to_string(direction_) + " (\"" + path + "\")");
}

HPO_INLINE void Study::apply(const nlohmann::json& json) {
  const auto type = detail::json_string(json.at("type"), "\"type\"");
  if (journal_ && json.contains("session")) note_alive(json);
  // A trial's number is its position in the file (add_trial), but a "number" written on a line
  // that starts one must still be what it claims to be.
  if ((type == "trial" || type == "start") && json.contains("number"))
    detail::json_integer(json.at("number"), "\"number\"", 0, std::numeric_limits<std::int64_t>::max());
  if (type == "trial") {
    Trial trial;
    detail::outcome_from_json(json, space_, trial);
    add_trial(std::move(trial), {});
  } else if (type == "start") {
    Trial trial;
    trial.config = detail::config_from_json(json.at("config"), space_);
    if (json.contains("worker")) trial.worker = detail::json_string(json.at("worker"), "\"worker\"");
    if (json.contains("started_at")) trial.started_at = detail::json_finite(json.at("started_at"), "\"started_at\"");
    add_trial(std::move(trial), json.contains("session") ? detail::json_string(json.at("session"), "\"session\"") : "");
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

HPO_INLINE void Study::apply_intermediate(const nlohmann::json& json) {
  const auto number = static_cast<std::size_t>(
      detail::json_integer(json.at("number"), "\"number\"", 0, std::numeric_limits<std::int64_t>::max()));
  if (number >= trials_.size())
    throw std::invalid_argument("reports for trial " + std::to_string(number) + ", which no line started");
  const auto step = detail::json_integer(json.at("step"), "\"step\"", 0, std::numeric_limits<std::int64_t>::max());
  const double value = detail::json_finite(json.at("value"), "\"value\"");
  if (trials_[number].running()) trials_[number].intermediate.emplace(step, value);
}

HPO_INLINE void Study::add_trial(Trial trial, std::string owner) {
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

HPO_INLINE void Study::note_alive(const nlohmann::json& json) {
  auto& session = journal_->sessions[detail::json_string(json.at("session"), "\"session\"")];
  if (json.contains("worker")) session.worker = detail::json_string(json.at("worker"), "\"worker\"");
  session.last_seen = std::chrono::steady_clock::now();
  if (json.at("type") == "close") session.closed = true;
}

HPO_INLINE std::string Study::lost_reason(const std::string& owner) const {
  if (owner.empty() || owner == journal_->writer->session()) return {};
  const auto found = journal_->sessions.find(owner);
  if (found == journal_->sessions.end()) return {};
  const auto& session = found->second;
  const auto silent = std::chrono::steady_clock::now() - session.last_seen;
  // Every reason starts alike, so that a reader can match one prefix; where the journal or this
  // host tells why before lost_after has passed, the reason says so after it.
  const auto lost = [&](const std::string& why) {
    const auto since =
        std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(silent);
    const std::time_t t = std::chrono::system_clock::to_time_t(since);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return "lost: no heartbeat from " + session.worker + " since " + text + (why.empty() ? "" : " (" + why + ")");
  };
  if (session.closed) return lost("it closed the study before this trial finished");
  if (session.worker == journal_->writer->worker() && !detail::LiveSessions::contains(owner))
    return lost("it no longer runs the study that started this trial");
  const std::size_t colon = session.worker.rfind(':');
  if (colon != std::string::npos && session.worker.compare(0, colon, detail::host_name()) == 0) {
    const long pid = std::strtol(session.worker.c_str() + colon + 1, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      return lost("the process is no longer running");
  }
  if (std::chrono::duration<double>(silent).count() <= journal_->writer->options().lost_after) return {};
  return lost("");
}

HPO_INLINE void Study::mark_lost_trials() {
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

HPO_INLINE void Study::note_warm_start(nlohmann::json report) {
  report["kind"] = "warm_start";
  if (auto last = warm_start_record()) {
    last->erase("trial");
    last->erase("type");
    if (*last == report) return;
  }
  report["trial"] = trials_.size();
  add_record(std::move(report));
}

HPO_INLINE void Study::account(const Trial& trial) noexcept {
  if (trial.completed()) {
    if (completed_ == 0 || better(trial.value, trials_[best_].value)) best_ = trial.number;
    ++completed_;
  } else if (trial.failed()) {
    ++failed_;
  } else if (trial.pruned()) {
    ++pruned_;
  }
}

}  // namespace hpo
