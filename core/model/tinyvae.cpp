// SPDX-License-Identifier: Apache-2.0
#include "model/tinyvae.h"
#include "common/shapetext.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/api/module.h>

#include <cmath>
#include <sstream>

namespace pareto {
namespace {

constexpr int64_t kEncoderChannels[] = {16, 32, 64};
constexpr int kEncoderBlocks = 3;
constexpr int kDecoderConvs[] = {2, 4, 6};  // Sequential indices of the ConvTranspose2d layers
constexpr double kGroupNormEps = 1e-5;
constexpr const char* kClassPrefix = "__torch__.pareto_package.";

std::string shapeText(at::IntArrayRef s) { return shapeList(s.vec()); }

std::string shapeText(const std::vector<int64_t>& s) { return shapeText(at::IntArrayRef(s)); }

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Checks names and shapes of `shapes` against the architecture; C and L read from them.
Result<TinyVaeConfig> configOf(const TensorShapes& shapes) {
    const std::vector<int64_t>* dw = nullptr;
    const std::vector<int64_t>* mu = nullptr;
    for (const auto& [name, shape] : shapes) {
        if (name == "encoder.0.depthwise.weight") dw = &shape;
        if (name == "fc_mu.weight") mu = &shape;
    }
    if (!dw || !mu) {
        return fail(std::string("not a TinyVAE state dict: missing tensor '") + (dw ? "fc_mu.weight" : "encoder.0.depthwise.weight") +
                    "'");
    }
    if (dw->size() != 4 || mu->size() != 2)
        return fail("not a TinyVAE state dict: unexpected ranks of encoder.0.depthwise.weight / fc_mu.weight");
    TinyVaeConfig c;
    c.channels = (*dw)[0];
    c.latentDim = (*mu)[0];
    if (c.channels < 1 || c.latentDim < 1) return fail("not a TinyVAE state dict: zero channels or latent size");

    const TinyVae::ShapeList expected = TinyVae::expectedShapes(c);
    for (const auto& [name, shape] : expected) {
        const std::vector<int64_t>* found = nullptr;
        for (const auto& s : shapes)
            if (s.first == name) found = &s.second;
        if (!found)
            return fail("TinyVAE (C=" + std::to_string(c.channels) + ", L=" + std::to_string(c.latentDim) + ") is missing tensor '" +
                        name + "'");
        if (*found != shape) {
            return fail("tensor '" + name + "' has shape " + shapeText(*found) + ", expected " + shapeText(shape) +
                        " for a TinyVAE with " + std::to_string(c.channels) + " channels and L=" + std::to_string(c.latentDim));
        }
    }
    for (const auto& s : shapes) {
        bool known = false;
        for (const auto& x : expected) known = known || x.first == s.first;
        if (!known) return fail("unexpected tensor '" + s.first + "' for a TinyVAE (is this another architecture?)");
    }
    return c;
}

LayerKind layerOf(const std::string& name) {
    if (name.rfind("decoder.", 0) == 0) return LayerKind::ConvTranspose;
    if (name.find(".norm.") != std::string::npos) return LayerKind::Norm;
    if (name.rfind("encoder.", 0) == 0) return LayerKind::Conv;
    return LayerKind::Linear;  // fc_mu, fc_logvar, decoder_input
}

// A module with a `training` attribute, which Module::eval() and Python's
// RecursiveScriptModule expect on every module.
torch::jit::Module makeModule(const std::string& className, const std::shared_ptr<torch::jit::CompilationUnit>& cu) {
    torch::jit::Module m(c10::QualifiedName(kClassPrefix + className), cu);
    m.register_attribute("training", c10::BoolType::get(), false);
    return m;
}

void addParams(torch::jit::Module& m, const StateDict& weights, const std::string& prefix) {
    for (const char* leaf : {"weight", "bias"}) m.register_parameter(leaf, weights.get(prefix + leaf), /*is_buffer=*/false);
}

Model::Activation act(std::string name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return {std::move(name), std::move(shape), n};
}

}  // namespace

TinyVae::ShapeList TinyVae::expectedShapes(const TinyVaeConfig& c) {
    ShapeList s;
    int64_t cin = c.channels;
    for (int i = 0; i < kEncoderBlocks; ++i) {
        const int64_t cout = kEncoderChannels[i];
        const std::string p = "encoder." + std::to_string(i) + ".";
        s.push_back({p + "depthwise.weight", {cin, 1, 3, 3}});
        s.push_back({p + "depthwise.bias", {cin}});
        s.push_back({p + "pointwise.weight", {cout, cin, 1, 1}});
        s.push_back({p + "pointwise.bias", {cout}});
        s.push_back({p + "norm.weight", {cout}});
        s.push_back({p + "norm.bias", {cout}});
        cin = cout;
    }
    const int64_t flat = TinyVaeConfig::kFlat, L = c.latentDim;
    s.push_back({"fc_mu.weight", {L, flat}});
    s.push_back({"fc_mu.bias", {L}});
    s.push_back({"fc_logvar.weight", {L, flat}});
    s.push_back({"fc_logvar.bias", {L}});
    s.push_back({"decoder_input.weight", {flat, L}});
    s.push_back({"decoder_input.bias", {flat}});
    const int64_t decIn[] = {64, 32, 16};
    const int64_t decOut[] = {32, 16, c.channels};
    for (int i = 0; i < 3; ++i) {
        const std::string p = "decoder." + std::to_string(kDecoderConvs[i]) + ".";
        s.push_back({p + "weight", {decIn[i], decOut[i], 3, 3}});  // ConvTranspose2d: [in, out, k, k]
        s.push_back({p + "bias", {decOut[i]}});
    }
    return s;
}

int64_t TinyVaeConfig::parameterCount() const {
    int64_t n = 0;
    for (const auto& [name, shape] : TinyVae::expectedShapes(*this)) {
        int64_t k = 1;
        for (int64_t d : shape) k *= d;
        n += k;
    }
    return n;
}

Result<TinyVaeConfig> TinyVae::inferConfig(const StateDict& weights) { return configOf(shapesOf(weights)); }

Result<TinyVae> TinyVae::fromStateDict(const StateDict& weights) {
    auto config = inferConfig(weights);
    if (!config) return config.error();
    StateDict ordered;
    for (const auto& [name, shape] : expectedShapes(*config)) {
        const at::Tensor t = weights.get(name);
        ordered.set(name, t.scalar_type() == at::kFloat && t.is_contiguous() ? t : t.to(at::kFloat).contiguous());
    }
    return TinyVae(*config, std::move(ordered));
}

TinyVae TinyVae::randomInit(const TinyVaeConfig& config, uint64_t seed) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    StateDict sd;
    for (const auto& [name, shape] : expectedShapes(config)) {
        at::Tensor t = at::empty(shape, at::kFloat);
        const bool isNorm = name.find(".norm.") != std::string::npos;
        if (isNorm) {
            t.fill_(endsWith(name, "weight") ? 1.0 : 0.0);
        } else {
            // PyTorch's reset_parameters: bound 1/sqrt(fan_in) for both weight and bias,
            // where fan_in uses dim 1 of the weight (so ConvTranspose2d uses out/groups).
            const std::string weightName = name.substr(0, name.rfind('.')) + ".weight";
            std::vector<int64_t> ws;
            for (const auto& [n2, s2] : expectedShapes(config))
                if (n2 == weightName) ws = s2;
            int64_t fanIn = ws.size() > 1 ? ws[1] : 1;
            for (size_t i = 2; i < ws.size(); ++i) fanIn *= ws[i];
            const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
            t.uniform_(-bound, bound, gen);
        }
        sd.set(name, t);
    }
    return TinyVae(config, std::move(sd));
}

