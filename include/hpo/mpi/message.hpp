#pragma once
// The messages of a distributed run, packed with MPI_Pack (portable between ranks of different
// byte orders): a trial to evaluate, and what evaluating it gave.
//
//   trial:    number (uint64), reals (int32 count, doubles), integers and category indexes
//             (int32 count, int64s), each in the order of the search space: 8 bytes per parameter
//   outcome:  number (uint64), kind (int32: 1 evaluation, 0 error), then value (double) and
//             gradient (int32 count, doubles), or the error text (int32 length, chars)
//   stop:     empty

#include "hpo/mpi/mpi_c_api.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "hpo/mpi/runtime.hpp"
#include "hpo/optimize.hpp"
#include "hpo/space/search_space.hpp"

namespace hpo::mpi::detail {

template <class T>
MPI_Datatype datatype() {
  if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  if constexpr (std::is_same_v<T, std::int64_t>) return MPI_INT64_T;
  if constexpr (std::is_same_v<T, std::uint64_t>) return MPI_UINT64_T;
  if constexpr (std::is_same_v<T, std::int32_t>) return MPI_INT32_T;
  if constexpr (std::is_same_v<T, char>) return MPI_CHAR;
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> ||
                    std::is_same_v<T, std::int32_t> || std::is_same_v<T, char>,
                "hpo::mpi: no MPI datatype for this type");
}

/// Packs values into a buffer for one message. Not thread-safe.
/// Usage: `Packer p(comm); p.put(std::uint64_t{3}).put(values.data(), n); send(p.take());`
class Packer {
 public:
  explicit Packer(MPI_Comm comm) : comm_(comm) {}

  template <class T>
  Packer& put(const T* values, int count) {
    int size = 0;
    check(MPI_Pack_size(count, datatype<T>(), comm_, &size), "MPI_Pack_size");
    bytes_.resize(static_cast<std::size_t>(position_) + static_cast<std::size_t>(size));
    check(MPI_Pack(values, count, datatype<T>(), bytes_.data(), static_cast<int>(bytes_.size()), &position_, comm_),
          "MPI_Pack");
    return *this;
  }
  template <class T>
  Packer& put(T value) {
    return put(&value, 1);
  }
  template <class T>
  Packer& put_sized(const T* values, std::size_t count) {
    if (count > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 8))
      throw std::length_error("hpo::mpi: a message field of " + std::to_string(count) + " values is too long");
    const auto n = static_cast<std::int32_t>(count);
    return put(n).put(values, n);
  }

  std::vector<char> take() {
    bytes_.resize(static_cast<std::size_t>(position_));
    return std::move(bytes_);
  }

 private:
  MPI_Comm comm_;
  std::vector<char> bytes_;
  int position_ = 0;
};

/// Reads back what a Packer packed, in the same order; a count larger than the message could
/// hold is an error, not a read past its end. Not thread-safe.
/// Usage: `Unpacker u(comm, message.bytes); auto number = u.get<std::uint64_t>();`
class Unpacker {
 public:
  Unpacker(MPI_Comm comm, const std::vector<char>& bytes) : comm_(comm), bytes_(bytes) {}

  template <class T>
  void get(T* values, int count) {
    if (count < 0 || static_cast<std::size_t>(count) > bytes_.size())
      throw std::invalid_argument("hpo::mpi: a message announces " + std::to_string(count) + " values in " +
                                  std::to_string(bytes_.size()) + " bytes");
    if (count == 0) return;
    check(MPI_Unpack(bytes_.data(), static_cast<int>(bytes_.size()), &position_, values, count, datatype<T>(), comm_),
          "MPI_Unpack");
  }
  template <class T>
  T get() {
    T value{};
    get(&value, 1);
    return value;
  }
  template <class T>
  std::vector<T> get_sized() {
    const auto count = get<std::int32_t>();
    if (count < 0 || static_cast<std::size_t>(count) > bytes_.size())
      throw std::invalid_argument("hpo::mpi: a message announces " + std::to_string(count) + " values in " +
                                  std::to_string(bytes_.size()) + " bytes");
    std::vector<T> values(static_cast<std::size_t>(count));
    get(values.data(), count);
    return values;
  }

 private:
  MPI_Comm comm_;
  const std::vector<char>& bytes_;
  int position_ = 0;
};

