#pragma once
// hpo::mpi's own communicator: nonblocking sends, and receives that poll without spinning.

#include "hpo/mpi/mpi_c_api.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "hpo/mpi/runtime.hpp"

namespace hpo::mpi::detail {

/// The tags of hpo::mpi's messages: a trial to evaluate (coordinator to worker), its outcome
/// (worker to coordinator), and the end of the run (coordinator to worker).
enum Tag : int { kTrialTag = 1, kOutcomeTag = 2, kStopTag = 3 };

/// One received message: who sent it, its tag, and its packed bytes (MPI_PACKED).
struct Message {
  int source = 0;
  int tag = 0;
  std::vector<char> bytes;
};

/// Pauses between polls that found nothing: a yield first, then sleeps doubling from 20 us to
/// 1 ms. Why not MPI_Recv: Open MPI's blocking calls spin a core at 100%, which on a node where
/// ranks share cores (or the coordinator shares one with its evaluation thread) takes that core
/// from the objective; 1 ms at most adds under 1% to a trial of 100 ms.
/// Usage: `Backoff backoff; while (!ready()) backoff.pause(); backoff.reset();`
class Backoff {
 public:
  void pause() {
    if (wait_.count() == 0) {
      std::this_thread::yield();
      wait_ = std::chrono::microseconds(20);
      return;
    }
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, std::chrono::microseconds(1000));
  }
  void reset() { wait_ = std::chrono::microseconds(0); }

 private:
  std::chrono::microseconds wait_{0};
};

/// A duplicate of the user's communicator (so that hpo's messages never match the user's own),
/// with sends that never block: each is an MPI_Isend whose buffer is kept until it completes, so
/// two ranks sending to each other at once cannot deadlock whatever the message size. Every rank
/// of the communicator must build one (MPI_Comm_dup is collective), and destroy it (it waits for
/// its sends, then frees the duplicate). Not thread-safe: one thread calls MPI.
/// Usage: `Channel channel(MPI_COMM_WORLD); channel.send(1, kStopTag, {}); auto m = channel.receive(0, kTrialTag);`
class Channel {
 public:
  explicit Channel(MPI_Comm comm) {
    check(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");
    check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel() {
    for (auto& pending : pending_) MPI_Wait(&pending.request, MPI_STATUS_IGNORE);  // no throw here
    MPI_Comm_free(&comm_);
  }

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  MPI_Comm comm() const noexcept { return comm_; }

  /// Starts sending `bytes` (packed with this channel's communicator) and returns at once.
  void send(int destination, int tag, std::vector<char> bytes) {
    reap();
    pending_.push_back({MPI_REQUEST_NULL, std::move(bytes)});
    auto& pending = pending_.back();  // the vector's heap buffer stays where it is when pending_ grows
    check(MPI_Isend(pending.bytes.data(), static_cast<int>(pending.bytes.size()), MPI_PACKED, destination, tag, comm_,
                    &pending.request),
          "MPI_Isend");
  }

  /// The next message from `source` with `tag` (MPI_ANY_SOURCE, MPI_ANY_TAG allowed), if one has
  /// arrived; never waits.
  std::optional<Message> try_receive(int source, int tag) {
    reap();
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(source, tag, comm_, &arrived, &status), "MPI_Iprobe");
    if (!arrived) return std::nullopt;
    int count = 0;
    check(MPI_Get_count(&status, MPI_PACKED, &count), "MPI_Get_count");
    Message message{.source = status.MPI_SOURCE, .tag = status.MPI_TAG, .bytes = std::vector<char>(count)};
    check(
        MPI_Recv(message.bytes.data(), count, MPI_PACKED, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE),
        "MPI_Recv");
    return message;
  }

  /// Waits (polling, see Backoff) for the next message from `source` with `tag`.
  Message receive(int source, int tag) {
    Backoff backoff;
    for (;;) {
      if (auto message = try_receive(source, tag)) return std::move(*message);
      backoff.pause();
    }
  }

 private:
  struct Pending {
    MPI_Request request;
    std::vector<char> bytes;
  };

  // Forgets the sends that have completed (MPI_Test also lets MPI progress the others).
  void reap() {
    std::erase_if(pending_, [](Pending& pending) {
      int done = 0;
      check(MPI_Test(&pending.request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      return done != 0;
    });
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  std::vector<Pending> pending_;
};

}  // namespace hpo::mpi::detail
