#pragma once
// Bodies of warm_start.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/source_agreement.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

HPO_INLINE const char* to_string(WarmStartPart part) noexcept {
  switch (part) {
    case WarmStartPart::InitialPoints:
      return "initial_points";
    case WarmStartPart::Region:
      return "region";
    case WarmStartPart::Surrogate:
      return "surrogate";
    case WarmStartPart::SourceBasis:
      return "source_basis";
    default:
      return "hyperparameter_prior";
  }
}

HPO_INLINE WarmStart WarmStart::from(const std::vector<Study>& sources, const SearchSpace& target,
                                     WarmStartOptions options) {
  if (sources.empty()) throw std::invalid_argument("hpo::WarmStart::from: no source study given");
  validate(options);
  WarmStart warm;
  warm.target_ = target;
  warm.options_ = options;
  std::string reasons;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    try {
      warm.sources_.push_back(match(sources[s], s, target));
    } catch (const std::invalid_argument& e) {
      warm.left_out_.push_back({origin_of(sources[s], s), e.what()});
      reasons += (reasons.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  if (warm.sources_.empty())
    throw std::invalid_argument("hpo::WarmStart::from: no source study matches the target space: " + reasons);
  warm.link_sources();
  if (options.use_initial_points) warm.pick_initial_points();
  warm.build_region();
  warm.description_ = warm.build_description();
  return warm;
}

HPO_INLINE std::optional<Config> WarmStart::next_initial_point(const Study& study) const {
  // Initial points are asked first, so each is usually found among the first trials.
  const auto in_study = [&](const Config& point) {
    const auto& trials = study.trials();
    return std::any_of(trials.begin(), trials.end(), [&](const Trial& trial) { return trial.config == point; });
  };
  for (std::size_t i = 0; i < probes_; ++i)
    if (!in_study(initial_points_[i])) return initial_points_[i];
  const std::span<const Config> planned_rest(initial_points_.begin() + static_cast<std::ptrdiff_t>(probes_),
                                             initial_points_.end());
  const auto winner = best_probe(study);
  const std::span<const Config> rest = winner ? std::span<const Config>(follow_ups_[*winner]) : planned_rest;
  const auto next = std::find_if(rest.begin(), rest.end(), [&](const Config& point) { return !in_study(point); });
  // Once every point is asked, the loops above find each among the first trials; only while one
  // is missing does the count below read every trial, for each planned point not asked.
  if (next == rest.end()) return std::nullopt;
  // Points of the planned rest that were asked while a probe was running count too.
  std::size_t asked = 0;
  for (const auto& point : planned_rest) asked += in_study(point);
  for (const auto& point : rest)
    if (std::find(planned_rest.begin(), planned_rest.end(), point) == planned_rest.end()) asked += in_study(point);
  if (asked >= planned_rest.size()) return std::nullopt;
  return *next;
}

HPO_INLINE std::optional<std::size_t> WarmStart::best_probe(const Study& study) const {
  if (probes_ < 2) return std::nullopt;
  std::optional<std::size_t> best;
  double best_loss = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < probes_; ++i) {
    const auto& trials = study.trials();
    const auto trial = std::find_if(trials.begin(), trials.end(),
                                    [&](const Trial& t) { return t.config == initial_points_[i]; });
    if (trial == trials.end() || trial->running()) return std::nullopt;
    if (!trial->completed()) continue;  // failed or pruned: no evidence for its cluster
    const double loss = lower_is_better(trial->value, study.direction());
    if (loss < best_loss) {
      best_loss = loss;
      best = i;
    }
  }
  return best;
}

HPO_INLINE std::vector<Config> WarmStart::points_after_probes(std::size_t cluster,
                                                              const std::vector<std::size_t>& clusters) const {
  std::vector<Eigen::VectorXd> chosen;
  for (std::size_t i = 0; i < probes_; ++i) chosen.push_back(target_.to_unit(initial_points_[i]));
  const auto probes_end = clusters.begin() + static_cast<std::ptrdiff_t>(probes_);
  std::vector<const Config*> candidates;
  for (const auto& s : sources_)
    if (s.cluster == cluster) candidates.push_back(&s.configs.front());
  std::size_t cluster_count = 0;
  for (const auto& s : sources_) cluster_count = std::max(cluster_count, s.cluster + 1);
  for (std::size_t c = 0; c < cluster_count; ++c) {
    if (std::find(clusters.begin(), probes_end, c) != probes_end) continue;
    const auto first = std::find_if(sources_.begin(), sources_.end(), [&](const Source& s) { return s.cluster == c; });
    if (first != sources_.end()) candidates.push_back(&first->configs.front());
  }
  for (std::size_t i = probes_; i < initial_points_.size(); ++i) candidates.push_back(&initial_points_[i]);
  std::vector<Config> rest;
  for (const Config* candidate : candidates) {
    if (rest.size() + probes_ >= initial_points_.size()) break;
    const Eigen::VectorXd u = target_.to_unit(*candidate);
    if (std::any_of(chosen.begin(), chosen.end(),
                    [&](const Eigen::VectorXd& c) { return (c - u).norm() < options_.min_distance || c == u; }))
      continue;
    chosen.push_back(u);
    rest.push_back(*candidate);
  }
  return rest;
}

HPO_INLINE bool WarmStart::region_contains(const Config& config) const {
  target_.validate(config);
  for (std::size_t i = 0; i < target_.size(); ++i)
    if (region_side(i, config.value(target_[i].name)) != 0) return false;
  return true;
}

HPO_INLINE int WarmStart::region_side(std::size_t parameter, const Value& value) const {
  const auto& p = target_[parameter];
  if (auto problem = p.check(value); !problem.empty()) throw std::invalid_argument("hpo::WarmStart: " + problem);
  const auto i = static_cast<Eigen::Index>(parameter);
  if (p.kind == ParameterKind::Categorical) {
    const auto& allowed = categories_[parameter];
    return std::find(allowed.begin(), allowed.end(), std::get<std::string>(value)) == allowed.end() ? 1 : 0;
  }
  const double u = p.to_unit(value);
  return u < lower_[i] - 1e-12 ? -1 : u > upper_[i] + 1e-12 ? 1 : 0;
}

HPO_INLINE double WarmStart::region_log_prior(const Eigen::VectorXd& u, Eigen::VectorXd* gradient) const {
  check_unit_point(u, "region_log_prior");
  double log_prior = 0.0;
  const double width = options_.region_prior_width;
  for (std::size_t i = 0; i < target_.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    const auto& p = target_[i];
    if (p.kind == ParameterKind::Categorical) {
      const auto& allowed = categories_[i];
      const auto& category = p.categories[detail::cell_index(u[k], p.categories.size())];
      if (std::find(allowed.begin(), allowed.end(), category) == allowed.end()) log_prior -= 1.0;
      continue;
    }
    const double below = lower_[k] - u[k], above = u[k] - upper_[k];
    if (below > 0.0) {
      log_prior -= 0.5 * below * below / (width * width);
      if (gradient) (*gradient)[k] += below / (width * width);
    } else if (above > 0.0) {
      log_prior -= 0.5 * above * above / (width * width);
      if (gradient) (*gradient)[k] -= above / (width * width);
    }
  }
  return log_prior;
}

HPO_INLINE std::optional<nlohmann::json> WarmStart::report(const std::string& optimizer,
                                                           std::initializer_list<WarmStartPart> parts_used) const {
  if (empty()) return std::nullopt;
  nlohmann::json record = description_;
  record["optimizer"] = optimizer;
  nlohmann::json parts = nlohmann::json::array();
  for (const WarmStartPart part : kAllParts)
    if (switched_on(options_, part) && std::find(parts_used.begin(), parts_used.end(), part) != parts_used.end())
      parts.push_back(to_string(part));
  record["parts"] = std::move(parts);
  return record;
}

HPO_INLINE Config WarmStart::sample_in_region(const Eigen::VectorXd& u) const {
  check_unit_point(u, "sample_in_region");
  Config config;
  for (std::size_t i = 0; i < target_.size(); ++i) {
    const auto& p = target_[i];
    const auto k = static_cast<Eigen::Index>(i);
    if (p.kind == ParameterKind::Categorical) {
      const auto& allowed = categories_[i];
      config.set(p.name, Value(allowed[detail::cell_index(u[k], allowed.size())]));
    } else {
      config.set(p.name, p.from_unit(lower_[k] + u[k] * (upper_[k] - lower_[k])));
    }
  }
  return config;
}

HPO_INLINE void WarmStart::check_unit_point(const Eigen::VectorXd& u, const char* function) const {
  if (u.size() != static_cast<Eigen::Index>(target_.size()))
    throw std::invalid_argument(std::string("hpo::WarmStart::") + function + ": got " + std::to_string(u.size()) +
                                " coordinates for " + std::to_string(target_.size()) + " parameters");
  for (std::size_t i = 0; i < target_.size(); ++i) target_[i].check_unit(u[static_cast<Eigen::Index>(i)]);
}

HPO_INLINE bool WarmStart::switched_on(const WarmStartOptions& options, WarmStartPart part) noexcept {
  switch (part) {
    case WarmStartPart::InitialPoints:
      return options.use_initial_points;
    case WarmStartPart::Region:
      return options.use_region;
    case WarmStartPart::Surrogate:
      return options.use_surrogate;
    case WarmStartPart::SourceBasis:
      return options.use_source_basis;
    default:
      return options.use_hyperparameter_prior;
  }
}

HPO_INLINE nlohmann::json WarmStart::build_description() const {
  nlohmann::json record{{"kind", "warm_start"}};
  record["sources"] = nlohmann::json::array();
  for (const auto& s : sources_)
    record["sources"].push_back({{"origin", s.origin},
                                 {"trials", s.configs.size()},
                                 {"dropped", s.dropped},
                                 {"cluster", s.cluster},
                                 {"support", s.support}});
  if (!left_out_.empty()) {
    record["left_out"] = nlohmann::json::array();
    for (const auto& l : left_out_) record["left_out"].push_back({{"origin", l.origin}, {"reason", l.reason}});
  }
  record["parts"] = nlohmann::json::array();
  for (const WarmStartPart part : kAllParts)
    if (switched_on(options_, part)) record["parts"].push_back(to_string(part));
  record["initial_points"] = initial_points_.size();
  if (probes_ > 1) record["initial_probes"] = probes_;  // the rest follow the probes (next_initial_point)
  if (options_.use_region) {
    nlohmann::json region = nlohmann::json::object();
    for (std::size_t i = 0; i < target_.size(); ++i) {
      const auto& p = target_[i];
      const auto k = static_cast<Eigen::Index>(i);
      if (p.kind == ParameterKind::Categorical) {
        region[p.name] = categories_[i];
      } else {
        const auto as_json = [](const Value& v) {
          return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
        };
        region[p.name] = {as_json(p.from_unit(lower_[k])), as_json(p.from_unit(upper_[k]))};
      }
    }
    record["region"] = std::move(region);
  }
  return record;
}

HPO_INLINE void WarmStart::validate(const WarmStartOptions& o) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::WarmStart::from: " + what); };
  const auto number = [](double x) { return detail::format_value(x); };
  if (!(o.min_distance >= 0.0) || !std::isfinite(o.min_distance))
    fail("min_distance must be finite and >= 0, got " + number(o.min_distance));
  if (o.use_region && o.region_top == 0)
    fail("region_top must be at least 1, got 0 (an empty region; switch the region off with use_region = false)");
  if (!(o.region_margin >= 0.0 && o.region_margin <= 1.0))
    fail("region_margin must be in [0, 1], got " + number(o.region_margin));
  if (!(o.outside_fraction >= 0.0 && o.outside_fraction <= 1.0))
    fail("outside_fraction must be in [0, 1], got " + number(o.outside_fraction));
  if (!(o.region_prior_strength >= 0.0) || !std::isfinite(o.region_prior_strength))
    fail("region_prior_strength must be finite and >= 0, got " + number(o.region_prior_strength));
  if (!(o.region_prior_width > 0.0) || !std::isfinite(o.region_prior_width))
    fail("region_prior_width must be positive and finite, got " + number(o.region_prior_width));
  if (!std::isfinite(o.source_basis_min_log_bayes_factor))
    fail("source_basis_min_log_bayes_factor must be finite, got " + number(o.source_basis_min_log_bayes_factor));
  if (o.max_sources == 0) fail("max_sources must be at least 1, got 0");
  if (!(o.expected_related_sources >= 1.0) || !std::isfinite(o.expected_related_sources))
    fail("expected_related_sources must be finite and >= 1, got " + number(o.expected_related_sources));
}

