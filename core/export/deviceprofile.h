// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Jetson boards a package can target: memory, precisions, TensorRT generation.

#include "common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pareto {

/// @brief What a Jetson board offers a deployed model. Plain value; any thread.
///
/// The memory figures are the board's DRAM (shared by CPU and GPU on every Jetson) and two
/// documented assumptions used by estimateFit(): what the OS and desktop keep for
/// themselves, and what PyTorch + CUDA cost before the first tensor (context, kernels,
/// allocator pools). They are estimates for a warning, not a guarantee.
struct DeviceProfile {
    std::string id;            ///< CLI name, e.g. "orin-nano-8gb"
    std::string name;          ///< "Jetson Orin Nano 8 GB"
    std::string gpu;           ///< "Ampere, 1024 CUDA cores, sm_87"
    int computeCapability = 0; ///< 53 (Maxwell), 87 (Orin)
    int64_t memoryBytes = 0;   ///< DRAM, shared CPU/GPU
    int64_t osReservedBytes = 0;       ///< assumed kept by the OS and desktop
    int64_t runtimeOverheadBytes = 0;  ///< assumed PyTorch + CUDA context and allocator
    std::string jetpack;       ///< newest JetPack line for the board
    std::string tensorRt;      ///< TensorRT generation of that JetPack, e.g. "10.x"
    int tensorRtMajor = 0;
    /// Precisions TensorRT runs natively on this GPU: "fp32", "fp16", "int8",
    /// "int4-weight-only-matmul".
    std::vector<std::string> precisions;
    std::vector<std::string> notes;

    bool supports(const std::string& precision) const;
    /// memoryBytes - osReservedBytes: what applications can use.
    int64_t availableBytes() const { return memoryBytes - osReservedBytes; }
};

/// The four boards we know, smallest first: jetson-nano-4gb, orin-nano-8gb, orin-nx-16gb,
/// agx-orin-64gb.
const std::vector<DeviceProfile>& deviceProfiles();

/// The profile with this id, or nullptr.
const DeviceProfile* findDeviceProfile(const std::string& id);

/// The profile as a JetPack line sets it: Orin boards take "6" (the default: TensorRT 10.3,
/// INT4 weight-only MatMul, ONNX opset 21 for INT4) or "5.1" (TensorRT 8.5: INT8, no INT4);
/// the Jetson Nano stays on "4.6" (TensorRT 8.2). "" means the board's default. Errors name
/// the board and the JetPack lines it has.
Result<DeviceProfile> profileForJetpack(const DeviceProfile& profile, const std::string& jetpack);

/// The JetPack line a profile stands for: "6", "5.1" or "4.6".
std::string jetpackLine(const DeviceProfile& profile);

/// "jetson-nano-4gb, orin-nano-8gb, ..." for help texts and errors.
std::string deviceProfileIdList();

}  // namespace pareto
