// SPDX-License-Identifier: Apache-2.0
#include "model/model.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace pareto {

const char* modelInterfaceName(ModelInterface i) { return i == ModelInterface::Vae ? "vae" : "autoencoder"; }

const char* latentKindName(LatentKind k) {
    switch (k) {
        case LatentKind::None: return "none";
        case LatentKind::Vector: return "vector";
        case LatentKind::Spatial: return "spatial";
        case LatentKind::Codebook: return "codebook";
    }
    return "none";
}

int64_t LatentInfo::dim() const {
    switch (kind) {
        case LatentKind::Vector: return shape.empty() ? 0 : shape[0];
        case LatentKind::Spatial: return shape.empty() ? 0 : shape[0];
        case LatentKind::Codebook: return shape.size() < 2 ? 0 : shape[1];
        case LatentKind::None: return 0;
    }
    return 0;
}

const char* layerKindName(LayerKind k) {
    switch (k) {
        case LayerKind::Conv: return "conv";
        case LayerKind::ConvTranspose: return "conv-transpose";
        case LayerKind::Linear: return "linear";
        case LayerKind::Embedding: return "embedding";
        case LayerKind::Norm: return "norm";
        case LayerKind::Other: return "other";
    }
    return "other";
}

std::string valueRangeText(const ValueRange& r) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%g, %g]", r.lo, r.hi);
    return buf;
}

Result<ValueRange> parseValueRange(const std::string& text) {
    const auto comma = text.find(',');
    const auto bad = [&] { return fail("range '" + text + "' is not LO,HI with LO < HI (e.g. 0,1 or -1,1)"); };
    if (comma == std::string::npos) return bad();
    const std::string a = text.substr(0, comma), b = text.substr(comma + 1);
    char* end = nullptr;
    errno = 0;
    const double lo = std::strtod(a.c_str(), &end);
    if (a.empty() || *end != '\0' || errno == ERANGE) return bad();
    const double hi = std::strtod(b.c_str(), &end);
    if (b.empty() || *end != '\0' || errno == ERANGE) return bad();
    if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) return bad();
    return ValueRange{lo, hi};
}

at::Tensor Model::forwardNative(const at::Tensor& x) const { return decodeNative(encodeNative(x)); }

at::Tensor Model::encodeNative(const at::Tensor&) const {
    throw std::logic_error(describe() + " has no encode(): it is a forward-only model");
}

at::Tensor Model::decodeNative(const at::Tensor&) const {
    throw std::logic_error(describe() + " has no decode(): it is a forward-only model");
}

at::Tensor Model::toInputRange(const at::Tensor& x) const {
    const ValueRange r = info().inputRange;
    if (r.isUnit()) return x;
    return x * (r.hi - r.lo) + r.lo;
}

at::Tensor Model::fromOutputRange(const at::Tensor& y) const {
    const ValueRange r = info().outputRange;
    if (r.isUnit()) return y;
    return (y - r.lo) / (r.hi - r.lo);
}

at::Tensor Model::reconstruct(const at::Tensor& x) const {
    at::NoGradGuard noGrad;
    return fromOutputRange(forwardNative(toInputRange(x)));
}

at::Tensor Model::encode(const at::Tensor& x) const { return encodeNative(toInputRange(x)); }

at::Tensor Model::decode(const at::Tensor& z) const { return fromOutputRange(decodeNative(z)); }

LatentReductionSupport Model::latentReductions() const {
    LatentReductionSupport s;
    const ModelInfo i = info();
    if (i.interface != ModelInterface::Vae || i.latent.kind == LatentKind::None) {
        s.reason = "a forward-only model has no latent to reduce: the latent slider needs encode() and decode()";
        return s;
    }
    s.reason = "this model cannot reduce its latent";
    return s;
}

Result<std::shared_ptr<const Model>> Model::foldLatent(const at::Tensor&, const at::Tensor&) const {
    return fail(describe() + ": its latent cannot be folded into the weights");
}

std::string Model::notTrainableReason() const { return "training is available for the built-in architectures only"; }

Result<TrainingLoss> Model::trainingLoss(const at::Tensor&, const TrainingOptions&) const {
    return fail(describe() + " cannot be trained: " + notTrainableReason());
}

std::vector<ExportArtifact> Model::exportArtifacts() const { return {ExportArtifact::PackedWeights}; }

std::string Model::noTorchScriptReason() const { return "this model kind has no TorchScript form"; }

Result<std::string> Model::torchScriptArchive(ModelPrecision) const {
    return fail(describe() + ": no model.pt: " + noTorchScriptReason());
}

std::string Model::noOnnxReason() const { return "this model kind has no ONNX form"; }

Status Model::buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink&) const {
    return fail(describe() + ": no " + onnxGraphPartFile(part) + ": " + noOnnxReason());
}

const char* onnxGraphPartName(OnnxGraphPart p) {
    switch (p) {
    case OnnxGraphPart::Model: return "model";
    case OnnxGraphPart::Encoder: return "encoder";
    case OnnxGraphPart::Decoder: break;
    }
    return "decoder";
}

const char* onnxGraphPartFile(OnnxGraphPart p) {
    switch (p) {
    case OnnxGraphPart::Model: return "model.onnx";
    case OnnxGraphPart::Encoder: return "encoder.onnx";
    case OnnxGraphPart::Decoder: break;
    }
    return "decoder.onnx";
}

std::vector<Model::Activation> Model::activations(bool* complete) const {
    // What every model has: its input, its latent and its output. The rest is not known.
    const ModelInfo i = info();
    std::vector<Activation> a;
    const auto add = [&](const std::string& name, const std::vector<int64_t>& shape) {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        a.push_back({name, shape, n});
    };
    add("input", i.inputShape);
    if (i.latent.kind == LatentKind::Vector || i.latent.kind == LatentKind::Spatial) add("latent", i.latent.shape);
    add("output", i.inputShape);
    if (complete) *complete = false;
    return a;
}

std::string Model::describe() const { return info().arch; }

StateDict modelWeights(const Model& model) {
    StateDict sd;
    for (const auto& t : model.tensors()) sd.set(t.name, t.tensor);
    return sd;
}

}  // namespace pareto