HPO_INLINE void WarmStart::link_sources() {
  std::vector<Eigen::MatrixXd> points;
  std::vector<Eigen::VectorXd> values;
  for (const auto& s : sources_) {
    std::vector<std::size_t> rows;
    const std::size_t count = s.configs.size();
    for (std::size_t r = 0; r < std::min<std::size_t>(count, 50); ++r) rows.push_back(r);
    if (count > 100) {
      for (std::size_t r = 0; r < 50; ++r) rows.push_back(50 + r * (count - 50) / 50);
    } else {
      for (std::size_t r = 50; r < count; ++r) rows.push_back(r);
    }
    Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(target_.size()));
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      X.row(static_cast<Eigen::Index>(r)) = target_.to_unit(s.configs[rows[r]]).transpose();
      y[static_cast<Eigen::Index>(r)] = s.values[rows[r]];
    }
    points.push_back(std::move(X));
    values.push_back(std::move(y));
  }
  const auto agreement = transfer::source_agreement(points, values);
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    sources_[i].cluster = agreement.cluster[i];
    sources_[i].support = agreement.support[i];
  }
  if (sources_.size() <= options_.max_sources) return;
  std::vector<std::size_t> order(sources_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sources_[a].support > sources_[b].support; });
  std::vector<bool> keep(sources_.size(), false);
  for (std::size_t r = 0; r < options_.max_sources; ++r) keep[order[r]] = true;
  std::vector<Source> kept;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (keep[i]) {
      kept.push_back(std::move(sources_[i]));
    } else {
      left_out_.push_back({sources_[i].origin, "beyond max_sources = " + std::to_string(options_.max_sources) +
                                                   " (agrees with " + std::to_string(sources_[i].support) +
                                                   " other sources)"});
    }
  }
  sources_ = std::move(kept);
}

