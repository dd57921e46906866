#pragma once
// How the library's heavy bodies reach a program. Two modes, chosen by the build, not in code:
//
// - Header-only (the default): every header brings its bodies along. Nothing to link, but each
//   translation unit that includes hpo compiles the Gaussian process, L-BFGS-B, the journal's JSON
//   and the rest again.
// - Compiled: link the CMake target hpo::hpo_compiled instead of hpo::hpo. It defines
//   HPO_SEPARATE_COMPILATION for its users, and holds those bodies once, compiled from src/.
//   A translation unit that includes hpo then sees declarations only (bench/results/compile_time.md).
//
// Two kinds of body, two mechanisms (as asio and fmt do):
// - a non-template function lives in an `impl/*.ipp` file beside its header, marked HPO_INLINE.
//   The header includes it only in header-only mode; in compiled mode one file of src/ includes it,
//   and HPO_INLINE is empty there, so the library holds the one definition.
// - a class template with a closed set of arguments (GaussianProcess<kernel>) keeps its bodies in
//   its header, out of the class (in-class bodies are inline, which `extern template` does not
//   stop), and declares `extern template` for those arguments when HPO_EXTERN_TEMPLATES is set;
//   src/ instantiates them explicitly.

#if defined(HPO_SEPARATE_COMPILATION)
#define HPO_BODIES_IN_HEADERS 0
#define HPO_INLINE
#if defined(HPO_COMPILING_LIBRARY)
#define HPO_EXTERN_TEMPLATES 0
#else
#define HPO_EXTERN_TEMPLATES 1
#endif
#else
#define HPO_BODIES_IN_HEADERS 1
#define HPO_INLINE inline
#define HPO_EXTERN_TEMPLATES 0
#endif
