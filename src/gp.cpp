// Compiled mode (include/hpo/core/linkage.hpp): the Gaussian processes of include/hpo/gp/, one per kernel.
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/impl/cholesky_inverse.ipp"
#include "hpo/gp/impl/hyperparameter_fit.ipp"
#include "hpo/gp/impl/jittered_cholesky.ipp"

namespace hpo::gp {
template class GaussianProcess<SelectedKernel>;
template class GaussianProcess<Matern52>;
template class GaussianProcess<Matern32>;
template class GaussianProcess<SquaredExponential>;
}  // namespace hpo::gp
