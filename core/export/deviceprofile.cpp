// SPDX-License-Identifier: Apache-2.0
#include "export/deviceprofile.h"

#include <algorithm>

namespace pareto {
namespace {

constexpr int64_t kGiB = int64_t(1) << 30;

std::vector<DeviceProfile> makeProfiles() {
    std::vector<DeviceProfile> p;
    {
        DeviceProfile d;
        d.id = "jetson-nano-4gb";
        d.name = "Jetson Nano 4 GB";
        d.gpu = "Maxwell, 128 CUDA cores, sm_53";
        d.computeCapability = 53;
        d.memoryBytes = 4 * kGiB;
        d.osReservedBytes = kGiB;
        d.runtimeOverheadBytes = kGiB;
        d.jetpack = "4.6.x (the last for this board)";
        d.tensorRt = "8.2";
        d.tensorRtMajor = 8;
        d.precisions = {"fp32", "fp16"};
        d.notes = {"TensorRT INT8 needs compute capability 6.1 or newer: not on this GPU",
                   "PyTorch for JetPack 4.6 is the 1.x line"};
        p.push_back(d);
    }
    const auto orin = [&](const char* id, const char* name, const char* gpu, int64_t mem) {
        DeviceProfile d;
        d.id = id;
        d.name = name;
        d.gpu = gpu;
        d.computeCapability = 87;
        d.memoryBytes = mem;
        d.osReservedBytes = kGiB + kGiB / 2;
        d.runtimeOverheadBytes = kGiB;
        d.jetpack = "6.x";
        d.tensorRt = "10.x";
        d.tensorRtMajor = 10;
        d.precisions = {"fp32", "fp16", "int8", "int4-weight-only-matmul"};
        d.notes = {"memory is shared by CPU and GPU", "no FP8/FP4 on Orin"};
        p.push_back(d);
    };
    orin("orin-nano-8gb", "Jetson Orin Nano 8 GB", "Ampere, 1024 CUDA cores, sm_87", 8 * kGiB);
    orin("orin-nx-16gb", "Jetson Orin NX 16 GB", "Ampere, 1024 CUDA cores, sm_87", 16 * kGiB);
    orin("agx-orin-64gb", "Jetson AGX Orin 64 GB", "Ampere, 2048 CUDA cores, sm_87", 64 * kGiB);
    return p;
}

}  // namespace

bool DeviceProfile::supports(const std::string& precision) const {
    return std::find(precisions.begin(), precisions.end(), precision) != precisions.end();
}

const std::vector<DeviceProfile>& deviceProfiles() {
    static const std::vector<DeviceProfile> profiles = makeProfiles();
    return profiles;
}

const DeviceProfile* findDeviceProfile(const std::string& id) {
    for (const auto& p : deviceProfiles())
        if (p.id == id) return &p;
    return nullptr;
}

std::string jetpackLine(const DeviceProfile& p) {
    if (p.computeCapability < 72) return "4.6";
    return p.tensorRtMajor >= 10 ? "6" : "5.1";
}

Result<DeviceProfile> profileForJetpack(const DeviceProfile& profile, const std::string& jetpack) {
    const bool orin = profile.computeCapability >= 87;
    if (!orin) {
        if (jetpack.empty() || jetpack == "4.6") return profile;
        return fail(profile.id + ": the Jetson Nano stays on JetPack 4.6 (TensorRT 8.2); --jetpack " + jetpack + " does not exist for it");
    }
    if (jetpack.empty() || jetpack == "6" || jetpack == "6.1" || jetpack == "6.2") return profile;
    if (jetpack != "5.1") return fail(profile.id + ": unknown --jetpack '" + jetpack + "' (Orin boards: 5.1 or 6)");
    DeviceProfile p = profile;
    p.jetpack = "5.1";
    p.tensorRt = "8.5";
    p.tensorRtMajor = 8;
    p.precisions = {"fp32", "fp16", "int8"};
    p.notes.push_back("JetPack 5.1: TensorRT 8.5 takes INT8 Q/DQ (opset 13) but no INT4");
    return p;
}

std::string deviceProfileIdList() {
    std::string out;
    for (const auto& p : deviceProfiles()) out += (out.empty() ? "" : ", ") + p.id;
    return out;
}

}  // namespace pareto
