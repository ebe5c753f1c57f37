// SPDX-License-Identifier: Apache-2.0
#include "model/projectedmodel.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <algorithm>
#include <sstream>

namespace pareto {
namespace {

const char* kBasis = "pca.basis";
const char* kMean = "pca.mean";

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// Passes a base model's graph through to `sink`, except its ends: the graph input can be an
// existing value (the projection's output, for the decoder), and the graph output is kept as
// a value to build on (the encoder's mu) instead of marked.
class RedirectingSink final : public OnnxGraphSink {
public:
    RedirectingSink(OnnxGraphSink& sink, std::string inputValue) : m_sink(sink), m_inputValue(std::move(inputValue)) {}
    std::string input(const std::string& name, const std::vector<int64_t>& dims, int64_t batch) override {
        if (!m_inputValue.empty()) return m_inputValue;
        m_batch = batch;
        return m_sink.input(name, dims, batch);
    }
    void output(const std::string& value, const std::string&, const std::vector<int64_t>&, int64_t batch) override {
        m_outputValue = value;
        m_batch = m_batch > 0 ? m_batch : batch;
    }
    std::string weight(const std::string& name) override { return m_sink.weight(name); }
    std::string linear(const std::string& x, const std::string& w, const std::string& b) override { return m_sink.linear(x, w, b); }
    std::string constantInt64(const std::string& name, const std::vector<int64_t>& values) override { return m_sink.constantInt64(name, values); }
    std::string constantFloat(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) override {
        return m_sink.constantFloat(name, dims, values);
    }
    std::string graph(const std::string& proto, const std::string& in, const std::vector<std::pair<std::string, std::string>>& tensors,
                      const std::string& prefix) override {
        return m_sink.graph(proto, in, tensors, prefix);
    }
    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<OnnxAttribute>& attributes,
                     const std::string& hint) override {
        return m_sink.node(op, inputs, attributes, hint);
    }
    const std::string& outputValue() const { return m_outputValue; }
    int64_t batch() const { return m_batch; }

private:
    OnnxGraphSink& m_sink;
    std::string m_inputValue, m_outputValue;
    int64_t m_batch = 0;
};

// Records the batch a model's graph part declares for its input, building nothing.
class BatchProbeSink final : public OnnxGraphSink {
public:
    std::string input(const std::string& name, const std::vector<int64_t>&, int64_t batch) override {
        m_batch = batch;
        return name;
    }
    void output(const std::string&, const std::string&, const std::vector<int64_t>&, int64_t) override {}
    std::string weight(const std::string& name) override { return name; }
    std::string linear(const std::string& x, const std::string&, const std::string&) override { return x; }
    std::string constantInt64(const std::string& name, const std::vector<int64_t>&) override { return name; }
    std::string constantFloat(const std::string& name, const std::vector<int64_t>&, const std::vector<float>&) override { return name; }
    std::string graph(const std::string&, const std::string& in, const std::vector<std::pair<std::string, std::string>>&,
                      const std::string&) override {
        return in;
    }
    std::string node(const std::string& op, const std::vector<std::string>&, const std::vector<OnnxAttribute>&, const std::string&) override {
        return op;
    }
    int64_t batch() const { return m_batch; }

private:
    int64_t m_batch = 0;
};

bool hasPart(const std::vector<OnnxGraphPart>& parts, OnnxGraphPart p) { return std::find(parts.begin(), parts.end(), p) != parts.end(); }

}  // namespace

ProjectedModel::ProjectedModel(std::shared_ptr<const Model> base, at::Tensor mean, at::Tensor basis)
    : m_base(std::move(base)), m_mean(std::move(mean)), m_basis(std::move(basis)) {}

Result<std::shared_ptr<const ProjectedModel>> ProjectedModel::create(std::shared_ptr<const Model> base, const at::Tensor& mean,
                                                                     const at::Tensor& basis) {
    if (!base) return fail("PCA projection: no base model");
    const ModelInfo i = base->info();
    if (i.interface != ModelInterface::Vae || (i.latent.kind != LatentKind::Vector && i.latent.kind != LatentKind::Spatial))
        return fail("PCA projection needs a VAE with a vector or spatial latent; " + base->describe() + " has a " +
                    latentKindName(i.latent.kind) + " latent");
    const int64_t L = i.latentDim;
    if (!basis.defined() || basis.dim() != 2 || basis.size(0) != L || basis.size(1) < 1 || basis.size(1) > L || !mean.defined() ||
        mean.numel() != L)
        return fail("PCA projection is for latent size " + std::to_string(basis.defined() && basis.dim() == 2 ? basis.size(0) : 0) +
                    ", the model has L=" + std::to_string(L));
    return std::shared_ptr<const ProjectedModel>(new ProjectedModel(std::move(base), mean.detach().to(at::kFloat).reshape({L}).contiguous().clone(),
                                                                    basis.detach().to(at::kFloat).contiguous().clone()));
}

