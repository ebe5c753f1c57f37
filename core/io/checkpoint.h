// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "common/statedict.h"

#include <map>
#include <memory>
#include <string>

namespace torch::jit {
struct Module;
}

namespace pareto {

enum class CheckpointFormat {
    TorchZip,     ///< torch.save(...) zip archive (state dict, plain or nested)
    TorchScript,  ///< torch.jit.save archive
    Safetensors,  ///< safetensors file
    Onnx,         ///< an ONNX graph (`.onnx`): opened as a model (loadModel), not as a checkpoint
};

/// "pytorch", "torchscript", "safetensors", "onnx"
const char* checkpointFormatName(CheckpointFormat f);

/// @brief Weights read from a file, never executing anything from it.
struct Checkpoint {
    std::string path;
    CheckpointFormat format = CheckpointFormat::TorchZip;
    /// Floating-point tensors in file order, CPU, finite. Tensors of a torch.save file may
    /// be views sharing one storage (stride 0, overlapping): call contiguous() before
    /// touching raw data. For TorchScript:
    /// the module's named parameters and floating buffers.
    StateDict weights;
    /// The key the weights were nested under ("model_state_dict", "state_dict",
    /// "student_state_dict"), empty when the file is the state dict itself.
    std::string nestedKey;
    /// safetensors __metadata__, or scalar top-level entries of a nested checkpoint
    /// ("epoch" -> "12"), as text.
    std::map<std::string, std::string> metadata;
    /// The loaded module for TorchScript archives, null otherwise.
    std::shared_ptr<torch::jit::Module> script;
};

/// @brief Options for loadCheckpoint.
struct CheckpointLoadOptions {
    /// Largest safetensors JSON header accepted (bytes).
    size_t maxHeaderBytes = 100u << 20;
    /// Reject tensors containing NaN or Inf (after conversion to float32, the dtype we
    /// compute in: a float64 weight of 1e300 is Inf there).
    bool rejectNonFinite = true;
    /// Replaces both zip inflation budgets (see InflateBudget); 0 keeps the defaults
    /// derived from the file size. `--max-inflated-bytes`.
    uint64_t maxInflatedBytes = 0;
    /// TorchScript archives are programs: loading one runs its code (`__setstate__`, and
    /// later its methods). Without trust such a file is refused with Error::needsTrust()
    /// and nothing from it runs. `--trust-code`, or the studio's trust banner.
    bool trustCode = false;
};

/// @brief Fails, saying what and where, when `tensor` holds a value that is not finite once
/// converted to float32 ("contains NaN at element 12", "contains a value (1e+300) that
/// overflows float32 at element 3"). The caller adds the file and tensor name.
Status checkFiniteAsFloat32(const at::Tensor& tensor);

/// @brief Tells the format of a file from its first bytes (and, for zips, its list of
/// records) without loading it. Errors: missing file, legacy torch.save, unknown bytes.
Result<CheckpointFormat> detectCheckpointFormat(const std::string& path);

/// @brief Opens a checkpoint of any supported format, detected from its bytes.
/// Nothing from a torch.save or safetensors file is executed. A TorchScript archive is
/// first checked as data (zip budgets, CRC-32 of every record) and then, only with
/// options.trustCode, loaded by LibTorch; without it the result is Error::needsTrust(). A `module.` prefix on every name (DataParallel) is removed; integer tensors
/// (e.g. num_batches_tracked) are dropped; float16/bfloat16 stay as stored.
/// Errors are one line starting with the path and saying what is wrong.
Result<Checkpoint> loadCheckpoint(const std::string& path, const CheckpointLoadOptions& options = {});

}  // namespace pareto
