#pragma once
// A search space bound to the members of a user's own struct.

#include <concepts>
#include <functional>
#include <string>
#include <vector>

#include "hpo/space/search_space.hpp"

namespace hpo {

/// A SearchSpace whose parameters are bound to members of T, so that the objective can take a T.
/// Members not bound keep their default value. Unbound parameters may still be added (by name).
/// Usage:
///   struct Hyper { double lr; int units; std::string act; };
///   hpo::TypedSpace<Hyper> space;
///   space.add_real("lr", &Hyper::lr, 1e-5, 1e-1, hpo::Scale::Log)
///        .add_int("units", &Hyper::units, 16, 256)
///        .add_categorical("act", &Hyper::act, {"relu", "tanh"});
///   auto study = hpo::optimize(space, [](const Hyper& h) { return train(h); }, optimizer);
///   Hyper best = space.bind(study.best().config);
template <class T>
class TypedSpace : public SearchSpace {
  static_assert(std::default_initializable<T>, "hpo::TypedSpace<T>: T must be default-constructible");

 public:
  using value_type = T;
  using SearchSpace::add_categorical;
  using SearchSpace::add_int;
  using SearchSpace::add_real;

  template <std::floating_point M>
  TypedSpace& add_real(const std::string& name, M T::*member, double low, double high, Scale scale = Scale::Linear) {
    SearchSpace::add_real(name, low, high, scale);
    binders_.push_back([name, member](T& target, const Config& config) { target.*member = config.get<M>(name); });
    return *this;
  }

  template <std::integral M>
  requires(!std::same_as<M, bool>) TypedSpace& add_int(const std::string& name, M T::*member, std::int64_t low,
                                                       std::int64_t high, Scale scale = Scale::Linear) {
    if (!std::in_range<M>(low) || !std::in_range<M>(high))
      throw std::invalid_argument("hpo::TypedSpace: parameter \"" + name + "\": bounds [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "] do not fit the member's integer type");
    SearchSpace::add_int(name, low, high, scale);
    binders_.push_back([name, member](T& target, const Config& config) { target.*member = config.get<M>(name); });
    return *this;
  }

  TypedSpace& add_categorical(const std::string& name, std::string T::*member, std::vector<std::string> categories) {
    SearchSpace::add_categorical(name, std::move(categories));
    binders_.push_back(
        [name, member](T& target, const Config& config) { target.*member = config.get<std::string>(name); });
    return *this;
  }
  TypedSpace& add_categorical(const std::string& name, std::string T::*member,
                              std::initializer_list<const char*> categories) {
    return add_categorical(name, member, std::vector<std::string>(categories.begin(), categories.end()));
  }

  /// The struct holding a configuration's values in the bound members.
  T bind(const Config& config) const {
    T target{};
    for (const auto& binder : binders_) binder(target, config);
    return target;
  }

 private:
  std::vector<std::function<void(T&, const Config&)>> binders_;
};

namespace detail {
template <class S>
struct is_typed_space : std::false_type {};
template <class T>
struct is_typed_space<TypedSpace<T>> : std::true_type {};
}  // namespace detail

}  // namespace hpo
