// SPDX-License-Identifier: Apache-2.0
#pragma once
// Named round-trip error budgets per scheme and bit width, checked by the tests
// (tests/core/quant/tst_tensorquantizer.cpp). They are promises about the kernels, not
// about model quality: a kernel change that breaks one is a bug or needs a reason.

#include "quant/quantscheme.h"

namespace pareto {

/// Symmetric min-max integers: every |w - deq| <= kMaxAbsErrorSteps * stored scale, plus
/// float rounding (kFloatSlack * max|w|). The clamp at +-qmax costs at most max|w| * 2^-11
/// (FP16 scale rounding), well inside half a step.
inline constexpr double kMaxAbsErrorSteps = 0.5;
inline constexpr double kFloatSlack = 1e-6;

/// Asymmetric min-max integers: the zero-point rounding shifts the grid by up to half a
/// step and FP16 rounding can shrink its (2^b - 1) steps by 2^-11 relative, so the ends of
/// the range may miss by (2^b - 1) * 2^-11 steps more.
inline constexpr double asymmetricMaxAbsErrorSteps(int bits) { return 0.5 + ((1 << bits) - 1) / 2048.0; }

/// NF4: half the widest gap of the code book (-1.0 .. -0.6961928) times the block absmax.
inline constexpr double kNf4MaxAbsErrorOfAbsmax = 0.5 * (1.0 - 0.6961928009986877);

/// Relative RMS error ||w - deq|| / ||w|| on Gaussian weights (64 rows x 1024, the shape of
/// a small Linear layer), min-max, FP16 scales, by bit width (index = bits; 0/1 unused).
/// The measured values (seeded N(0, 0.05^2)) are about 87 % of these: a 15 % margin.
/// Each extra bit halves the error; INT2 symmetric has only {-1, 0, +1} steps.
inline constexpr double kRelRmsBudgetPerChannel[9] = {0, 0, 0.95, 0.37, 0.16, 0.075, 0.036, 0.018, 0.0089};
inline constexpr double kRelRmsBudgetGroup64[9] = {0, 0, 0.82, 0.29, 0.124, 0.058, 0.028, 0.0137, 0.0068};
inline constexpr double kRelRmsBudgetAsymPerChannel[9] = {0, 0, 0.71, 0.31, 0.142, 0.069, 0.034, 0.0168, 0.0084};
inline constexpr double kRelRmsBudgetNf4 = 0.105;      // between INT4 g64 and INT5
inline constexpr double kRelRmsBudgetTernary = 0.59;   // absmean scale, per channel
/// Casts: FP16 keeps 11 significant bits, BF16 8.
inline constexpr double kRelRmsBudgetFp16 = 3e-4;
inline constexpr double kRelRmsBudgetBf16 = 2.3e-3;

}  // namespace pareto
