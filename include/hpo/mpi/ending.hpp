#pragma once
// The end of a distributed run: the coordinating rank broadcasts how the run ended and the study
// (as the text Study::save() writes), so that every rank returns the same study, or throws the
// same error.

#include "hpo/mpi/mpi_c_api.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include "hpo/mpi/runtime.hpp"
#include "hpo/optimize.hpp"

namespace hpo::mpi::detail {

/// How a run ended: with its study, with no completed trial (hpo::NoTrialCompleted, with the
/// study), or with an error on the coordinating rank (its message, and its kind of exception).
enum class Ending : std::uint64_t { Study, NoTrialCompleted, InvalidArgument, LogicError, RuntimeError };

/// What every rank learns at the end.
struct RunEnd {
  Ending ending = Ending::Study;
  std::string message;
  std::optional<Study> study;
};

// MPI_Bcast counts are ints: long texts go in chunks.
inline void broadcast_bytes(char* data, std::size_t size, MPI_Comm comm) {
  for (std::size_t offset = 0; offset < size;) {
    const int chunk = static_cast<int>(std::min<std::size_t>(size - offset, INT_MAX / 2));
    check(MPI_Bcast(data + offset, chunk, MPI_CHAR, 0, comm), "MPI_Bcast");
    offset += static_cast<std::size_t>(chunk);
  }
}

// A file of its own in the node-local temporary folder, removed when the object goes.
class TemporaryFile {
 public:
  TemporaryFile()
      : path_(
            (std::filesystem::temp_directory_path() / ("hpo-mpi-" + hpo::detail::random_token() + ".jsonl")).string()) {
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

inline std::string study_text(const Study& study) {
  TemporaryFile file;
  study.save(file.path());
  std::ifstream in(file.path(), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline Study study_from_text(const std::string& text) {
  TemporaryFile file;
  {
    std::ofstream out(file.path(), std::ios::binary);
    if (!(out << text) || !out.flush())
      throw std::runtime_error("hpo::mpi::optimize: cannot write the received study to \"" + file.path() + "\"");
  }
  return Study::load(file.path());
}

inline void broadcast_end(Ending ending, const std::string& message, const std::string& text, MPI_Comm comm) {
  std::uint64_t header[3] = {static_cast<std::uint64_t>(ending), message.size(), text.size()};
  check(MPI_Bcast(header, 3, MPI_UINT64_T, 0, comm), "MPI_Bcast");
  std::string bytes = message + text;
  broadcast_bytes(bytes.data(), bytes.size(), comm);
}

/// On the coordinating rank (0): broadcasts how the run ended; `study` may be null when the error
/// came before there was one. Collective with receive_end(). When the study cannot be written out
/// (no temporary folder), the others learn that error, and it is thrown here too.
inline void send_end(Ending ending, const std::string& message, const Study* study, MPI_Comm comm) {
  std::string text;
  try {
    if (study) text = study_text(*study);
  } catch (const std::exception& e) {
    broadcast_end(
        Ending::RuntimeError,
        std::string("hpo::mpi::optimize: rank 0 (the coordinating rank) could not send the study: ") + e.what(), {},
        comm);
    throw;
  }
  broadcast_end(ending, message, text, comm);
}

/// On the other ranks: how the run ended, and the coordinator's study when it sent one.
inline RunEnd receive_end(MPI_Comm comm) {
  std::uint64_t header[3] = {0, 0, 0};
  check(MPI_Bcast(header, 3, MPI_UINT64_T, 0, comm), "MPI_Bcast");
  std::string bytes(header[1] + header[2], '\0');
  broadcast_bytes(bytes.data(), bytes.size(), comm);
  RunEnd end{.ending = static_cast<Ending>(header[0]), .message = bytes.substr(0, header[1]), .study = std::nullopt};
  if (header[2] > 0) end.study = study_from_text(bytes.substr(header[1]));
  return end;
}

/// The Ending that carries an exception of the coordinating rank's type to the others.
inline Ending ending_of(const std::exception& e) {
  if (dynamic_cast<const std::invalid_argument*>(&e)) return Ending::InvalidArgument;
  if (dynamic_cast<const std::logic_error*>(&e)) return Ending::LogicError;
  return Ending::RuntimeError;
}

/// What the other ranks do with the end: return the study, or throw what the coordinator threw.
inline Study finish(RunEnd end) {
  switch (end.ending) {
    case Ending::Study:
      return std::move(*end.study);
    case Ending::NoTrialCompleted:
      throw NoTrialCompleted(end.message, std::move(*end.study));
    case Ending::InvalidArgument:
      throw std::invalid_argument(end.message);
    case Ending::LogicError:
      throw std::logic_error(end.message);
    default:
      throw std::runtime_error(end.message);
  }
}

}  // namespace hpo::mpi::detail