Architecture TinyVae::architecture() {
    Architecture a;
    a.name = "tinyvae";
    a.claims = [](const TensorShapes& shapes) {
        bool dw = false, mu = false;
        for (const auto& s : shapes) {
            dw = dw || s.first == "encoder.0.depthwise.weight";
            mu = mu || s.first == "fc_mu.weight";
        }
        return dw && mu;
    };
    a.fromWeights = [](const StateDict& weights) -> Result<std::shared_ptr<const Model>> {
        auto m = fromStateDict(weights);
        if (!m) return m.error();
        return std::shared_ptr<const Model>(std::make_shared<TinyVae>(std::move(*m)));
    };
    a.describe = [](const TensorShapes& shapes) -> Result<ModelInfo> {
        auto c = configOf(shapes);
        if (!c) return c.error();
        return TinyVae::randomInit(*c, 0).info();
    };
    a.create = [](const ArchitectureConfig& c) -> Result<std::shared_ptr<const Model>> {
        if (c.channels != 1 && c.channels != 3) return fail("TinyVAE takes 1 or 3 channels, not " + std::to_string(c.channels));
        if (c.latentDim < 1) return fail("TinyVAE needs a latent size of at least 1");
        return std::shared_ptr<const Model>(std::make_shared<TinyVae>(randomInit({c.channels, c.latentDim}, c.seed)));
    };
    return a;
}

