// SPDX-License-Identifier: Apache-2.0
#pragma once
// Quantization flags shared by the CLI commands (eval now; sweep/export later).

#include "args.h"

#include "common/result.h"
#include "quant/quantplan.h"

#include <optional>
#include <set>
#include <string>

namespace pareto::cli {

/// Option names that take a value / are flags, to merge into a command's Args sets.
const std::set<std::string>& quantValueOptions();
const std::set<std::string>& quantFlagOptions();

/// Help text for the quantization options.
extern const char* kQuantOptionsHelp;

/// The plan the flags ask for, or nullopt when no quantization flag was given.
/// `--quant` takes a scheme string (int4, int4-g64, nf4, ternary, fp16, ...); the other
/// flags override its parts. Errors name the flag and the bad value.
Result<std::optional<QuantPlan>> quantPlanFromArgs(const Args& args);

}  // namespace pareto::cli