HPO_INLINE WarmStart::Source WarmStart::match(const Study& source, std::size_t index, const SearchSpace& target) {
  const std::string which = "hpo::WarmStart: source #" + std::to_string(index) +
                            (source.origin().empty() ? "" : " (" + source.origin() + ")");
  std::size_t shared = 0;
  for (const auto& p : target.parameters()) {
    if (!source.space().contains(p.name)) continue;
    const auto& theirs = source.space().parameter(p.name);
    if (theirs.kind != p.kind)
      throw std::invalid_argument(which + ": parameter \"" + p.name + "\" is " + to_string(theirs.kind) +
                                  " in the source but " + to_string(p.kind) + " in the target");
    ++shared;
  }
  if (shared == 0) throw std::invalid_argument(which + " shares no parameter with the target space");
  if (source.completed_count() == 0) throw std::invalid_argument(which + " has no completed trial");

  std::vector<const Trial*> completed;
  for (const auto& trial : source.trials())
    if (trial.completed()) completed.push_back(&trial);
  std::stable_sort(completed.begin(), completed.end(),
                   [&](const Trial* a, const Trial* b) { return source.better(a->value, b->value); });
  Source matched;
  matched.origin = origin_of(source, index);
  for (const Trial* trial : completed) {
    Config config;
    bool keep = true;
    for (const auto& p : target.parameters()) {
      if (!trial->config.contains(p.name)) {
        config.set(p.name, p.from_unit(0.5));
        continue;
      }
      const Value& v = trial->config.value(p.name);
      if (p.kind == ParameterKind::Real) {
        config.set(p.name, Value(std::clamp(std::get<double>(v), p.low, p.high)));
      } else if (p.kind == ParameterKind::Integer) {
        config.set(p.name, Value(static_cast<std::int64_t>(
                               std::clamp(static_cast<double>(std::get<std::int64_t>(v)), p.low, p.high))));
      } else if (p.category_index(std::get<std::string>(v)) == p.categories.size()) {
        keep = false;
        break;
      } else {
        config.set(p.name, v);
      }
    }
    if (!keep) {
      ++matched.dropped;
      continue;
    }
    matched.configs.push_back(std::move(config));
    matched.values.push_back(source.direction() == Direction::Minimize ? trial->value : -trial->value);
  }
  if (matched.configs.empty())
    throw std::invalid_argument(which + ": every completed trial uses a category the target lacks");
  matched.fingerprint = fingerprint(matched, target);
  return matched;
}

