#pragma once
// The agreement check: every rank must have been called with the same space and options (SPMD).
// A rank that differs would otherwise decode configurations against another space, or wait for a
// run that the others think is over; instead, every rank throws the same error naming what differs.

#include "hpo/mpi/mpi_c_api.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hpo/mpi/runtime.hpp"
#include "hpo/optimize.hpp"

namespace hpo::mpi::detail {

/// FNV-1a, 64 bits: the same text gives the same hash on every rank and every platform.
inline std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

/// What a rank was called with, one number per compared field: the space and the journal as
/// hashes, the others as their values (doubles by their bits). The progress flag and the callbacks
/// may differ (only the coordinating rank uses them: `.progress = rank == 0` is fine).
struct Fingerprint {
  enum Field {
    kSpace,
    kDirection,
    kMaxEvaluations,
    kMaxSeconds,
    kJournal,
    kJobs,
    kCoordinatorEvaluates,
    kHeartbeatInterval,
    kLostAfter,
    kLockStaleAfter,
    kLockTimeout,
    kFields
  };
  std::array<std::uint64_t, kFields> values{};
};

inline const char* field_name(int field) {
  static constexpr const char* names[] = {"the search space",
                                          "direction",
                                          "max_evaluations",
                                          "max_seconds",
                                          "journal",
                                          "n_jobs",
                                          "coordinator_evaluates",
                                          "journal_options.heartbeat_interval",
                                          "journal_options.lost_after",
                                          "journal_options.lock_stale_after",
                                          "journal_options.lock_timeout"};
  return names[field];
}

inline Fingerprint fingerprint(const SearchSpace& space, const RunOptions& options, bool coordinator_evaluates) {
  const auto bits = [](double d) { return std::bit_cast<std::uint64_t>(d); };
  Fingerprint f;
  f.values = {fnv1a(space.to_json().dump()),
              static_cast<std::uint64_t>(options.direction == Direction::Maximize),
              options.max_evaluations,
              bits(options.max_seconds),
              fnv1a(options.journal),
              options.n_jobs,
              static_cast<std::uint64_t>(coordinator_evaluates),
              bits(options.journal_options.heartbeat_interval),
              bits(options.journal_options.lost_after),
              bits(options.journal_options.lock_stale_after),
              bits(options.journal_options.lock_timeout)};
  return f;
}

/// "rank 2", "ranks 0-1, 3": a set of ranks in few words.
inline std::string rank_list(const std::vector<int>& ranks) {
  std::string text;
  for (std::size_t i = 0; i < ranks.size();) {
    std::size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    text += (text.empty() ? "" : ", ") + std::to_string(ranks[i]) + (j > i ? "-" + std::to_string(ranks[j]) : "");
    i = j + 1;
  }
  return (ranks.size() > 1 ? "ranks " : "rank ") + text;
}

using Groups = std::vector<std::pair<std::uint64_t, std::vector<int>>>;

// The ranks that hold each value of a field, rank 0's value first.
inline Groups group_ranks(const std::vector<std::uint64_t>& all, int field, int size) {
  std::map<std::uint64_t, std::vector<int>> by_value;
  for (int r = 0; r < size; ++r)
    by_value[all[static_cast<std::size_t>(r) * Fingerprint::kFields + static_cast<std::size_t>(field)]].push_back(r);
  Groups groups(by_value.begin(), by_value.end());
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.second[0] < b.second[0]; });
  return groups;
}

/// A compared value in words (texts are described by the caller, who has them).
inline std::string field_value(int field, std::uint64_t value) {
  switch (field) {
    case Fingerprint::kDirection:
      return value ? "maximize" : "minimize";
    case Fingerprint::kCoordinatorEvaluates:
      return value ? "true" : "false";
    case Fingerprint::kMaxEvaluations:
    case Fingerprint::kJobs:
      return std::to_string(value);
    default: {
      char text[32];
      std::snprintf(text, sizeof text, "%g", std::bit_cast<double>(value));
      return text;
    }
  }
}

/// Every rank's space (as JSON) and journal path, for the words of an error; collective.
inline std::vector<std::string> gather_texts(const std::string& mine, MPI_Comm comm, int size) {
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  int length = static_cast<int>(mine.size());
  check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm), "MPI_Allgather");
  int total = 0;
  for (int r = 0; r < size; ++r)
    offsets[static_cast<std::size_t>(r)] = total, total += lengths[static_cast<std::size_t>(r)];
  std::vector<char> all(static_cast<std::size_t>(total) + 1);
  check(MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, comm),
        "MPI_Allgatherv");
  std::vector<std::string> texts;
  for (int r = 0; r < size; ++r)
    texts.emplace_back(all.data() + offsets[static_cast<std::size_t>(r)], lengths[static_cast<std::size_t>(r)]);
  return texts;
}

// How the spaces differ from rank 0's, in SearchSpace::difference's words.
inline std::string describe_spaces(const Groups& groups, const std::vector<std::string>& spaces) {
  const SearchSpace reference = SearchSpace::from_json(nlohmann::json::parse(spaces[0]));
  std::string text;
  for (const auto& [hash, ranks] : groups) {
    if (ranks.front() == 0) continue;
    const SearchSpace other = SearchSpace::from_json(nlohmann::json::parse(spaces[static_cast<std::size_t>(ranks[0])]));
    text += (text.empty() ? "" : "; ") + std::string("rank 0's vs ") + rank_list(ranks) +
            "'s: " + reference.difference(other);
  }
  return text;
}

/// Compares every rank's space and options (collective: every rank of `comm` must call it) and
/// throws std::invalid_argument on every rank, with the same message, when they differ: which
/// fields, with each value and the ranks that hold it.
inline void check_agreement(const SearchSpace& space, const RunOptions& options, bool coordinator_evaluates,
                            MPI_Comm comm) {
  int size = 1;
  check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const Fingerprint mine = fingerprint(space, options, coordinator_evaluates);
  std::vector<std::uint64_t> all(static_cast<std::size_t>(size) * Fingerprint::kFields);
  check(MPI_Allgather(mine.values.data(), Fingerprint::kFields, MPI_UINT64_T, all.data(), Fingerprint::kFields,
                      MPI_UINT64_T, comm),
        "MPI_Allgather");
  std::string differences;
  std::vector<std::string> spaces, journals;
  for (int field = 0; field < Fingerprint::kFields; ++field) {
    const auto groups = group_ranks(all, field, size);
    if (groups.size() == 1) continue;
    std::string text;
    if (field == Fingerprint::kSpace) {
      spaces = gather_texts(space.to_json().dump(), comm, size);  // every rank sees the same groups: all call it
      text = describe_spaces(groups, spaces);
    } else {
      if (field == Fingerprint::kJournal) journals = gather_texts(options.journal, comm, size);
      for (const auto& [value, ranks] : groups)
        text += (text.empty() ? "" : ", ") +
                (field == Fingerprint::kJournal ? "\"" + journals[static_cast<std::size_t>(ranks[0])] + "\""
                                                : field_value(field, value)) +
                " on " + rank_list(ranks);
    }
    differences += std::string(differences.empty() ? "" : "; ") + field_name(field) + ": " + text;
  }
  if (!differences.empty())
    throw std::invalid_argument(
        "hpo::mpi::optimize: the ranks were called with different arguments (every rank must pass the same space "
        "and options): " +
        differences);
}

}  // namespace hpo::mpi::detail
