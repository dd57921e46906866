// Catch2's implementation, compiled once for every test program: the plain runner (catch_main.cpp)
// and the MPI one (mpi/mpi_catch_main.cpp) each add only a main() that calls the session.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_runner.hpp"

int hpo_run_catch_session(int argc, char** argv) { return Catch::Session().run(argc, argv); }
