// Catch2's runner for the MPI tests: MPI_Init first, and a failure on any rank fails every rank
// (so that mpiexec and CTest see it whichever rank's check failed). Catch2's implementation is in
// ../catch_impl.cpp.
#include "../catch_runner.hpp"

#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int failures = hpo_run_catch_session(argc, argv);
  int worst = 0;
  MPI_Allreduce(&failures, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst > 0 ? 1 : 0;
}
