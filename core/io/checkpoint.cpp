// SPDX-License-Identifier: Apache-2.0
#include "io/checkpoint.h"

#include "io/errortext.h"
#include "io/safetensors.h"
#include "io/torchscript.h"
#include "io/torchzip.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace pareto {
namespace {

constexpr size_t kSniffBytes = 32;
const std::string kDataParallelPrefix = "module.";

// torch.save's legacy (pre-1.6) format opens with a pickled LONG1 of this magic number.
constexpr unsigned char kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isLegacyTorchSave(const std::string& head) {
    if (head.empty() || static_cast<unsigned char>(head[0]) != 0x80) return false;
    const std::string magic(reinterpret_cast<const char*>(kLegacyMagic), sizeof kLegacyMagic);
    return head.find(magic) != std::string::npos;
}

Result<std::string> readHead(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return fail(path + ": no such file");
        return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    }
    if (S_ISDIR(st.st_mode)) return fail(path + ": is a folder, not a checkpoint file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    std::string head(kSniffBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), f));
    std::fclose(f);
    if (head.empty()) return fail(path + ": file is empty");
    return head;
}

Result<Checkpoint> loadSafetensorsCheckpoint(const std::string& path, size_t maxHeaderBytes) {
    Checkpoint ckpt;
    ckpt.path = path;
    ckpt.format = CheckpointFormat::Safetensors;
    auto tensors = readSafetensors(path, &ckpt.metadata, maxHeaderBytes);
    if (!tensors) return tensors.error();
    ckpt.weights = std::move(*tensors);
    return ckpt;
}

// The checks and clean-ups every format shares: prefix, dtype filter, emptiness, finiteness.
Result<Checkpoint> finish(Checkpoint ckpt, const CheckpointLoadOptions& options) {
    const std::string& path = ckpt.path;
    const auto& entries = ckpt.weights.entries();
    if (entries.empty()) return fail(path + ": the state dict is empty");

    const bool dataParallel =
        ckpt.format != CheckpointFormat::TorchScript &&
        std::all_of(entries.begin(), entries.end(), [](const StateDict::Entry& e) {
            return e.name.size() > kDataParallelPrefix.size() && e.name.rfind(kDataParallelPrefix, 0) == 0;
        });
    StateDict weights;
    for (const auto& e : entries) {
        // Integer entries (BatchNorm's num_batches_tracked, masks) are not weights.
        if (!e.tensor.is_floating_point()) continue;
        const std::string name = dataParallel ? e.name.substr(kDataParallelPrefix.size()) : e.name;
        weights.set(name, e.tensor);
    }
    if (weights.empty())
        return fail(path + ": none of its " + std::to_string(entries.size()) + " tensors is floating-point");

    if (options.rejectNonFinite) {
        for (const auto& e : weights.entries()) {
            if (Status s = checkFiniteAsFloat32(e.tensor); !s) return fail(path + ": tensor '" + e.name + "' " + s.error().message);
        }
    }
    ckpt.weights = std::move(weights);
    return ckpt;
}

}  // namespace

namespace {

// True when every float in [p, p + n) is finite: a branch-free scan of the exponent bits
// (all ones is Inf or NaN), the common case for a whole checkpoint, with no allocation.
bool allFiniteFloats(const float* p, int64_t n) {
    uint32_t bad = 0;
    constexpr uint32_t kExponent = 0x7f800000u;
    for (int64_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, p + i, sizeof bits);
        bad |= static_cast<uint32_t>((bits & kExponent) == kExponent);
    }
    return bad == 0;
}

}  // namespace

