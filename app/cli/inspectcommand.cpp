#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "io/checkpoint.h"
#include "model/modelloader.h"

#include <cstdio>

namespace pareto::cli {

static const char* kInspectHelp =
    "usage: pareto inspect CKPT [--json]\n"
    "\n"
    "Opens a checkpoint (torch.save state dict, plain or nested; TorchScript; safetensors)\n"
    "without running anything from it, and prints the model it holds.\n"
    "\n"
    "  --json   machine-readable output: format, arch, latent_dim, input_shape [C,H,W],\n"
    "           params, fp32_bytes (= 4 x params), nested_key, notes, tensors\n";

int runInspect(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json", "help"});
    if (args.flag("help")) {
        std::fputs(kInspectHelp, stdout);
        return kExitOk;
    }
    if (!args.ok() || args.positional().size() != 1) {
        std::fprintf(stderr, "pareto inspect: %s\n%s", args.ok() ? "expected one checkpoint path" : args.error().c_str(), kInspectHelp);
        return kExitUsage;
    }
    auto loaded = loadModel(args.positional()[0]);
    if (!loaded) return reportError(loaded.error());
    const ModelInfo info = loaded->model->info();

    if (args.flag("json")) {
        nlohmann::json tensors = nlohmann::json::array();
        for (const auto& t : loaded->tensors) tensors.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", t.dtype}});
        printJson({{"path", loaded->path},
                   {"format", checkpointFormatName(loaded->format)},
                   {"arch", info.arch},
                   {"latent_dim", info.latentDim},
                   {"input_shape", info.inputShape},
                   {"params", info.params},
                   {"fp32_bytes", info.fp32Bytes()},
                   {"nested_key", loaded->nestedKey},
                   {"notes", loaded->notes},
                   {"tensors", tensors}});
        return kExitOk;
    }
    std::printf("%-12s %s\n", "file", loaded->path.c_str());
    std::printf("%-12s %s\n", "format", checkpointFormatName(loaded->format));
    std::printf("%-12s %s\n", "arch", info.arch.c_str());
    std::printf("%-12s %lld\n", "latent_dim", static_cast<long long>(info.latentDim));
    std::string shape;
    for (size_t i = 0; i < info.inputShape.size(); ++i) shape += (i ? "x" : "") + std::to_string(info.inputShape[i]);
    std::printf("%-12s %s\n", "input", shape.c_str());
    std::printf("%-12s %lld\n", "params", static_cast<long long>(info.params));
    std::printf("%-12s %lld\n", "fp32_bytes", static_cast<long long>(info.fp32Bytes()));
    for (const auto& n : loaded->notes) std::printf("%-12s %s\n", "note", n.c_str());
    std::printf("\n%-28s %-16s %s\n", "tensor", "shape", "dtype");
    for (const auto& t : loaded->tensors) {
        std::string s;
        for (size_t i = 0; i < t.shape.size(); ++i) s += (i ? "x" : "") + std::to_string(t.shape[i]);
        std::printf("%-28s %-16s %s\n", t.name.c_str(), s.c_str(), t.dtype.c_str());
    }
    return kExitOk;
}

}  // namespace pareto::cli
