// SPDX-License-Identifier: Apache-2.0
#include "model/scriptedmodel.h"
#include "common/shapetext.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/jit/api/module.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace pareto {
namespace {

// c10 messages carry backtraces and context over many lines; an error here is one line.
std::string firstLine(const std::string& text) {
    std::string s = text.substr(0, text.find('\n'));
    if (s.size() > 300) s = s.substr(0, 300) + "...";
    return s;
}


at::Tensor firstTensor(const c10::IValue& v, bool* wasTuple = nullptr) {
    if (wasTuple) *wasTuple = false;
    if (v.isTensor()) return v.toTensor();
    if (v.isTuple() && !v.toTupleRef().elements().empty() && v.toTupleRef().elements()[0].isTensor()) {
        if (wasTuple) *wasTuple = true;
        return v.toTupleRef().elements()[0].toTensor();
    }
    if (v.isList() && v.toListRef().size() > 0 && v.toListRef()[0].isTensor()) {
        if (wasTuple) *wasTuple = true;
        return v.toListRef()[0].toTensor();
    }
    return {};
}

struct LayerTraits {
    const char* suffix;  // qualified class name ending, after __torch__.
    LayerKind kind;
    int64_t axis;
};

// One table for every module type the quantizer knows (ggml's type_traits style).
constexpr LayerTraits kLayers[] = {
    {"torch.nn.modules.conv.Conv1d", LayerKind::Conv, 0},
    {"torch.nn.modules.conv.Conv2d", LayerKind::Conv, 0},
    {"torch.nn.modules.conv.Conv3d", LayerKind::Conv, 0},
    {"torch.nn.modules.conv.ConvTranspose1d", LayerKind::ConvTranspose, 1},
    {"torch.nn.modules.conv.ConvTranspose2d", LayerKind::ConvTranspose, 1},
    {"torch.nn.modules.conv.ConvTranspose3d", LayerKind::ConvTranspose, 1},
    {"torch.nn.modules.linear.Linear", LayerKind::Linear, 0},
    {"torch.nn.modules.sparse.Embedding", LayerKind::Embedding, 0},
    {"torch.nn.modules.batchnorm.BatchNorm1d", LayerKind::Norm, -1},
    {"torch.nn.modules.batchnorm.BatchNorm2d", LayerKind::Norm, -1},
    {"torch.nn.modules.batchnorm.BatchNorm3d", LayerKind::Norm, -1},
    {"torch.nn.modules.normalization.GroupNorm", LayerKind::Norm, -1},
    {"torch.nn.modules.normalization.LayerNorm", LayerKind::Norm, -1},
    {"torch.nn.modules.instancenorm.InstanceNorm1d", LayerKind::Norm, -1},
    {"torch.nn.modules.instancenorm.InstanceNorm2d", LayerKind::Norm, -1},
};

// "__torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d" -> "torch.nn.modules.conv.Conv2d":
// TorchScript mangles a class name when two instances of it get different types (another
// stride, another padding), so the same module type appears under many names.
std::string unmangledTypeName(const std::string& qualifiedName) {
    std::string n = qualifiedName;
    const std::string prefix = "__torch__.";
    if (n.rfind(prefix, 0) == 0) n = n.substr(prefix.size());
    std::string out;
    size_t start = 0;
    while (start <= n.size()) {
        const size_t dot = std::min(n.find('.', start), n.size());
        const std::string part = n.substr(start, dot - start);
        if (part.rfind("___torch_mangle_", 0) != 0) out += (out.empty() ? "" : ".") + part;
        start = dot + 1;
    }
    return out;
}

LayerTraits traitsOf(const std::string& qualifiedName) {
    const std::string n = unmangledTypeName(qualifiedName);
    for (const auto& t : kLayers)
        if (n == t.suffix) return t;
    return {"", LayerKind::Other, -1};
}

std::vector<ModelTensor> collectTensors(torch::jit::Module& module, int64_t* params, int64_t* buffers) {
    std::vector<ModelTensor> out;
    std::set<std::string> seen;
    *params = *buffers = 0;
    for (const auto& sub : module.named_modules()) {
        const LayerTraits traits = traitsOf(sub.value.type()->name() ? sub.value.type()->name()->qualifiedName() : "");
        const auto add = [&](const std::string& leaf, const at::Tensor& t, bool buffer) {
            if (!t.defined() || !t.is_floating_point()) return;
            const std::string name = sub.name.empty() ? leaf : sub.name + "." + leaf;
            if (!seen.insert(name).second) return;
            ModelTensor mt;
            mt.name = name;
            mt.tensor = t.detach();
            mt.layer = traits.kind;
            mt.buffer = buffer;
            const bool weight = !buffer && leaf == "weight";
            const bool quantizable = weight && ((traits.kind == LayerKind::Conv && t.dim() >= 3) ||
                                                (traits.kind == LayerKind::ConvTranspose && t.dim() >= 3) ||
                                                ((traits.kind == LayerKind::Linear || traits.kind == LayerKind::Embedding) && t.dim() == 2));
            mt.quantizedByDefault = quantizable;
            mt.axis = quantizable ? traits.axis : -1;
            (buffer ? *buffers : *params) += t.numel();
            out.push_back(std::move(mt));
        };
        for (const auto& p : sub.value.named_parameters(/*recurse=*/false)) add(p.name, p.value, false);
        for (const auto& b : sub.value.named_buffers(/*recurse=*/false)) add(b.name, b.value, true);
    }
    return out;
}

// The submodule holding `name`'s leaf, and the leaf.
std::pair<torch::jit::Module, std::string> ownerOf(const torch::jit::Module& root, const std::string& name) {
    torch::jit::Module m = root;
    size_t start = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
        m = m.attr(name.substr(start, dot - start)).toModule();
        start = dot + 1;
    }
    return {m, name.substr(start)};
}

