#pragma once
// A worker rank's loop: receive a trial, evaluate it, send its outcome back, until told to stop.

#include <atomic>
#include <exception>
#include <optional>
#include <string>

#include "hpo/core/worker_pool.hpp"
#include "hpo/mpi/channel.hpp"
#include "hpo/mpi/message.hpp"
#include "hpo/optimize.hpp"

namespace hpo::mpi::detail {

// The trial a message holds, or (in `failure`) the outcome of a trial this rank cannot read: that
// trial fails, the run goes on. On the MPI-calling thread: unpacking is an MPI call.
inline std::optional<Trial> read_trial(const Message& message, const SearchSpace& space, const Channel& channel,
                                       hpo::detail::EvaluationOutcome& failure) {
  try {
    return decode_trial(message.bytes, space, channel.comm());
  } catch (const std::exception& e) {
    failure = {.number = 0, .evaluation = std::nullopt, .error = {}};
    try {
      Unpacker unpacker(channel.comm(), message.bytes);
      failure.number = static_cast<std::size_t>(unpacker.get<std::uint64_t>());
    } catch (const std::exception&) {  // not even a number: the coordinator reports an unknown trial
    }
    failure.error = "hpo::mpi: rank " + std::to_string(channel.rank()) + " could not read the trial: " + e.what();
    return std::nullopt;
  }
}

/// Serves the coordinating rank (0) until it says stop. With one job, the objective runs on the
/// calling thread (so that it may call MPI itself, e.g. MPI_Abort); with more, on a pool of that
/// many threads while the calling thread keeps receiving. Only the calling thread calls MPI.
template <class Space, class F>
void serve(const Space& space, F& objective, std::size_t jobs, Channel& channel) {
  hpo::detail::EvaluationOutcome failure;
  if (jobs == 1) {
    for (;;) {
      const Message message = channel.receive(0, MPI_ANY_TAG);
      if (message.tag == kStopTag) return;
      const auto trial = read_trial(message, space, channel, failure);
      const auto outcome = trial ? hpo::detail::evaluate_trial(space, objective, *trial) : failure;
      channel.send(0, kOutcomeTag, encode_outcome(outcome, channel.comm()));
    }
  }
  std::atomic<std::size_t> finished{0};
  std::size_t taken = 0;
  hpo::detail::WorkerPool<hpo::detail::EvaluationOutcome> pool(jobs);  // after `finished`: joined first
  Backoff backoff;
  for (;;) {
    if (auto message = channel.try_receive(0, MPI_ANY_TAG)) {
      if (message->tag == kStopTag) return;  // the coordinator stops a rank only when its trials are back
      if (auto trial = read_trial(*message, space, channel, failure)) {
        pool.submit([&, trial = std::move(*trial)] {
          auto outcome = hpo::detail::evaluate_trial(space, objective, trial);
          finished.fetch_add(1, std::memory_order_release);
          return outcome;
        });
      } else {
        channel.send(0, kOutcomeTag, encode_outcome(failure, channel.comm()));
      }
      backoff.reset();
    } else if (finished.load(std::memory_order_acquire) > taken) {
      ++taken;
      channel.send(0, kOutcomeTag, encode_outcome(pool.wait_one(), channel.comm()));
      backoff.reset();
    } else {
      backoff.pause();
    }
  }
}

}  // namespace hpo::mpi::detail
