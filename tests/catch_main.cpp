// The test programs' main(); Catch2's implementation is in catch_impl.cpp.
#include "catch_runner.hpp"

int main(int argc, char** argv) { return hpo_run_catch_session(argc, argv); }
