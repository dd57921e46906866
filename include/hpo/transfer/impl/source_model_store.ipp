#pragma once
// Bodies of source_model_store.hpp; see core/linkage.hpp.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/study/journal_lock.hpp"
#include "hpo/transfer/source_model_store.hpp"

namespace hpo::transfer {

namespace detail {

inline constexpr int kSourceModelFormat = 1;

inline std::string fingerprint_hex(std::uint64_t fingerprint) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fingerprint));
  return hex;
}

inline nlohmann::json source_model_key(std::uint64_t fingerprint, int kernel, bool robust) {
  return {{"hpo_source_model", kSourceModelFormat},
          {"fingerprint", fingerprint_hex(fingerprint)},
          {"kernel", kernel},
          {"robust", robust}};
}

}  // namespace detail

HPO_INLINE std::filesystem::path SourceModelStore::file(std::uint64_t fingerprint, int kernel, bool robust) const {
  return directory_ / ("source-model-" + detail::fingerprint_hex(fingerprint) + "-k" + std::to_string(kernel) + "-" +
                       (robust ? "r" : "p") + ".json");
}

HPO_INLINE std::optional<Eigen::VectorXd> SourceModelStore::load(std::uint64_t fingerprint, int kernel, bool robust,
                                                                 Eigen::Index size) const {
  std::ifstream in(file(fingerprint, kernel, robust));
  if (!in) return std::nullopt;
  const nlohmann::json stored = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!stored.is_object()) return std::nullopt;
  const nlohmann::json key = detail::source_model_key(fingerprint, kernel, robust);
  for (const auto& [name, value] : key.items())
    if (!stored.contains(name) || stored[name] != value) return std::nullopt;
  const auto values = stored.find("log_hyperparameters");
  if (values == stored.end() || !values->is_array() || static_cast<Eigen::Index>(values->size()) != size)
    return std::nullopt;
  Eigen::VectorXd result(size);
  for (Eigen::Index i = 0; i < size; ++i) {
    const auto& value = (*values)[static_cast<std::size_t>(i)];
    if (!value.is_number() || !std::isfinite(value.get<double>())) return std::nullopt;
    result[i] = value.get<double>();
  }
  return result;
}

HPO_INLINE std::string SourceModelStore::save(std::uint64_t fingerprint, int kernel, bool robust,
                                              const Eigen::VectorXd& log_hyperparameters) const {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) return "cannot create the folder: " + error.message();
  nlohmann::json stored = detail::source_model_key(fingerprint, kernel, robust);
  stored["log_hyperparameters"] = std::vector<double>(log_hyperparameters.begin(), log_hyperparameters.end());
  const std::filesystem::path target = file(fingerprint, kernel, robust);
  std::filesystem::path temporary = target;
  temporary += ".new." + hpo::detail::random_token();
  {
    std::ofstream out(temporary, std::ios::trunc);
    // nlohmann's number output round-trips every double, so a loaded model is the fitted one.
    out << stored.dump() << '\n';
    out.close();
    if (!out) {
      std::filesystem::remove(temporary, error);
      return "cannot write " + temporary.string();
    }
  }
  std::filesystem::rename(temporary, target, error);
  if (error) {
    const std::string why = "cannot rename into " + target.string() + ": " + error.message();
    std::filesystem::remove(temporary, error);
    return why;
  }
  return {};
}

}  // namespace hpo::transfer
