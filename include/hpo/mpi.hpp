#pragma once
// hpo::mpi::optimize(): one search over the ranks of an MPI job. Optional: link hpo::mpi (which
// brings MPI::MPI_CXX); hpo/hpo.hpp does not include this header.

#include "hpo/mpi/mpi_c_api.hpp"

#include <concepts>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpo/mpi/agreement.hpp"
#include "hpo/mpi/channel.hpp"
#include "hpo/mpi/coordinator.hpp"
#include "hpo/mpi/ending.hpp"
#include "hpo/mpi/message.hpp"
#include "hpo/mpi/runtime.hpp"
#include "hpo/mpi/worker.hpp"
#include "hpo/optimize.hpp"

namespace hpo::mpi {

/// How the ranks share the work; designated initializers follow this order. A plain value: safe to
/// read from any thread.
/// Usage: `hpo::mpi::optimize(space, f, bo, {.max_evaluations = 500}, MPI_COMM_WORLD, {.coordinator_evaluates =
/// false});`
struct Options {
  /// Whether rank 0, which asks the optimizer, records and writes the journal, also evaluates (on
  /// n_jobs threads of its own, beside the thread that coordinates): with it, 2 ranks are 2
  /// evaluators. Switch it off when asking takes long enough (a large study, a warm start) that an
  /// evaluation competing for rank 0's core would delay every worker's next trial. A job of one
  /// rank always evaluates on it.
  bool coordinator_evaluates = true;
};

namespace detail {

// Every rank's number of evaluation threads (n_jobs = 0 resolves per node), on rank 0.
inline std::vector<std::size_t> gather_jobs(std::size_t jobs, const Channel& channel) {
  std::vector<std::uint64_t> all(static_cast<std::size_t>(channel.size()));
  const std::uint64_t mine = jobs;
  check(MPI_Gather(&mine, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, 0, channel.comm()), "MPI_Gather");
  return {all.begin(), all.end()};
}

template <class Space, class F, class O>
Study coordinate(const Space& space, F& objective, O& optimizer, const RunOptions& options,
                 const std::vector<std::size_t>& jobs, const Options& mpi_options, Channel& channel) {
  Coordinator<Space, F, O> coordinator(space, objective, optimizer, options, jobs, mpi_options.coordinator_evaluates,
                                       channel);
  std::optional<Study> study;
  std::size_t before = 0;
  try {
    study = hpo::detail::open_run_study(space, options);
    before = study->trials().size();
    study = coordinator.execute(std::move(*study));
  } catch (const std::exception& e) {
    coordinator.stop_workers();
    send_end(ending_of(e), "hpo::mpi::optimize: rank 0 (the coordinating rank) failed: " + std::string(e.what()),
             nullptr, channel.comm());
    throw;
  } catch (...) {
    coordinator.stop_workers();
    send_end(Ending::RuntimeError,
             "hpo::mpi::optimize: rank 0 (the coordinating rank) failed with an exception not derived from "
             "std::exception",
             nullptr, channel.comm());
    throw;
  }
  coordinator.stop_workers();
  if (options.progress) coordinator.print_summary();
  if (auto message = hpo::detail::no_completed_trial_message(*study, before, options); !message.empty()) {
    send_end(Ending::NoTrialCompleted, message, &*study, channel.comm());
    throw NoTrialCompleted(message, std::move(*study));
  }
  send_end(Ending::Study, {}, &*study, channel.comm());
  return std::move(*study);
}

}  // namespace detail

/// Runs one search over the ranks of `comm`, as hpo::optimize() does in one process: every rank
/// calls it with the same space, objective, optimizer and options (SPMD). Rank 0 coordinates: it
/// asks the optimizer, records every trial, writes the journal, prints the progress and runs the
/// callbacks (so the optimizer's state, a warm start included, matters there only); the other
/// ranks evaluate, and rank 0 too unless `mpi_options.coordinator_evaluates` is false. A rank that
/// finishes a trial gets the next at once. Every RunOptions member keeps its meaning; n_jobs is per
/// rank (evaluations at once on each). Returns the complete study on every rank (on rank 0 the one
/// recording into the journal; on the others a copy, loaded from the text Study::save() writes).
/// An objective that throws gives a failed trial with its message; one that calls MPI_Abort, or a
/// rank that dies, ends the job as MPI does, and the journal keeps every finished trial for a resume.
/// Errors: std::logic_error before MPI_Init or after MPI_Finalize; std::invalid_argument, thrown on
/// every rank, naming what differs when the ranks were called with different spaces or options
/// (compared by hash at the start: all but progress and callbacks); an error on rank 0 (a journal
/// for another space, a callback that throws) is thrown there and, as the same kind with its message,
/// on every other rank; hpo::NoTrialCompleted on every rank, with the study.
/// Thread safety: call it from one thread per rank (the one that calls MPI). Rank 0's own
/// evaluations run on other threads that never call MPI: MPI_THREAD_FUNNELED in the MPI standard's
/// terms, which Open MPI and MPICH give after a plain MPI_Init.
/// Usage: `hpo::Study study = hpo::mpi::optimize(space, f, bo, {.max_evaluations = 200, .journal = "run.jsonl"});`
template <class Space, class F, class O>
requires std::derived_from<Space, SearchSpace> &&(!std::same_as<std::remove_cvref_t<O>, RunOptions>)Study
    optimize(const Space& space, F&& objective, O&& optimizer, const RunOptions& options = {},
             MPI_Comm comm = MPI_COMM_WORLD, const Options& mpi_options = {}) {
  static_assert(Optimizer<std::remove_cvref_t<O>>,
                "hpo::mpi::optimize: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)` "
                "(see the hpo::Optimizer concept)");
  detail::require_running(comm, "hpo::mpi::optimize");
  detail::check_agreement(space, options, mpi_options.coordinator_evaluates, comm);
  hpo::detail::check_run(space, options);  // the same arguments on every rank: the same verdict
  // The pruner's board of curves lives in one process; sharing it over MPI is not built yet, and a
  // pruner that silently never prunes would waste the budget it was set to save.
  if (options.pruner)
    throw std::invalid_argument(
        "hpo::mpi::optimize: RunOptions::pruner is not supported over MPI yet (run "
        "hpo::optimize with n_jobs, or several processes on one journal, to prune)");
  const std::size_t jobs = hpo::detail::worker_count(options.n_jobs);
  int size = 1;
  detail::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  if (size == 1) return hpo::optimize(space, std::forward<F>(objective), std::forward<O>(optimizer), options);
  detail::Channel channel(comm);
  const auto all_jobs = detail::gather_jobs(jobs, channel);
  if (channel.rank() == 0)
    return detail::coordinate(space, objective, optimizer, options, all_jobs, mpi_options, channel);
  detail::serve(space, objective, jobs, channel);
  return detail::finish(detail::receive_end(channel.comm()));
}

}  // namespace hpo::mpi