ModelInfo ProjectedModel::info() const {
    ModelInfo i = m_base->info();
    i.latent.shape[0] = k();
    i.latentDim = k();
    i.params += m_basis.numel() + m_mean.numel();
    return i;
}

std::vector<ModelTensor> ProjectedModel::tensors() const {
    std::vector<ModelTensor> t = m_base->tensors();
    // The projection is stored as is, in FP32: it is what makes the latent smaller.
    t.push_back({kBasis, m_basis, LayerKind::Other, -1, false, false});
    t.push_back({kMean, m_mean, LayerKind::Other, -1, false, false});
    return t;
}

Result<std::shared_ptr<const Model>> ProjectedModel::withWeights(const StateDict& weights) const {
    const at::Tensor* basis = weights.find(kBasis);
    const at::Tensor* mean = weights.find(kMean);
    if (!basis || !mean) return fail("weights for a projected model lack pca.basis or pca.mean");
    StateDict baseWeights;
    for (const auto& e : weights.entries())
        if (e.name != kBasis && e.name != kMean) baseWeights.set(e.name, e.tensor);
    auto base = m_base->withWeights(baseWeights);
    if (!base) return base.error();
    if (basis->sizes() != m_basis.sizes() || mean->numel() != m_mean.numel()) return fail("pca.basis or pca.mean has another shape");
    return std::shared_ptr<const Model>(new ProjectedModel(std::move(*base), mean->to(at::kFloat).reshape({m_mean.numel()}),
                                                           basis->to(at::kFloat)));
}

// z [N, L] -> [N, k]; z [N, C, h, w] -> [N, k, h, w] (each position's C-vector).
at::Tensor ProjectedModel::project(const at::Tensor& z) const {
    if (z.dim() == 2) return (z.to(at::kFloat) - m_mean).mm(m_basis);
    const at::Tensor v = z.to(at::kFloat).permute({0, 2, 3, 1});
    return at::matmul(v - m_mean, m_basis).permute({0, 3, 1, 2}).contiguous();
}

at::Tensor ProjectedModel::unproject(const at::Tensor& z) const {
    if (z.dim() == 2) return z.to(at::kFloat).mm(m_basis.t()) + m_mean;
    const at::Tensor v = z.to(at::kFloat).permute({0, 2, 3, 1});
    return (at::matmul(v, m_basis.t()) + m_mean).permute({0, 3, 1, 2}).contiguous();
}

at::Tensor ProjectedModel::encodeNative(const at::Tensor& x) const { return project(m_base->encodeNative(x)); }

at::Tensor ProjectedModel::decodeNative(const at::Tensor& z) const { return m_base->decodeNative(unproject(z)); }

LatentReductionSupport ProjectedModel::latentReductions() const {
    LatentReductionSupport s;
    s.reason = "the latent is already reduced by a projection; reduce the original model instead";
    return s;
}

std::string ProjectedModel::notTrainableReason() const { return "a projected model is not trained; distil from the original instead"; }

std::vector<ExportArtifact> ProjectedModel::exportArtifacts() const {
    std::vector<ExportArtifact> out{ExportArtifact::PackedWeights};
    for (ExportArtifact a : m_base->exportArtifacts())
        if (a == ExportArtifact::TorchScript) out.push_back(a);
    if (!onnxGraphParts().empty()) out.push_back(ExportArtifact::Onnx);
    return out;
}

std::string ProjectedModel::noTorchScriptReason() const { return m_base->noTorchScriptReason(); }

std::string ProjectedModel::noOnnxReason() const {
    if (!onnxGraphParts().empty()) return {};
    const std::string base = m_base->noOnnxReason();
    return !base.empty() ? base : "the projection runs between an encoder and a decoder graph, which " + m_base->describe() + " does not have";
}

std::vector<OnnxGraphPart> ProjectedModel::onnxGraphParts() const {
    const auto artifacts = m_base->exportArtifacts();
    const std::vector<OnnxGraphPart> parts = m_base->onnxGraphParts();
    if (std::find(artifacts.begin(), artifacts.end(), ExportArtifact::Onnx) == artifacts.end() || !hasPart(parts, OnnxGraphPart::Encoder) ||
        !hasPart(parts, OnnxGraphPart::Decoder) || m_base->onnxLatentStep().kind != OnnxLatentStep::Kind::None)
        return {};
    return {OnnxGraphPart::Model, OnnxGraphPart::Encoder, OnnxGraphPart::Decoder};
}

