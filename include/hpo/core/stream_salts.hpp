#pragma once
// The salts that give each consumer of a seed its own random stream. Named in one place so that no
// two consumers share a stream by accident, and so that changing one is a visible decision: each
// value is part of the "same seed, same configurations" promise.

#include <cstdint>

namespace hpo::detail::salt {

/// RandomSearch: whether a warm-started sample falls inside the sources' region (seed ^ salt).
inline constexpr std::uint64_t kRegionChoice = 0x00751DE5EEDULL;
/// BayesianOptimization: the uniform fallback when no candidate is new (seed ^ salt).
inline constexpr std::uint64_t kRandomFallback = 0x5EED5EEDULL;
/// BayesianOptimization: the seed of source GP i is seed + salt + i.
inline constexpr std::uint64_t kSourceModel = 0x50ULL;
/// BayesianOptimization: the RGPE bootstrap after n observations uses seed ^ (salt * n).
inline constexpr std::uint64_t kRankingWeights = 0x36E1ULL;
/// BayesianOptimization: the stream of the local candidates at trial k is salt + k.
inline constexpr std::uint64_t kLocalCandidates = 0xB0B0000ULL;
/// BayesianOptimization: the Sobol sweep at trial k is scrambled with seed + salt * (1 + k).
inline constexpr std::uint64_t kCandidateSweep = 0x9E37ULL;
/// hpo::transfer::ranking_weights: the stream of its bootstrap draws.
inline constexpr std::uint64_t kRankingDraws = 0x56E1647ULL;

}  // namespace hpo::detail::salt