struct Probe {
    bool ran = false;
    std::string error;
    std::vector<int64_t> latentShape;  // per image; empty for an autoencoder
    bool encodeTuple = false;
};

Probe probe(torch::jit::Module& module, bool vae, const std::vector<int64_t>& shape, const ValueRange& inputRange) {
    Probe p;
    try {
        at::NoGradGuard noGrad;
        const at::Tensor x = at::full({1, shape[0], shape[1], shape[2]}, 0.5 * (inputRange.lo + inputRange.hi));
        if (vae) {
            const at::Tensor mu = firstTensor(module.get_method("encode")({x}), &p.encodeTuple);
            if (!mu.defined()) {
                p.error = "encode(x) returned no tensor";
                return p;
            }
            if (mu.dim() != 2 && mu.dim() != 4) {
                p.error = "encode(x) returned a rank-" + std::to_string(mu.dim()) + " tensor; a latent is [N, L] or [N, C, h, w]";
                return p;
            }
            const at::Tensor y = firstTensor(module.get_method("decode")({mu}));
            if (!y.defined() || y.sizes() != x.sizes()) {
                p.error = "decode(encode(x)) returns " + (y.defined() ? shapeDims(y.sizes().vec()) : std::string("nothing")) + " for a " +
                          shapeDims(x.sizes().vec()) + " input";
                return p;
            }
            p.latentShape = mu.sizes().vec();
            p.latentShape.erase(p.latentShape.begin());
        } else {
            const at::Tensor y = firstTensor(module.forward({x}));
            if (!y.defined() || y.sizes() != x.sizes()) {
                p.error = "forward(x) returns " + (y.defined() ? shapeDims(y.sizes().vec()) : std::string("nothing")) + " for a " +
                          shapeDims(x.sizes().vec()) + " input";
                return p;
            }
        }
        p.ran = true;
    } catch (const std::exception& e) {
        p.error = firstLine(e.what());
    }
    return p;
}

bool validShape(const std::vector<int64_t>& s) { return s.size() == 3 && s[0] >= 1 && s[1] >= 1 && s[2] >= 1; }

}  // namespace

const std::vector<std::vector<int64_t>>& probeShapes() {
    static const std::vector<std::vector<int64_t>> shapes = [] {
        std::vector<std::vector<int64_t>> s;
        for (int64_t c : {1, 3})
            for (int64_t side : {28, 32, 64, 96, 128, 224, 256}) s.push_back({c, side, side});
        return s;
    }();
    return shapes;
}

