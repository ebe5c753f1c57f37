#pragma once

#include "common/result.h"
#include "io/checkpoint.h"
#include "model/vaemodel.h"

#include <memory>
#include <string>
#include <vector>

namespace pareto {

/// @brief A tensor as the file stores it.
struct StoredTensorInfo {
    std::string name;
    std::vector<int64_t> shape;
    std::string dtype;  ///< "float32", "float16", ...
};

/// @brief A model opened from a file, with where it came from.
struct LoadedModel {
    std::shared_ptr<const VaeModel> model;
    std::string path;
    CheckpointFormat format = CheckpointFormat::TorchZip;
    std::string nestedKey;            ///< set when the weights were nested in the file
    std::vector<std::string> notes;   ///< e.g. "weights nested under 'model_state_dict'"
    std::vector<StoredTensorInfo> tensors;  ///< as stored, before conversion to float32
};

/// @brief Opens a checkpoint and builds the model it holds: a TinyVAE for state dicts
/// (channels and L read from the tensor shapes), a ScriptedVae for TorchScript.
/// Errors are one line starting with the path.
/// TorchScript needs options.trustCode (else Error::needsTrust()).
Result<LoadedModel> loadModel(const std::string& path, const CheckpointLoadOptions& options = {});

}  // namespace pareto