HPO_INLINE std::uint64_t WarmStart::fingerprint(const Source& source, const SearchSpace& target) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto mix = [&](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
  };
  const std::string header = detail::header_to_json(target, Direction::Minimize).dump();
  mix(header.data(), header.size());
  for (std::size_t r = 0; r < source.configs.size(); ++r) {
    const Eigen::VectorXd u = target.to_unit(source.configs[r]);
    mix(u.data(), static_cast<std::size_t>(u.size()) * sizeof(double));
    mix(&source.values[r], sizeof(double));
  }
  return hash;
}

HPO_INLINE void WarmStart::pick_initial_points() {
  std::vector<Eigen::VectorXd> chosen;
  const auto far_enough = [&](const Eigen::VectorXd& u) {
    for (const auto& c : chosen)
      if ((c - u).norm() < options_.min_distance) return false;
    return true;
  };
  std::size_t clusters = 0, longest = 0;
  for (const auto& s : sources_) {
    clusters = std::max(clusters, s.cluster + 1);
    longest = std::max(longest, s.configs.size());
  }
  // Each cluster's candidates in merge order, consumed from the front.
  std::vector<std::vector<const Config*>> queue(clusters);
  for (std::size_t rank = 0; rank < longest; ++rank)
    for (const auto& s : sources_)
      if (rank < s.configs.size()) queue[s.cluster].push_back(&s.configs[rank]);
  std::vector<std::size_t> next(clusters, 0);
  std::vector<std::size_t> initial_clusters;  // the cluster each initial point came from
  bool any = true;
  while (any && initial_points_.size() < options_.initial_points) {
    any = false;
    for (std::size_t c = 0; c < clusters && initial_points_.size() < options_.initial_points; ++c) {
      // One candidate per cluster per round, taken or skipped: with single-source clusters this
      // is exactly the rank-by-rank merge.
      if (next[c] >= queue[c].size()) continue;
      any = true;
      const Config& candidate = *queue[c][next[c]++];
      const Eigen::VectorXd u = target_.to_unit(candidate);
      if (!far_enough(u)) continue;
      chosen.push_back(u);
      initial_points_.push_back(candidate);
      initial_clusters.push_back(c);
    }
  }
  // One probe per cluster, at most half the points (rounded up): the rest follow the probes' results.
  const std::size_t half = (initial_points_.size() + 1) / 2;
  const auto probes_end = [&] { return initial_clusters.begin() + static_cast<std::ptrdiff_t>(probes_); };
  while (probes_ < std::min(initial_points_.size(), half) &&
         std::find(initial_clusters.begin(), probes_end(), initial_clusters[probes_]) == probes_end())
    ++probes_;
  if (probes_ < 2) return;
  for (std::size_t i = 0; i < probes_; ++i)
    follow_ups_.push_back(points_after_probes(initial_clusters[i], initial_clusters));
}