ScriptedModel::ScriptedModel(std::shared_ptr<torch::jit::Module> module, ModelInfo info, std::vector<ModelTensor> tensors,
                             std::string className, bool encodeTuple)
    : m_module(std::move(module)),
      m_info(std::move(info)),
      m_tensors(std::move(tensors)),
      m_className(std::move(className)),
      m_encodeTuple(encodeTuple) {}

Result<std::shared_ptr<ScriptedModel>> ScriptedModel::create(std::shared_ptr<torch::jit::Module> module, const ScriptedModelOptions& options,
                                                             std::string* how) {
    if (!module) return fail("no TorchScript module");
    const bool vae = module->find_method("encode").has_value() && module->find_method("decode").has_value();
    if (!vae && !module->find_method("forward").has_value())
        return fail("TorchScript module exports neither encode(x) and decode(z) nor forward(x)");
    module->eval();

    ModelInfo info;
    info.arch = "torchscript";
    info.interface = vae ? ModelInterface::Vae : ModelInterface::Autoencoder;
    info.inputRange = options.inputRange;
    info.outputRange = options.outputRange;
    std::vector<ModelTensor> tensors = collectTensors(*module, &info.params, &info.bufferValues);

    Probe chosen;
    std::vector<int64_t> shape;
    std::string note;
    if (options.inputShape) {
        if (!validShape(*options.inputShape)) return fail("--input-shape must be C,H,W with positive values");
        chosen = probe(*module, vae, *options.inputShape, options.inputRange);
        if (!chosen.ran)
            return fail("TorchScript module does not run on the given input shape " + shapeDims(*options.inputShape) + ": " + chosen.error);
        shape = *options.inputShape;
        note = "input shape " + shapeDims(shape) + " as given (--input-shape)";
    } else {
        Probe onData;
        if (options.dataShape && validShape(*options.dataShape)) onData = probe(*module, vae, *options.dataShape, options.inputRange);
        if (onData.ran) {
            chosen = onData;
            shape = *options.dataShape;
            note = "input shape " + shapeDims(shape) + ": the data's own, so the images are not converted";
        } else {
            std::vector<std::vector<int64_t>> running;
            std::vector<Probe> results;
            std::string errors;
            for (const auto& s : probeShapes()) {
                Probe p = probe(*module, vae, s, options.inputRange);
                if (p.ran) {
                    running.push_back(s);
                    results.push_back(p);
                } else if (errors.empty()) {
                    errors = p.error;
                }
            }
            std::string tried;
            for (const auto& s : probeShapes()) tried += (tried.empty() ? "" : ", ") + shapeDims(s);
            if (running.empty())
                return fail("TorchScript module runs on none of the input shapes tried (" +
                            (options.dataShape ? "the data's " + shapeDims(*options.dataShape) + ", then " : std::string()) + tried +
                            "): " + (onData.error.empty() ? errors : onData.error) + "; give the shape with --input-shape C,H,W");
            if (running.size() > 1) {
                std::string names;
                for (const auto& s : running) names += (names.empty() ? "" : ", ") + shapeDims(s);
                return fail("TorchScript module runs on several input shapes (" + names +
                            "); say which one it was made for with --input-shape C,H,W");
            }
            chosen = results.front();
            shape = running.front();
            note = "input shape " + shapeDims(shape) + ": the only one of the probed shapes the model runs on" +
                   (options.dataShape ? " (not on the data's " + shapeDims(*options.dataShape) + ")" : std::string());
        }
    }
    info.inputShape = shape;
    if (vae) {
        info.latent.kind = chosen.latentShape.size() == 1 ? LatentKind::Vector : LatentKind::Spatial;
        info.latent.shape = chosen.latentShape;
    }
    info.latentDim = info.latent.dim();
    if (how) *how = note;
    const std::string cls = module->type()->name() ? module->type()->name()->qualifiedName() : std::string("module");
    return std::shared_ptr<ScriptedModel>(new ScriptedModel(std::move(module), std::move(info), std::move(tensors), cls, chosen.encodeTuple));
}

