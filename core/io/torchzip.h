// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "io/checkpoint.h"

#include <cstdint>
#include <string>

namespace pareto::detail {

/// @brief What a PyTorch zip archive holds.
enum class TorchZipKind { TorchSave, TorchScript };

/// @brief Opens the zip's central directory and tells torch.save archives from
/// TorchScript ones (constants.pkl or code/). Errors name the file.
Result<TorchZipKind> inspectTorchZip(const std::string& path);

/// @brief Reads a torch.save zip archive with our own restricted unpickler: the state
/// dict (plain, OrderedDict or nested under model_state_dict/state_dict/student_state_dict)
/// with every tensor it holds, in file order and stored dtype. Nothing from the file is
/// executed. Errors are one line starting with the path.
Result<Checkpoint> loadTorchZip(const std::string& path, uint64_t maxInflatedBytes = 0);

}  // namespace pareto::detail
