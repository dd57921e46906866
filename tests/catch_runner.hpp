// Runs Catch2's test session (defined in catch_impl.cpp, where Catch2's implementation is compiled):
// the plain and the MPI main() call it without parsing Catch2 again.
#pragma once

int hpo_run_catch_session(int argc, char** argv);