/// A trial to evaluate: its number and configuration. The configuration travels as numbers in the
/// space's order (every rank holds the same space: the agreement check made sure).
inline std::vector<char> encode_trial(std::size_t number, const Config& config, const SearchSpace& space,
                                      MPI_Comm comm) {
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  for (const auto& parameter : space.parameters()) {
    const Value& value = config.value(parameter.name);
    if (parameter.kind == ParameterKind::Real) {
      reals.push_back(std::get<double>(value));
    } else if (parameter.kind == ParameterKind::Integer) {
      integers.push_back(std::get<std::int64_t>(value));
    } else {
      const auto& categories = parameter.categories;
      const auto found = std::find(categories.begin(), categories.end(), std::get<std::string>(value));
      integers.push_back(static_cast<std::int64_t>(found - categories.begin()));
    }
  }
  Packer packer(comm);
  packer.put(static_cast<std::uint64_t>(number));
  packer.put_sized(reals.data(), reals.size()).put_sized(integers.data(), integers.size());
  return packer.take();
}

/// The trial encode_trial() packed (number and validated configuration); std::invalid_argument
/// when it does not fit `space`.
inline Trial decode_trial(const std::vector<char>& bytes, const SearchSpace& space, MPI_Comm comm) {
  Unpacker unpacker(comm, bytes);
  Trial trial;
  trial.number = static_cast<std::size_t>(unpacker.get<std::uint64_t>());
  const auto reals = unpacker.get_sized<double>();
  const auto integers = unpacker.get_sized<std::int64_t>();
  std::size_t next_real = 0, next_integer = 0;
  for (const auto& parameter : space.parameters()) {
    const bool real = parameter.kind == ParameterKind::Real;
    if (real ? next_real >= reals.size() : next_integer >= integers.size())
      throw std::invalid_argument("hpo::mpi: trial " + std::to_string(trial.number) + "'s message lacks parameter \"" +
                                  parameter.name + "\"");
    if (real) {
      trial.config.set(parameter.name, Value(reals[next_real++]));
    } else if (parameter.kind == ParameterKind::Integer) {
      trial.config.set(parameter.name, Value(integers[next_integer++]));
    } else {
      const std::int64_t index = integers[next_integer++];
      if (index < 0 || static_cast<std::size_t>(index) >= parameter.categories.size())
        throw std::invalid_argument("hpo::mpi: trial " + std::to_string(trial.number) + "'s parameter \"" +
                                    parameter.name + "\" has category index " + std::to_string(index));
      trial.config.set(parameter.name, Value(parameter.categories[static_cast<std::size_t>(index)]));
    }
  }
  if (next_real != reals.size() || next_integer != integers.size())
    throw std::invalid_argument("hpo::mpi: trial " + std::to_string(trial.number) + "'s message holds " +
                                std::to_string(reals.size() + integers.size()) + " values for " +
                                std::to_string(space.size()) + " parameters");
  space.validate(trial.config);
  return trial;
}

/// What evaluating a trial gave: the value and gradient, or the error text.
inline std::vector<char> encode_outcome(const hpo::detail::EvaluationOutcome& outcome, MPI_Comm comm) {
  Packer packer(comm);
  packer.put(static_cast<std::uint64_t>(outcome.number));
  packer.put(static_cast<std::int32_t>(outcome.evaluation ? 1 : 0));
  if (outcome.evaluation) {
    const Eigen::VectorXd& gradient = outcome.evaluation->gradient;
    packer.put(outcome.evaluation->value).put_sized(gradient.data(), static_cast<std::size_t>(gradient.size()));
  } else {
    packer.put_sized(outcome.error.data(), outcome.error.size());
  }
  return packer.take();
}

/// The outcome encode_outcome() packed.
inline hpo::detail::EvaluationOutcome decode_outcome(const std::vector<char>& bytes, MPI_Comm comm) {
  Unpacker unpacker(comm, bytes);
  hpo::detail::EvaluationOutcome outcome;
  outcome.number = static_cast<std::size_t>(unpacker.get<std::uint64_t>());
  if (unpacker.get<std::int32_t>() != 0) {
    Evaluation evaluation;
    evaluation.value = unpacker.get<double>();
    const auto gradient = unpacker.get_sized<double>();
    evaluation.gradient =
        Eigen::Map<const Eigen::VectorXd>(gradient.data(), static_cast<Eigen::Index>(gradient.size()));
    outcome.evaluation = std::move(evaluation);
  } else {
    const auto error = unpacker.get_sized<char>();
    outcome.error.assign(error.begin(), error.end());
  }
  return outcome;
}

}  // namespace hpo::mpi::detail
