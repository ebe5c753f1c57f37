#include "io/torchscript.h"

#include "io/errortext.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

namespace pareto::detail {

Result<Checkpoint> loadTorchScript(const std::string& path) {
    try {
        auto module = std::make_shared<torch::jit::Module>(torch::jit::load(path, at::Device(at::kCPU)));
        Checkpoint ckpt;
        ckpt.path = path;
        ckpt.format = CheckpointFormat::TorchScript;
        // Copies, so that compressing `weights` can never change the scripted module.
        for (const auto& p : module->named_parameters(/*recurse=*/true))
            ckpt.weights.set(p.name, p.value.detach().clone());
        for (const auto& b : module->named_buffers(/*recurse=*/true))
            if (b.value.is_floating_point()) ckpt.weights.set(b.name, b.value.detach().clone());
        ckpt.script = std::move(module);
        return ckpt;
    } catch (const std::exception& e) {
        return fail(path + ": cannot load TorchScript archive (" + exceptionText(e) + ")");
    }
}

}  // namespace pareto::detail
