// Catch2's runner for the MPI tests: MPI_Init first, and a failure on any rank fails every rank
// (so that mpiexec and CTest see it whichever rank's check failed).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int failures = Catch::Session().run(argc, argv);
  int worst = 0;
  MPI_Allreduce(&failures, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst > 0 ? 1 : 0;
}
