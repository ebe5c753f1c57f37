#pragma once
// PCA truncation folded into the weights: the result is an ordinary TinyVAE with latent k.

#include "common/result.h"
#include "latent/pcaprojection.h"
#include "model/tinyvae.h"

namespace pareto {

/// @brief Folds the projection `p` (from the model's own latent statistics) into
/// fc_mu / fc_logvar / decoder_input, giving a TinyVAE with latent k whose parameter count
/// is the formula's (31,073 + 12,290 k for 3 channels). Cheap (a few small matrix products,
/// float64, then float32): a latent slider can call it on the UI's worker per k.
///
/// With B = p.basis [L, k] and m = p.mean:
/// - mu' = B^T (mu - m):            fc_mu.weight' = B^T W_mu,  fc_mu.bias' = B^T (b_mu - m);
/// - decode(z') = decode(m + B z'): decoder_input.weight' = W_d B,  decoder_input.bias' = b_d + W_d m.
///   So decode'(encode'(x)) = decode(m + B B^T (mu - m)), exactly the original at k = L
///   (B orthogonal) up to float32 rounding.
/// - logvar: a posterior N(mu, diag(s^2)) maps to z' with variances sum_i B_ij^2 s_i^2, which
///   is not linear in logvar. We fold the linear surrogate logvar'_j = sum_i B_ij^2 logvar_i
///   (fc_logvar rows mixed by the squared basis, whose columns sum to 1): the log of the
///   weighted geometric mean of the variances, exact when a component is one latent axis and
///   otherwise a lower bound of the true log-variance (Jensen). Measurement uses mu only;
///   logvar matters for sampling and as the start of a distillation.
/// Every other tensor is deep-copied: the result shares no storage with `model`.
/// Errors: a projection whose L differs from the model's.
Result<TinyVae> foldPca(const TinyVae& model, const PcaProjection& p);

}  // namespace pareto