Status ProjectedModel::buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const {
    if (onnxGraphParts().empty()) return fail(describe() + ": no ONNX graph: " + noOnnxReason());
    const ModelInfo i = info();
    const bool spatial = i.latent.kind == LatentKind::Spatial;
    // [N, C, h, w] <-> [N, h, w, C]: the projection acts on each position's C-vector.
    const auto toLast = [&](const std::string& v) { return sink.node("Transpose", {v}, {OnnxAttribute::integers("perm", {0, 2, 3, 1})}, "pca.nhwc"); };
    const auto toChannels = [&](const std::string& v) { return sink.node("Transpose", {v}, {OnnxAttribute::integers("perm", {0, 3, 1, 2})}, "pca.nchw"); };
    // z' = (mu - m) B
    const auto project = [&](std::string mu) {
        if (spatial) mu = toLast(mu);
        std::string z = sink.node("MatMul", {sink.node("Sub", {mu, sink.weight(kMean)}, {}, "pca.centred"), sink.weight(kBasis)}, {}, "pca.project");
        return spatial ? toChannels(z) : z;
    };
    // m + z' B^T (Gemm takes B as [L, k] with transB = 1; per position through MatMul for a spatial code)
    const auto unproject = [&](std::string z) {
        if (!spatial) return sink.node("Gemm", {z, sink.weight(kBasis), sink.weight(kMean)}, {OnnxAttribute::integer("transB", 1)}, "pca.unproject");
        const std::string basisT = sink.node("Transpose", {sink.weight(kBasis)}, {OnnxAttribute::integers("perm", {1, 0})}, "pca.basis_t");
        return toChannels(sink.node("Add", {sink.node("MatMul", {toLast(z), basisT}, {}, "pca.unproject"), sink.weight(kMean)}, {}, "pca.uncentred"));
    };
    const auto encoder = [&](RedirectingSink& r) -> Result<std::string> {
        if (Status st = m_base->buildOnnxGraph(OnnxGraphPart::Encoder, r); !st) return st.error();
        return project(r.outputValue());
    };
    const auto decoder = [&](const std::string& z, int64_t batch) -> Status {
        RedirectingSink r(sink, unproject(z));
        if (Status st = m_base->buildOnnxGraph(OnnxGraphPart::Decoder, r); !st) return st;
        sink.output(r.outputValue(), "x_hat", i.inputShape, batch);
        return Status::success();
    };
    // A base graph made for a fixed batch keeps it (its reshapes may hold it).
    BatchProbeSink probe;
    (void)m_base->buildOnnxGraph(OnnxGraphPart::Decoder, probe);
    if (part == OnnxGraphPart::Decoder) return decoder(sink.input("z", i.latent.shape, probe.batch()), probe.batch());
    RedirectingSink enc(sink, {});
    auto z = encoder(enc);
    if (!z) return z.error();
    if (part == OnnxGraphPart::Encoder) {
        sink.output(*z, "mu", i.latent.shape, enc.batch());
        return Status::success();
    }
    return decoder(*z, enc.batch() > 0 ? enc.batch() : probe.batch());
}

// The base's own model.pt as submodule `base`, the projection as buffers between its encode
// and decode.
Result<std::string> ProjectedModel::torchScriptArchive(ModelPrecision precision) const {
    auto baseArchive = m_base->torchScriptArchive(precision);
    if (!baseArchive) return baseArchive.error();
    try {
        std::istringstream in(*baseArchive);
        torch::jit::Module base = torch::jit::load(in, at::Device(at::kCPU));  // our own bytes, from a trusted model
        const auto& returns = base.get_method("encode").function().getSchema().returns();
        const bool tuple = !returns.empty() && returns[0].type()->kind() == c10::TypeKind::TupleType;
        const bool spatial = info().latent.kind == LatentKind::Spatial;
        auto cu = std::make_shared<torch::jit::CompilationUnit>();
        torch::jit::Module root(c10::QualifiedName("__torch__.pareto_package.ProjectedModel"), cu);
        root.register_attribute("training", c10::BoolType::get(), false);
        root.register_module("base", base);
        root.register_buffer("pca_mean", m_mean.clone());
        root.register_buffer("pca_basis", m_basis.clone());
        std::ostringstream s;
        s << "def encode(self, x: Tensor) -> Tensor:\n";
        s << "    mu = self.base.encode(x)" << (tuple ? "[0]" : "") << "\n";
        if (spatial) s << "    return torch.matmul(mu.permute([0, 2, 3, 1]) - self.pca_mean, self.pca_basis).permute([0, 3, 1, 2])\n\n";
        else s << "    return torch.mm(mu - self.pca_mean, self.pca_basis)\n\n";
        s << "def decode(self, z: Tensor) -> Tensor:\n";
        if (spatial)
            s << "    v = torch.matmul(z.permute([0, 2, 3, 1]), self.pca_basis.t()) + self.pca_mean\n"
                 "    return self.base.decode(v.permute([0, 3, 1, 2]))\n\n";
        else s << "    return self.base.decode(torch.mm(z, self.pca_basis.t()) + self.pca_mean)\n\n";
        s << "def forward(self, x: Tensor) -> Tensor:\n    return self.decode(self.encode(x))\n";
        root.define(s.str());
        std::ostringstream out;
        root.save(out);
        return out.str();
    } catch (const std::exception& e) {
        return fail(describe() + ": cannot build its TorchScript model (" + firstLine(e.what()) + ")");
    }
}

std::string ProjectedModel::describe() const { return m_base->describe() + " with a PCA projection to k=" + std::to_string(k()); }

}  // namespace pareto
