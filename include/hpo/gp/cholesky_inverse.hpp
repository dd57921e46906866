#pragma once
// The inverse of a kernel matrix from its Cholesky factor, for the two places that need it
// explicitly: the gradient of the log marginal likelihood (tr(K⁻¹ ∂K/∂θ)) and leave-one-out
// predictions ([K⁻¹]_ii).

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::gp::detail {

/// L⁻¹ of a lower-triangular L (read from L's lower triangle only; the result's strict upper
/// triangle is zero). By blocks, [L₁₁ 0; L₂₁ L₂₂]⁻¹ = [X₁₁ 0; −X₂₂ L₂₁ X₁₁ X₂₂] with X₁₁ = L₁₁⁻¹ and
/// X₂₂ = L₂₂⁻¹ found the same way, down to blocks of 16, where column j solves L x = e_j, whose
/// first j entries vanish. n³/3 flops in all, where Eigen's solve against the identity does not
/// know the right-hand side is triangular and costs n³; the blocks' triangular matrix products
/// run faster than the column solves alone (bench/results/overhead.md).
HPO_INLINE void invert_lower_triangular(const Eigen::Ref<const Eigen::MatrixXd>& lower, Eigen::MatrixXd& inverse);

/// The lower triangle of K⁻¹ = L⁻ᵀ L⁻¹ for K = L Lᵀ, given L⁻¹ (from invert_lower_triangular);
/// the strict upper triangle of `inverse` is left zero. Column j below the diagonal is
/// (L⁻¹ restricted to rows and columns j..n−1)ᵀ times L⁻¹'s column j there: a triangular
/// matrix-vector product, n³/3 flops in all. Together with invert_lower_triangular this replaces
/// the two full triangular solves of K⁻¹ = K \ I (2n³ flops): bench/results/overhead.md.
HPO_INLINE void inverse_from_lower_inverse(const Eigen::MatrixXd& lower_inverse, Eigen::MatrixXd& inverse);

}  // namespace hpo::gp::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/gp/impl/cholesky_inverse.ipp"
#endif
