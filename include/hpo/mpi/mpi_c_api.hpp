#pragma once
// MPI's C API, which is all hpo::mpi uses. OpenMPI's and MPICH's <mpi.h> also pull in their
// deprecated C++ bindings unless told not to, and those warn under -Wextra (OpenMPI 4's
// op_inln.h: -Wcast-function-type), which breaks a user's -Werror build that names MPI's
// include directory with -I rather than -isystem. Asking for the C API alone avoids it; the C++
// bindings were removed from the standard in MPI-3.0.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>
