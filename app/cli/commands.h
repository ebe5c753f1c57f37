// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sub-commands of the `pareto` CLI. Each returns the process exit code:
// 0 success, 1 failure (one-line error on stderr), 2 usage error, 130 interrupted.

#include <string>
#include <vector>

namespace pareto::cli {

enum ExitCode { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitInterrupted = 130 };

int runInspect(const std::vector<std::string>& args);
int runEval(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runSweep(const std::vector<std::string>& args);
int runSensitivity(const std::vector<std::string>& args);
int runAutoMp(const std::vector<std::string>& args);
int runLatent(const std::vector<std::string>& args);
int runSweepLatent(const std::vector<std::string>& args);
int runCatalog(const std::vector<std::string>& args);
int runExport(const std::vector<std::string>& args);
int runVerify(const std::vector<std::string>& args);

}  // namespace pareto::cli