TinyVae::TinyVae(TinyVaeConfig config, StateDict weights) : m_config(config), m_weights(std::move(weights)) {}

ModelInfo TinyVae::info() const {
    ModelInfo i;
    i.arch = "tinyvae";
    i.interface = ModelInterface::Vae;
    i.inputShape = {m_config.channels, TinyVaeConfig::kImageSize, TinyVaeConfig::kImageSize};
    i.latent = {LatentKind::Vector, {m_config.latentDim}};
    i.latentDim = m_config.latentDim;
    i.params = m_config.parameterCount();
    return i;
}

std::vector<ModelTensor> TinyVae::tensors() const {
    std::vector<ModelTensor> out;
    for (const auto& e : m_weights.entries()) {
        ModelTensor t;
        t.name = e.name;
        t.tensor = e.tensor;
        t.layer = layerOf(e.name);
        const bool weight = endsWith(e.name, ".weight") && e.tensor.dim() >= 2;
        t.quantizedByDefault = weight && t.layer != LayerKind::Norm;
        t.axis = t.quantizedByDefault ? (t.layer == LayerKind::ConvTranspose ? 1 : 0) : -1;
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::shared_ptr<const Model>> TinyVae::withWeights(const StateDict& weights) const {
    auto m = fromStateDict(weights);
    if (!m) return m.error();
    if (!(m->config() == m_config))
        return fail("weights for a TinyVAE with C=" + std::to_string(m->config().channels) + ", L=" + std::to_string(m->config().latentDim) +
                    " do not fit this one (C=" + std::to_string(m_config.channels) + ", L=" + std::to_string(m_config.latentDim) + ")");
    return std::shared_ptr<const Model>(std::make_shared<TinyVae>(std::move(*m)));
}

at::Tensor TinyVae::w(const char* name) const { return m_weights.get(name); }

at::Tensor TinyVae::features(const at::Tensor& input) const {
    at::Tensor x = input;
    int64_t cin = m_config.channels;
    for (int i = 0; i < kEncoderBlocks; ++i) {
        const std::string p = "encoder." + std::to_string(i) + ".";
        const int64_t cout = kEncoderChannels[i];
        x = at::conv2d(x, m_weights.get(p + "depthwise.weight"), m_weights.get(p + "depthwise.bias"), {2, 2}, {1, 1}, {1, 1}, cin);
        x = at::conv2d(x, m_weights.get(p + "pointwise.weight"), m_weights.get(p + "pointwise.bias"));
        x = at::group_norm(x, std::min<int64_t>(4, cout), m_weights.get(p + "norm.weight"), m_weights.get(p + "norm.bias"), kGroupNormEps);
        x = at::relu(x);
        cin = cout;
    }
    // On a 64 x 64 input the map is already 8 x 8 and the pool is the identity (each output
    // the mean of one value, bit for bit): skipping it saved ~5 % of a sweep's compute.
    if (x.size(2) != TinyVaeConfig::kFeatureSize || x.size(3) != TinyVaeConfig::kFeatureSize)
        x = at::adaptive_avg_pool2d(x, {TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize});
    return x.flatten(1);
}

std::pair<at::Tensor, at::Tensor> TinyVae::encodeMuLogvar(const at::Tensor& x) const {
    const at::Tensor h = features(x);
    return {at::linear(h, w("fc_mu.weight"), w("fc_mu.bias")), at::linear(h, w("fc_logvar.weight"), w("fc_logvar.bias"))};
}

at::Tensor TinyVae::encodeNative(const at::Tensor& x) const { return at::linear(features(x), w("fc_mu.weight"), w("fc_mu.bias")); }

at::Tensor TinyVae::decodeNative(const at::Tensor& z) const {
    at::Tensor h = at::linear(z, w("decoder_input.weight"), w("decoder_input.bias"));
    h = at::relu(h.view({-1, TinyVaeConfig::kFeatureChannels, TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize}));
    for (int i = 0; i < 3; ++i) {
        const std::string p = "decoder." + std::to_string(kDecoderConvs[i]) + ".";
        h = at::conv_transpose2d(h, m_weights.get(p + "weight"), m_weights.get(p + "bias"), {2, 2}, {1, 1}, {1, 1});
        h = i < 2 ? at::relu(h) : at::sigmoid(h);
    }
    return h;
}

std::vector<OnnxGraphPart> TinyVae::onnxGraphParts() const {
    return {OnnxGraphPart::Model, OnnxGraphPart::Encoder, OnnxGraphPart::Decoder};
}

// The same arithmetic as features / encodeNative / decodeNative, in ops every runtime we
// target has at opset 13: GroupNorm (ONNX has it only from opset 18, OpenCV 4.6 not at all) is
// Reshape to [N, G, -1] + InstanceNormalization + Reshape back + per-channel Mul/Add, as
// torch.onnx.export writes it; AdaptiveAvgPool2d(8, 8) on an 8 x 8 map is the identity.
Status TinyVae::buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const {
    using A = OnnxAttribute;
    const int64_t C = m_config.channels, L = m_config.latentDim, S = TinyVaeConfig::kImageSize;
    const auto encode = [&](std::string x) {
        int64_t cin = C, size = S;
        for (int i = 0; i < kEncoderBlocks; ++i) {
            const std::string p = "encoder." + std::to_string(i) + ".";
            const int64_t cout = kEncoderChannels[i], groups = std::min<int64_t>(4, cout);
            size /= 2;
            x = sink.node("Conv", {x, sink.weight(p + "depthwise.weight"), sink.weight(p + "depthwise.bias")},
                          {A::integer("group", cin), A::integers("kernel_shape", {3, 3}), A::integers("pads", {1, 1, 1, 1}),
                           A::integers("strides", {2, 2})},
                          p + "depthwise");
            x = sink.node("Conv", {x, sink.weight(p + "pointwise.weight"), sink.weight(p + "pointwise.bias")},
                          {A::integers("kernel_shape", {1, 1})}, p + "pointwise");
            const std::vector<float> ones(static_cast<size_t>(groups), 1.0f), zeros(static_cast<size_t>(groups), 0.0f);
            x = sink.node("Reshape", {x, sink.constantInt64(p + "norm.group_shape", {0, groups, -1})}, {}, p + "norm.grouped");
            x = sink.node("InstanceNormalization",
                          {x, sink.constantFloat(p + "norm.unit_scale", {groups}, ones), sink.constantFloat(p + "norm.zero_bias", {groups}, zeros)},
                          {A::real("epsilon", static_cast<float>(kGroupNormEps))}, p + "norm.normalized");
            x = sink.node("Reshape", {x, sink.constantInt64(p + "norm.shape", {0, cout, size, size})}, {}, p + "norm.ungrouped");
            const std::string perChannel = sink.constantInt64(p + "norm.affine_shape", {cout, 1, 1});
            x = sink.node("Mul", {x, sink.node("Reshape", {sink.weight(p + "norm.weight"), perChannel}, {}, p + "norm.gamma")}, {}, p + "norm.scaled");
            x = sink.node("Add", {x, sink.node("Reshape", {sink.weight(p + "norm.bias"), perChannel}, {}, p + "norm.beta")}, {}, p + "norm");
            x = sink.node("Relu", {x}, {}, p + "relu");
            cin = cout;
        }
        x = sink.node("Flatten", {x}, {A::integer("axis", 1)}, "flatten");
        return sink.linear(x, "fc_mu.weight", "fc_mu.bias");
    };
    const auto decode = [&](const std::string& z) {
        std::string h = sink.linear(z, "decoder_input.weight", "decoder_input.bias");
        h = sink.node("Reshape", {h, sink.constantInt64("decoder.0.shape", {-1, TinyVaeConfig::kFeatureChannels, TinyVaeConfig::kFeatureSize,
                                                                              TinyVaeConfig::kFeatureSize})},
                      {}, "decoder.0");
        h = sink.node("Relu", {h}, {}, "decoder.1");
        for (int i = 0; i < 3; ++i) {
            const std::string p = "decoder." + std::to_string(kDecoderConvs[i]);
            h = sink.node("ConvTranspose", {h, sink.weight(p + ".weight"), sink.weight(p + ".bias")},
                          {A::integers("kernel_shape", {3, 3}), A::integers("output_padding", {1, 1}), A::integers("pads", {1, 1, 1, 1}),
                           A::integers("strides", {2, 2})},
                          p);
            h = sink.node(i < 2 ? "Relu" : "Sigmoid", {h}, {}, "decoder." + std::to_string(kDecoderConvs[i] + 1));
        }
        return h;
    };
    switch (part) {
    case OnnxGraphPart::Model:
        sink.output(decode(encode(sink.input("x", {C, S, S}))), "x_hat", {C, S, S});
        return Status::success();
    case OnnxGraphPart::Encoder:
        sink.output(encode(sink.input("x", {C, S, S})), "mu", {L});
        return Status::success();
    case OnnxGraphPart::Decoder:
        sink.output(decode(sink.input("z", {L})), "x_hat", {C, S, S});
        return Status::success();
    }
    return fail("tinyvae: unknown ONNX part");
}

LatentReductionSupport TinyVae::latentReductions() const {
    LatentReductionSupport s;
    s.fold = true;
    s.projection = true;
    return s;
}

// With B = basis [L, k] and m = mean:
// - mu' = B^T (mu - m):            fc_mu.weight' = B^T W_mu,  fc_mu.bias' = B^T (b_mu - m);
// - decode(z') = decode(m + B z'): decoder_input.weight' = W_d B,  decoder_input.bias' = b_d + W_d m.
//   So decode'(encode'(x)) = decode(m + B B^T (mu - m)), exactly the original at k = L.
// - logvar: the linear surrogate logvar'_j = sum_i B_ij^2 logvar_i (fc_logvar rows mixed by the
//   squared basis): the log of the weighted geometric mean of the variances, a lower bound of
//   the true log-variance (Jensen). Measurement uses mu; logvar starts a distillation.
// Every other tensor is deep-copied: the result shares no storage with this model.
Result<std::shared_ptr<const Model>> TinyVae::foldLatent(const at::Tensor& mean, const at::Tensor& basis) const {
    const int64_t L = m_config.latentDim;
    if (!basis.defined() || !mean.defined() || basis.dim() != 2 || basis.size(0) != L || mean.numel() != L)
        return fail("PCA fold: the projection is for latent size " + std::to_string(basis.defined() && basis.dim() == 2 ? basis.size(0) : 0) +
                    ", the model has L=" + std::to_string(L));
    at::NoGradGuard noGrad;
    const auto d = [&](const char* name) { return w(name).detach().to(at::kDouble); };
    const at::Tensor B = basis.to(at::kDouble), m = mean.to(at::kDouble).reshape({L});
    const at::Tensor B2 = B * B;
    const at::Tensor wMu = d("fc_mu.weight"), bMu = d("fc_mu.bias");
    const at::Tensor wLv = d("fc_logvar.weight"), bLv = d("fc_logvar.bias");
    const at::Tensor wD = d("decoder_input.weight"), bD = d("decoder_input.bias");

    StateDict folded;
    const auto put = [&](const std::string& name, const at::Tensor& t) { folded.set(name, t.to(at::kFloat).contiguous()); };
    for (const auto& e : m_weights.entries()) {
        if (e.name == "fc_mu.weight") put(e.name, B.t().mm(wMu));
        else if (e.name == "fc_mu.bias") put(e.name, B.t().mv(bMu - m));
        else if (e.name == "fc_logvar.weight") put(e.name, B2.t().mm(wLv));
        else if (e.name == "fc_logvar.bias") put(e.name, B2.t().mv(bLv));
        else if (e.name == "decoder_input.weight") put(e.name, wD.mm(B));
        else if (e.name == "decoder_input.bias") put(e.name, bD + wD.mv(m));
        else folded.set(e.name, e.tensor.detach().clone().contiguous());
    }
    auto out = fromStateDict(folded);
    if (!out) return fail("PCA fold produced an invalid TinyVAE: " + out.error().message);
    return std::shared_ptr<const Model>(std::make_shared<TinyVae>(std::move(*out)));
}

// Per image: SSE over pixels + beta * KL summed over the latent, averaged over the batch (a
// mean-reduced MSE against a summed KL collapses to the mean image). With a teacher target:
// (1 - w) SSE(x_hat, x) + w SSE(x_hat, teacher) + beta KL.
Result<TrainingLoss> TinyVae::trainingLoss(const at::Tensor& x, const TrainingOptions& o) const {
    auto [mu, logvar] = encodeMuLogvar(x);
    at::Tensor z = mu;
    if (o.sample && o.generator) z = mu + at::randn(mu.sizes(), *o.generator, mu.options()) * at::exp(0.5 * logvar);
    const at::Tensor recon = decodeNative(z);
    const at::Tensor sse = (recon - x).pow(2).flatten(1).sum(1);
    const at::Tensor kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1);
    if (!o.teacherTarget.defined()) return TrainingLoss{(sse + o.beta * kl).mean(), sse};
    const at::Tensor sseTeacher = (recon - o.teacherTarget).pow(2).flatten(1).sum(1);
    return TrainingLoss{((1.0 - o.teacherWeight) * sse + o.teacherWeight * sseTeacher + o.beta * kl).mean(), sse};
}

std::vector<ExportArtifact> TinyVae::exportArtifacts() const {
    return {ExportArtifact::PackedWeights, ExportArtifact::TorchScript, ExportArtifact::Onnx};
}

std::string TinyVae::scriptSource(const TinyVaeConfig& config, ModelPrecision precision) {
    const bool half = precision == ModelPrecision::Fp16;
    // W(expr): a weight as the op uses it.
    const auto W = [half](const std::string& e) { return half ? "(" + e + ").to(dt)" : e; };
    const std::string dtLine = half ? "    dt = x.dtype\n" : "";
    std::ostringstream s;
    s << "def features(self, x: Tensor) -> Tensor:\n" << dtLine;
    int64_t cin = config.channels;
    for (int i = 0; i < 3; ++i) {
        const std::string b = "b" + std::to_string(i);
        s << "    " << b << " = getattr(self.encoder, \"" << i << "\")\n";
        s << "    x = torch.conv2d(x, " << W(b + ".depthwise.weight") << ", " << W(b + ".depthwise.bias")
          << ", [2, 2], [1, 1], [1, 1], " << cin << ")\n";
        s << "    x = torch.conv2d(x, " << W(b + ".pointwise.weight") << ", " << W(b + ".pointwise.bias")
          << ", [1, 1], [0, 0], [1, 1], 1)\n";
        s << "    x = torch.relu(torch.group_norm(x, " << std::min<int64_t>(4, kEncoderChannels[i]) << ", " << W(b + ".norm.weight") << ", "
          << W(b + ".norm.bias") << ", 1e-05, True))\n";
        cin = kEncoderChannels[i];
    }
    s << "    x = torch.adaptive_avg_pool2d(x, [" << TinyVaeConfig::kFeatureSize << ", " << TinyVaeConfig::kFeatureSize << "])\n";
    s << "    return torch.flatten(x, 1)\n\n";

    s << "def encode(self, x: Tensor) -> Tuple[Tensor, Tensor]:\n" << dtLine;
    s << "    h = self.features(x)\n";
    s << "    return torch.linear(h, " << W("self.fc_mu.weight") << ", " << W("self.fc_mu.bias") << "), torch.linear(h, "
      << W("self.fc_logvar.weight") << ", " << W("self.fc_logvar.bias") << ")\n\n";

    s << "def decode(self, z: Tensor) -> Tensor:\n" << (half ? "    dt = z.dtype\n" : "");
    s << "    h = torch.linear(z, " << W("self.decoder_input.weight") << ", " << W("self.decoder_input.bias") << ")\n";
    s << "    h = torch.relu(h.view([-1, " << TinyVaeConfig::kFeatureChannels << ", " << TinyVaeConfig::kFeatureSize << ", "
      << TinyVaeConfig::kFeatureSize << "]))\n";
    for (int i = 0; i < 3; ++i) {
        const std::string d = "d" + std::to_string(kDecoderConvs[i]);
        s << "    " << d << " = getattr(self.decoder, \"" << kDecoderConvs[i] << "\")\n";
        const std::string conv = "torch.conv_transpose2d(h, " + W(d + ".weight") + ", " + W(d + ".bias") + ", [2, 2], [1, 1], [1, 1], 1, [1, 1])";
        s << "    h = " << (i < 2 ? "torch.relu(" : "torch.sigmoid(") << conv << ")\n";
    }
    s << "    return h\n\n";

    s << "def forward(self, x: Tensor) -> Tensor:\n";
    s << "    mu, logvar = self.encode(x)\n";
    s << "    return self.decode(mu)\n";
    return s.str();
}

// Submodules mirror SAGE's (encoder.0.depthwise, ..., decoder.6), so named_parameters() and
// state_dict() use SAGE's names; the weights are copies (float32, or rounded to float16),
// never this model's own storage; attributes in_channels, latent_dim and precision describe it.
Result<std::string> TinyVae::torchScriptArchive(ModelPrecision precision) const {
    try {
        StateDict wt;
        for (const auto& e : m_weights.entries()) {
            at::Tensor t = e.tensor.detach().to(at::kFloat);
            t = precision == ModelPrecision::Fp16 ? t.to(at::kHalf) : t;
            wt.set(e.name, t.clone(at::MemoryFormat::Contiguous));
        }
        auto cu = std::make_shared<torch::jit::CompilationUnit>();
        torch::jit::Module root = makeModule("TinyVAE", cu);
        torch::jit::Module encoder = makeModule("Encoder", cu);
        for (int i = 0; i < 3; ++i) {
            const std::string p = "encoder." + std::to_string(i) + ".";
            torch::jit::Module block = makeModule("EncoderBlock" + std::to_string(i), cu);
            for (const char* part : {"depthwise", "pointwise", "norm"}) {
                torch::jit::Module leaf = makeModule("EncoderBlock" + std::to_string(i) + "_" + part, cu);
                addParams(leaf, wt, p + part + ".");
                block.register_module(part, leaf);
            }
            encoder.register_module(std::to_string(i), block);
        }
        root.register_module("encoder", encoder);
        for (const char* fc : {"fc_mu", "fc_logvar", "decoder_input"}) {
            torch::jit::Module m = makeModule(std::string("Linear_") + fc, cu);
            addParams(m, wt, std::string(fc) + ".");
            root.register_module(fc, m);
        }
        torch::jit::Module decoder = makeModule("Decoder", cu);
        for (int i : kDecoderConvs) {
            torch::jit::Module m = makeModule("ConvTranspose" + std::to_string(i), cu);
            addParams(m, wt, "decoder." + std::to_string(i) + ".");
            decoder.register_module(std::to_string(i), m);
        }
        root.register_module("decoder", decoder);
        root.register_attribute("in_channels", c10::IntType::get(), m_config.channels);
        root.register_attribute("latent_dim", c10::IntType::get(), m_config.latentDim);
        root.register_attribute("precision", c10::StringType::get(), std::string(modelPrecisionName(precision)));
        root.define(scriptSource(m_config, precision));
        std::ostringstream out;
        root.save(out);
        return out.str();
    } catch (const std::exception& e) {
        std::string msg = e.what();
        const auto nl = msg.find('\n');
        if (nl != std::string::npos) msg.resize(nl);
        return fail("cannot build the TorchScript model: " + msg);
    }
}

// C x 64 x 64 -> 16 x 32 x 32 -> 32 x 16 x 16 -> 64 x 8 x 8 -> L (mu and logvar) -> 4096 ->
// 32 x 16 x 16 -> 16 x 32 x 32 -> C x 64 x 64. Views (flatten, unflatten) allocate nothing.
std::vector<Model::Activation> TinyVae::activations(bool* complete) const {
    const TinyVaeConfig& c = m_config;
    const int64_t S = TinyVaeConfig::kImageSize;
    std::vector<Activation> a;
    a.push_back(act("input", {c.channels, S, S}));
    int64_t cin = c.channels, size = S;
    for (int i = 0; i < 3; ++i) {
        size /= 2;  // stride-2 depthwise conv, padding 1
        const std::string p = "encoder." + std::to_string(i) + ".";
        a.push_back(act(p + "depthwise", {cin, size, size}));
        a.push_back(act(p + "pointwise", {kEncoderChannels[i], size, size}));
        a.push_back(act(p + "norm", {kEncoderChannels[i], size, size}));
        a.push_back(act(p + "relu", {kEncoderChannels[i], size, size}));
        cin = kEncoderChannels[i];
    }
    a.push_back(act("pool", {TinyVaeConfig::kFeatureChannels, TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize}));
    a.push_back(act("fc_mu", {c.latentDim}));
    a.push_back(act("fc_logvar", {c.latentDim}));
    a.push_back(act("decoder_input", {TinyVaeConfig::kFlat}));
    a.push_back(act("decoder.1", {TinyVaeConfig::kFlat}));  // ReLU after the unflatten view
    const int64_t decOut[] = {32, 16, c.channels};
    size = TinyVaeConfig::kFeatureSize;
    for (int i = 0; i < 3; ++i) {
        size *= 2;
        a.push_back(act("decoder." + std::to_string(kDecoderConvs[i]), {decOut[i], size, size}));
        a.push_back(act("decoder." + std::to_string(kDecoderConvs[i] + 1), {decOut[i], size, size}));  // ReLU / Sigmoid
    }
    if (complete) *complete = true;
    return a;
}

std::string TinyVae::describe() const {
    return "tinyvae (C=" + std::to_string(m_config.channels) + ", L=" + std::to_string(m_config.latentDim) + ")";
}

}  // namespace pareto
