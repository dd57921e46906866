#pragma once
// Random search: independent draws, or a quasi-random design, over the unit cube.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/sampling/latin_hypercube.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// How RandomSearch spreads its points: independent uniform draws, a scrambled Sobol sequence, or
/// consecutive Latin hypercube blocks.
enum class Sampler { Uniform, Sobol, LatinHypercube };

/// Options of hpo::RandomSearch; designated initializers follow this order.
struct RandomSearchOptions {
  std::uint64_t seed = 0;
  Sampler sampler = Sampler::Uniform;
  /// Transfer from earlier studies: their best configurations are evaluated first, then a share
  /// 1 - warm_start.options().outside_fraction of the samples falls inside the sources' region.
  WarmStart warm_start{};
  /// Points per Latin hypercube block (Sampler::LatinHypercube), at most 2^20: each block of this
  /// many consecutive trials is stratified in every parameter.
  std::size_t latin_hypercube_block = 32;
};

/// Random search (Bergstra & Bengio, JMLR 2012): uniform in the encoded space, so a log parameter
/// is log-uniform. With a warm start, the sources' best configurations come first and most samples
/// fall in the region they span (Perrone et al., NeurIPS 2019). Trial k's point depends only on the seed and k, so the
/// same seed gives the same sequence on every platform, and a resumed study continues it exactly. Not thread-safe: one
/// object serves one thread (hpo::optimize asks from the calling thread only). Usage: `hpo::RandomSearch random({.seed
/// = 7, .sampler = hpo::Sampler::Sobol});`
class RandomSearch {
 public:
  explicit RandomSearch(RandomSearchOptions options = {}) : options_(std::move(options)) {
    if (options_.sampler != Sampler::Uniform && options_.sampler != Sampler::Sobol &&
        options_.sampler != Sampler::LatinHypercube)
      throw std::invalid_argument("hpo::RandomSearch: sampler = " + std::to_string(static_cast<int>(options_.sampler)) +
                                  " is not an hpo::Sampler");
    if (options_.latin_hypercube_block == 0 || options_.latin_hypercube_block > LatinHypercube::max_block_size)
      throw std::invalid_argument("hpo::RandomSearch: latin_hypercube_block must be in [1, " +
                                  std::to_string(LatinHypercube::max_block_size) + "], got " +
                                  std::to_string(options_.latin_hypercube_block));
  }

  std::optional<Config> ask(const Study& study);

  /// What the warm start holds, for the study's record (Study::ask stores it); nullopt when cold.
  std::optional<nlohmann::json> transfer_report() const {
    return options_.warm_start.report("random_search", {WarmStartPart::InitialPoints, WarmStartPart::Region});
  }

  const RandomSearchOptions& options() const noexcept { return options_; }

 private:
  Eigen::VectorXd point(std::uint64_t index, std::size_t dimensions);

  RandomSearchOptions options_;
  std::optional<Sobol> sobol_;
  std::optional<LatinHypercube> latin_;
  std::size_t latin_dimensions_ = 0;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/impl/random_search.ipp"
#endif
