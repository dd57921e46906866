#pragma once
// The MPI library's state as hpo::mpi needs it: initialized and not yet finalized, and MPI error
// codes turned into exceptions.

#include "hpo/mpi/mpi_c_api.hpp"

#include <stdexcept>
#include <string>

namespace hpo::mpi::detail {

/// Throws std::runtime_error naming the call and MPI's own words for `code` unless it is
/// MPI_SUCCESS. (With MPI's default error handler, MPI_ERRORS_ARE_FATAL, a failing call ends the
/// job before returning; this matters when the user installed MPI_ERRORS_RETURN.)
inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw std::runtime_error(
      std::string("hpo::mpi: ") + call + " failed: " +
      (length > 0 ? std::string(text, static_cast<std::size_t>(length)) : "MPI error code " + std::to_string(code)));
}

/// Throws std::logic_error saying so when MPI is not initialized yet, or already finalized, and
/// std::invalid_argument when `comm` is MPI_COMM_NULL: the mistakes a program can make before any
/// message is sent, detected on each rank alone.
inline void require_running(MPI_Comm comm, const char* who) {
  int initialized = 0, finalized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  check(MPI_Finalized(&finalized), "MPI_Finalized");
  if (finalized)
    throw std::logic_error(std::string(who) +
                           ": MPI is already finalized (MPI_Finalize was called); call it after the search");
  if (!initialized)
    throw std::logic_error(std::string(who) +
                           ": MPI is not initialized: call MPI_Init(&argc, &argv) (or MPI_Init_thread) first");
  if (comm == MPI_COMM_NULL) throw std::invalid_argument(std::string(who) + ": comm is MPI_COMM_NULL");
}

}  // namespace hpo::mpi::detail