Result<std::shared_ptr<const Model>> ScriptedModel::withWeights(const StateDict& weights) const {
    try {
        auto clone = std::make_shared<torch::jit::Module>(m_module->deepcopy());
        for (const auto& t : m_tensors) {
            const at::Tensor* w = weights.find(t.name);
            if (!w) return fail("weights for " + describe() + " lack tensor '" + t.name + "'");
            if (w->sizes() != t.tensor.sizes())
                return fail("tensor '" + t.name + "' has shape " + shapeDims(w->sizes().vec()) + ", the model's is " +
                            shapeDims(t.tensor.sizes().vec()));
            auto [owner, leaf] = ownerOf(*clone, t.name);
            owner.setattr(leaf, w->scalar_type() == t.tensor.scalar_type() ? *w : w->to(t.tensor.scalar_type()));
        }
        clone->eval();
        int64_t params = 0, buffers = 0;
        std::vector<ModelTensor> tensors = collectTensors(*clone, &params, &buffers);
        return std::shared_ptr<const Model>(new ScriptedModel(std::move(clone), m_info, std::move(tensors), m_className, m_encodeTuple));
    } catch (const std::exception& e) {
        return fail(describe() + ": cannot set new weights (" + firstLine(e.what()) + ")");
    }
}

at::Tensor ScriptedModel::forwardNative(const at::Tensor& x) const {
    if (m_info.interface == ModelInterface::Vae) return Model::forwardNative(x);
    return firstTensor(m_module->forward({x}));
}

at::Tensor ScriptedModel::encodeNative(const at::Tensor& x) const {
    if (m_info.interface != ModelInterface::Vae) return Model::encodeNative(x);
    return firstTensor(m_module->get_method("encode")({x}));
}

at::Tensor ScriptedModel::decodeNative(const at::Tensor& z) const {
    if (m_info.interface != ModelInterface::Vae) return Model::decodeNative(z);
    return firstTensor(m_module->get_method("decode")({z}));
}

LatentReductionSupport ScriptedModel::latentReductions() const {
    LatentReductionSupport s = Model::latentReductions();
    if (m_info.interface != ModelInterface::Vae || m_info.latent.kind == LatentKind::None) return s;
    // The code is opaque: we cannot rewrite its layers, but a projection fits between its
    // encode and decode.
    s.projection = true;
    s.reason.clear();
    return s;
}

std::string ScriptedModel::notTrainableReason() const {
    return "a TorchScript program's training objective is not known; training needs a built-in architecture";
}

std::vector<ExportArtifact> ScriptedModel::exportArtifacts() const { return {ExportArtifact::PackedWeights, ExportArtifact::TorchScript}; }

std::string ScriptedModel::noTorchScriptReason() const { return {}; }

std::string ScriptedModel::noOnnxReason() const {
    return "a TorchScript program is opaque to us (its graph is code, not data we can rewrite with Q/DQ weights); to get an ONNX "
           "file, export the model in Python with torch.onnx.export(model, example_input, \"model.onnx\", opset_version=13) "
           "and open that file";
}

// The user's own module with these weights: same class, same methods, saved by LibTorch.
Result<std::string> ScriptedModel::torchScriptArchive(ModelPrecision precision) const {
    if (precision != ModelPrecision::Fp32)
        return fail(describe() + ": an FP16 model.pt needs control over each op's dtype; a TorchScript input is packaged in FP32");
    try {
        std::ostringstream out;
        m_module->save(out);
        return out.str();
    } catch (const std::exception& e) {
        return fail(describe() + ": cannot save the TorchScript module (" + firstLine(e.what()) + ")");
    }
}

std::string ScriptedModel::describe() const {
    std::string cls = m_className;
    const std::string prefix = "__torch__.";
    if (cls.rfind(prefix, 0) == 0) cls = cls.substr(prefix.size());
    return "torchscript " + cls + " (" + shapeDims(m_info.inputShape) + ")";
}

}  // namespace pareto
