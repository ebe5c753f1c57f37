// SPDX-License-Identifier: Apache-2.0
#include "model/projectedmodel.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <sstream>

namespace pareto {
namespace {

const char* kBasis = "pca.basis";
const char* kMean = "pca.mean";

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

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
    for (ExportArtifact a : m_base->exportArtifacts())
        if (a == ExportArtifact::TorchScript) return {ExportArtifact::PackedWeights, ExportArtifact::TorchScript};
    return {ExportArtifact::PackedWeights};
}

std::string ProjectedModel::noTorchScriptReason() const { return m_base->noTorchScriptReason(); }

std::string ProjectedModel::noOnnxReason() const { return m_base->noOnnxReason(); }

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