HPO_INLINE void WarmStart::build_region() {
  const auto d = static_cast<Eigen::Index>(target_.size());
  if (!options_.use_region) {
    lower_ = Eigen::VectorXd::Zero(d);
    upper_ = Eigen::VectorXd::Ones(d);
    categories_.assign(target_.size(), {});
    for (std::size_t i = 0; i < target_.size(); ++i) categories_[i] = target_[i].categories;
    return;
  }
  lower_ = Eigen::VectorXd::Constant(d, 1.0);
  upper_ = Eigen::VectorXd::Constant(d, 0.0);
  categories_.assign(target_.size(), {});
  for (const auto& s : sources_) {
    for (std::size_t r = 0; r < std::min(options_.region_top, s.configs.size()); ++r) {
      const Eigen::VectorXd u = target_.to_unit(s.configs[r]);
      lower_ = lower_.cwiseMin(u);
      upper_ = upper_.cwiseMax(u);
      for (std::size_t i = 0; i < target_.size(); ++i) {
        if (target_[i].kind != ParameterKind::Categorical) continue;
        const auto category = s.configs[r].get<std::string>(target_[i].name);
        auto& seen = categories_[i];
        if (std::find(seen.begin(), seen.end(), category) == seen.end()) seen.push_back(category);
      }
    }
  }
  lower_ = (lower_.array() - options_.region_margin).max(0.0);
  upper_ = (upper_.array() + options_.region_margin).min(1.0);
}

HPO_INLINE void check_warm_start_space(const WarmStart& warm, const SearchSpace& space, const char* who) {
  if (auto difference = warm.target().difference(space); !difference.empty())
    throw std::invalid_argument(std::string(who) +
                                ": the warm start was built for another search space: " + difference);
}

}  // namespace hpo