Status checkFiniteAsFloat32(const at::Tensor& tensor) {
    // A mapped checkpoint's float32 tensors are scanned where they lie (no mask, no copy).
    if (tensor.scalar_type() == at::kFloat && tensor.is_contiguous() && tensor.device().is_cpu() &&
        allFiniteFloats(tensor.data_ptr<float>(), tensor.numel()))
        return Status::success();
    // Checked in the dtype we compute in: a float64 1e300 is finite there but Inf in float32.
    // In slices, so a huge (or stride-0 broadcast) tensor never needs a full-size mask.
    const at::Tensor flat = tensor.reshape({-1});
    constexpr int64_t kChunk = int64_t(1) << 22;
    for (int64_t begin = 0; begin < flat.numel(); begin += kChunk) {
        at::Tensor part = flat.narrow(0, begin, std::min(kChunk, flat.numel() - begin));
        if (part.scalar_type() != at::kFloat) part = part.to(at::kFloat);
        if (at::isfinite(part).all().item<bool>()) continue;
        const at::Tensor bad = at::logical_not(at::isfinite(part)).nonzero();
        const int64_t index = begin + bad[0][0].item<int64_t>();
        const double original = flat[index].item<double>();
        const bool nan = std::isnan(original);
        const bool overflow = !nan && std::isfinite(original);
        char value[64];
        std::snprintf(value, sizeof value, "%g", original);
        return fail(std::string("contains ") + (nan ? "NaN" : overflow ? std::string("a value (") + value + ") that overflows float32" : "Inf") +
                    " at element " + std::to_string(index));
    }
    return Status::success();
}

const char* checkpointFormatName(CheckpointFormat f) {
    switch (f) {
    case CheckpointFormat::TorchZip: return "pytorch";
    case CheckpointFormat::TorchScript: return "torchscript";
    case CheckpointFormat::Safetensors: return "safetensors";
    case CheckpointFormat::Onnx: return "onnx";
    }
    return "unknown";
}

Result<CheckpointFormat> detectCheckpointFormat(const std::string& path) {
    try {
        auto head = readHead(path);
        if (!head) return head.error();
        const std::string& h = *head;
        if (h.compare(0, 4, "PK\x03\x04", 4) == 0) {
            auto kind = detail::inspectTorchZip(path);
            if (!kind) return kind.error();
            return *kind == detail::TorchZipKind::TorchScript ? CheckpointFormat::TorchScript : CheckpointFormat::TorchZip;
        }
        if (isLegacyTorchSave(h))
            return fail(path + ": legacy torch.save format not supported, re-save with a current PyTorch");
        // safetensors: a plausible 8-byte length (text would read as ~2^61), then '{'.
        // The extension alone is enough to get the reader's precise error messages.
        // ONNX is protobuf, which has no magic number: the extension says it.
        if (endsWith(path, ".onnx") || endsWith(path, ".ONNX")) return CheckpointFormat::Onnx;
        if ((h.size() > 8 && h[8] == '{' && h.compare(4, 4, std::string(4, '\0')) == 0) ||
            endsWith(path, ".safetensors"))
            return CheckpointFormat::Safetensors;
        return fail(path + ": not a PyTorch, TorchScript or safetensors file");
    } catch (const std::exception& e) {
        return fail(path + ": " + detail::exceptionText(e));
    }
}

Result<Checkpoint> loadCheckpoint(const std::string& path, const CheckpointLoadOptions& options) {
    try {
        auto format = detectCheckpointFormat(path);
        if (!format) return format.error();
        Result<Checkpoint> loaded = fail(path + ": unknown format");
        switch (*format) {
        case CheckpointFormat::TorchZip: loaded = detail::loadTorchZip(path, options.maxInflatedBytes); break;
        case CheckpointFormat::TorchScript: loaded = detail::loadTorchScript(path, options); break;
        case CheckpointFormat::Safetensors: loaded = loadSafetensorsCheckpoint(path, options.maxHeaderBytes); break;
        case CheckpointFormat::Onnx: return fail(path + ": an ONNX file is a graph, not a checkpoint of weights: open it as a model");
        }
        if (!loaded) return loaded.error();
        return finish(std::move(*loaded), options);
    } catch (const std::exception& e) {
        return fail(path + ": " + detail::exceptionText(e));
    }
}

}  // namespace pareto
