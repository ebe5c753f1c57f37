// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "io/checkpoint.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief What a TorchScript archive holds, read as data: its records, the tensors of its
/// module tree (from data.pkl through our restricted unpickler) and the methods and
/// parameter lists its code declares (read as text). Nothing from the file runs.
struct TorchScriptContents {
    struct Record {
        std::string name;  ///< relative to the archive's top folder
        uint64_t bytes = 0;
    };
    struct Tensor {
        std::string name;            ///< "encoder.0.weight", as named_parameters() would name it
        std::vector<int64_t> shape;
        std::string dtype;           ///< "float32", ...
        std::string moduleType;      ///< qualified class of the owning module, "torch.nn.modules.conv.Conv2d"
        std::string role;            ///< "parameter", "buffer" or "attribute" (per the class's __parameters__/__buffers__)
    };
    std::vector<Record> records;
    std::vector<Tensor> tensors;
    std::string rootType;               ///< qualified class of the root module ("M" for __torch__.M)
    std::vector<std::string> methods;   ///< methods the root class defines ("encode", "decode", "forward")
    int64_t parameterCount = 0;         ///< floating elements of the "parameter" tensors
    int64_t bufferValues = 0;           ///< floating elements of the "buffer" tensors
};

/// @brief Reads a TorchScript archive without running it (see TorchScriptContents).
/// Zip budgets and CRC-32 apply to every record read. Errors start with the path.
Result<TorchScriptContents> inspectTorchScriptArchive(const std::string& path, uint64_t maxInflatedBytes = 0);

namespace detail {

/// @brief Checks every record of the archive as data (zip budgets, CRC-32), so that what
/// LibTorch later loads is what the archive says it holds.
Status validateZipRecords(const std::string& path, uint64_t maxInflatedBytes = 0);

/// @brief Loads a TorchScript archive with LibTorch's torch::jit::load on the CPU and
/// copies its named parameters and floating buffers into `weights`. This runs code from
/// the file: without options.trustCode it returns Error::needsTrust() before touching it.
Result<Checkpoint> loadTorchScript(const std::string& path, const CheckpointLoadOptions& options);

}  // namespace detail
}  // namespace pareto
