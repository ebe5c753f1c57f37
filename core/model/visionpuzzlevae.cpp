// SPDX-License-Identifier: Apache-2.0
#include "model/visionpuzzlevae.h"
#include "common/shapetext.h"

#include "model/nearestcode.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/api/module.h>

#include <cmath>
#include <sstream>

namespace pareto {
namespace {

using Config = VisionPuzzleVaeConfig;

constexpr double kBatchNormEps = 1e-5;
constexpr double kBatchNormMomentum = 0.1;
constexpr double kCommitmentCost = 0.25;  // SAGE's VectorQuantizer default
constexpr const char* kClassPrefix = "__torch__.pareto_package.";
constexpr const char* kCodebook = "vq.codebook.weight";

// One layer of encoder.encoder / decoder.decoder: its Sequential index and shape.
struct Layer {
    enum Kind { Conv, ConvT, Norm } kind;
    int index;
    int64_t in, out, kernel;  // in = out for Norm; -1 stands for L
};

// Encoder: 0 Conv(3,32,4,2,1) 1 BN 2 ReLU 3 Conv(32,64) 4 BN 5 ReLU 6 Conv(64,128) 7 BN 8 ReLU
// 9 Upsample(30x30) 10 Conv(128,L,1).
const Layer kEncoder[] = {{Layer::Conv, 0, 3, 32, 4},   {Layer::Norm, 1, 32, 32, 0},   {Layer::Conv, 3, 32, 64, 4},
                          {Layer::Norm, 4, 64, 64, 0},  {Layer::Conv, 6, 64, 128, 4},  {Layer::Norm, 7, 128, 128, 0},
                          {Layer::Conv, 10, 128, -1, 1}};
// Decoder: 0 Conv(L,128,1) 1 BN 2 ReLU 3 ConvT(128,64,4,2,1) 4 BN 5 ReLU 6 ConvT(64,32) 7 BN 8 ReLU
// 9 ConvT(32,3) (240x240) 10 Upsample(224x224) 11 Tanh.
const Layer kDecoder[] = {{Layer::Conv, 0, -1, 128, 1},  {Layer::Norm, 1, 128, 128, 0}, {Layer::ConvT, 3, 128, 64, 4},
                          {Layer::Norm, 4, 64, 64, 0},   {Layer::ConvT, 6, 64, 32, 4},  {Layer::Norm, 7, 32, 32, 0},
                          {Layer::ConvT, 9, 32, 3, 4}};


bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string layerPrefix(bool encoder, int index) { return std::string(encoder ? "encoder.encoder." : "decoder.decoder.") + std::to_string(index) + "."; }

void addLayerShapes(TensorShapes& s, const std::string& p, const Layer& l, int64_t L) {
    const int64_t in = l.in < 0 ? L : l.in, out = l.out < 0 ? L : l.out;
    switch (l.kind) {
        case Layer::Conv:
            s.push_back({p + "weight", {out, in, l.kernel, l.kernel}});
            s.push_back({p + "bias", {out}});
            break;
        case Layer::ConvT:  // ConvTranspose2d weights are [in, out, k, k]
            s.push_back({p + "weight", {in, out, l.kernel, l.kernel}});
            s.push_back({p + "bias", {out}});
            break;
        case Layer::Norm:
            for (const char* leaf : {"weight", "bias", "running_mean", "running_var"}) s.push_back({p + leaf, {out}});
            break;
    }
}

bool isBuffer(const std::string& name) { return endsWith(name, ".running_mean") || endsWith(name, ".running_var"); }

// The layer a tensor name belongs to, or null (the codebook).
const Layer* layerOf(const std::string& name, bool* encoder) {
    for (int e = 0; e < 2; ++e) {
        const bool enc = e == 0;
        const Layer* begin = enc ? std::begin(kEncoder) : std::begin(kDecoder);
        const Layer* end = enc ? std::end(kEncoder) : std::end(kDecoder);
        for (const Layer* l = begin; l != end; ++l)
            if (name.rfind(layerPrefix(enc, l->index), 0) == 0) {
                if (encoder) *encoder = enc;
                return l;
            }
    }
    return nullptr;
}

torch::jit::Module makeModule(const std::string& className, const std::shared_ptr<torch::jit::CompilationUnit>& cu) {
    torch::jit::Module m(c10::QualifiedName(kClassPrefix + className), cu);
    m.register_attribute("training", c10::BoolType::get(), false);
    return m;
}

Model::Activation act(std::string name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return {std::move(name), std::move(shape), n};
}

// SAGE maps [0, 1] images to [-1, 1] itself, when the batch's minimum is >= 0.
at::Tensor mapInput(const at::Tensor& x) { return x.min().item<double>() >= 0 ? x * 2 - 1 : x; }

}  // namespace

TensorShapes VisionPuzzleVae::expectedShapes(const VisionPuzzleVaeConfig& c) {
    TensorShapes s;
    for (const Layer& l : kEncoder) addLayerShapes(s, layerPrefix(true, l.index), l, c.latentDim);
    s.push_back({kCodebook, {c.numCodes, c.latentDim}});
    for (const Layer& l : kDecoder) addLayerShapes(s, layerPrefix(false, l.index), l, c.latentDim);
    return s;
}

int64_t VisionPuzzleVaeConfig::parameterCount() const {
    int64_t n = 0;
    for (const auto& [name, shape] : VisionPuzzleVae::expectedShapes(*this)) {
        if (isBuffer(name)) continue;
        int64_t k = 1;
        for (int64_t d : shape) k *= d;
        n += k;
    }
    return n;
}

int64_t VisionPuzzleVaeConfig::bufferCount() const {
    int64_t n = 0;
    for (const auto& [name, shape] : VisionPuzzleVae::expectedShapes(*this))
        if (isBuffer(name)) n += shape[0];
    return n;
}

Result<VisionPuzzleVaeConfig> VisionPuzzleVae::configOf(const TensorShapes& shapes) {
    const std::vector<int64_t>* cb = nullptr;
    for (const auto& [name, shape] : shapes)
        if (name == kCodebook) cb = &shape;
    if (!cb) return fail(std::string("not a VisionPuzzleVAE state dict: missing tensor '") + kCodebook + "'");
    if (cb->size() != 2 || (*cb)[0] < 1 || (*cb)[1] < 1)
        return fail(std::string("VisionPuzzleVAE: '") + kCodebook + "' has shape " + shapeList(*cb) + ", expected [codes, L]");
    Config c;
    c.numCodes = (*cb)[0];
    c.latentDim = (*cb)[1];
    const std::string what = "a VisionPuzzleVAE with " + std::to_string(c.numCodes) + " codes of width L=" + std::to_string(c.latentDim);
    const TensorShapes expected = expectedShapes(c);
    for (const auto& [name, shape] : expected) {
        const std::vector<int64_t>* found = nullptr;
        for (const auto& s : shapes)
            if (s.first == name) found = &s.second;
        if (!found) return fail(what + " is missing tensor '" + name + "'");
        if (*found != shape) return fail("tensor '" + name + "' has shape " + shapeList(*found) + ", expected " + shapeList(shape) + " for " + what);
    }
    for (const auto& s : shapes) {
        if (endsWith(s.first, ".num_batches_tracked")) continue;  // an integer step counter, not computed with
        bool known = false;
        for (const auto& x : expected) known = known || x.first == s.first;
        if (!known) return fail("unexpected tensor '" + s.first + "' for a VisionPuzzleVAE (is this another architecture?)");
    }
    return c;
}

Result<VisionPuzzleVae> VisionPuzzleVae::fromStateDict(const StateDict& weights) {
    auto config = configOf(shapesOf(weights));
    if (!config) return config.error();
    StateDict ordered;
    for (const auto& [name, shape] : expectedShapes(*config)) {
        const at::Tensor t = weights.get(name);
        // No copy of float32 contiguous tensors: training updates exactly the tensors it gave.
        ordered.set(name, t.scalar_type() == at::kFloat && t.is_contiguous() ? t : t.to(at::kFloat).contiguous());
    }
    return VisionPuzzleVae(*config, std::move(ordered));
}

VisionPuzzleVae VisionPuzzleVae::randomInit(const VisionPuzzleVaeConfig& config, uint64_t seed) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    const TensorShapes shapes = expectedShapes(config);
    StateDict sd;
    for (const auto& [name, shape] : shapes) {
        at::Tensor t = at::empty(shape, at::kFloat);
        bool enc = false;
        const Layer* l = layerOf(name, &enc);
        if (!l) {
            const double bound = 1.0 / static_cast<double>(config.numCodes);
            t.uniform_(-bound, bound, gen);
        } else if (l->kind == Layer::Norm) {
            t.fill_(endsWith(name, ".weight") || endsWith(name, ".running_var") ? 1.0 : 0.0);
        } else {
            // PyTorch's reset_parameters: bound 1/sqrt(fan_in), fan_in from dim 1 of the
            // weight times the kernel (so a ConvTranspose2d uses its output channels).
            const std::string wn = name.substr(0, name.rfind('.')) + ".weight";
            std::vector<int64_t> ws;
            for (const auto& [n2, s2] : shapes)
                if (n2 == wn) ws = s2;
            const int64_t fanIn = ws[1] * ws[2] * ws[3];
            const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
            t.uniform_(-bound, bound, gen);
        }
        sd.set(name, t);
    }
    return VisionPuzzleVae(config, std::move(sd));
}

Architecture VisionPuzzleVae::architecture() {
    Architecture a;
    a.name = "visionpuzzlevae";
    a.claims = [](const TensorShapes& shapes) {
        bool cb = false, enc = false;
        for (const auto& s : shapes) {
            cb = cb || s.first == kCodebook;
            enc = enc || s.first == "encoder.encoder.0.weight";
        }
        return cb && enc;
    };
    a.fromWeights = [](const StateDict& weights) -> Result<std::shared_ptr<const Model>> {
        auto m = fromStateDict(weights);
        if (!m) return m.error();
        return std::shared_ptr<const Model>(std::make_shared<VisionPuzzleVae>(std::move(*m)));
    };
    a.describe = [](const TensorShapes& shapes) -> Result<ModelInfo> {
        auto c = configOf(shapes);
        if (!c) return c.error();
        return VisionPuzzleVae(*c, StateDict()).info();
    };
    a.create = [](const ArchitectureConfig& c) -> Result<std::shared_ptr<const Model>> {
        // The input is RGB; gray images are replicated to it when loaded in the model's shape.
        if (c.channels != 1 && c.channels != 3)
            return fail("VisionPuzzleVAE takes RGB (3 channels; gray images are replicated), not " + std::to_string(c.channels));
        if (c.latentDim < 1) return fail("VisionPuzzleVAE needs a code width of at least 1");
        return std::shared_ptr<const Model>(std::make_shared<VisionPuzzleVae>(randomInit({c.latentDim, 10}, c.seed)));
    };
    return a;
}

VisionPuzzleVae::VisionPuzzleVae(VisionPuzzleVaeConfig config, StateDict weights) : m_config(config), m_weights(std::move(weights)) {}

ModelInfo VisionPuzzleVae::info() const {
    ModelInfo i;
    i.arch = "visionpuzzlevae";
    i.interface = ModelInterface::Vae;
    i.inputShape = {Config::kChannels, Config::kImageSize, Config::kImageSize};
    i.inputRange = {0.0, 1.0};
    i.outputRange = {-1.0, 1.0};
    i.latent = {LatentKind::Codebook, {m_config.numCodes, m_config.latentDim}};
    i.latentDim = m_config.latentDim;
    i.params = m_config.parameterCount();
    i.bufferValues = m_config.bufferCount();
    return i;
}

std::vector<ModelTensor> VisionPuzzleVae::tensors() const {
    std::vector<ModelTensor> out;
    for (const auto& e : m_weights.entries()) {
        ModelTensor t;
        t.name = e.name;
        t.tensor = e.tensor;
        bool enc = false;
        const Layer* l = layerOf(e.name, &enc);
        t.layer = !l ? LayerKind::Embedding : l->kind == Layer::Norm ? LayerKind::Norm : l->kind == Layer::ConvT ? LayerKind::ConvTranspose : LayerKind::Conv;
        t.buffer = isBuffer(e.name);
        t.quantizedByDefault = t.layer != LayerKind::Norm && endsWith(e.name, ".weight");
        t.axis = t.quantizedByDefault ? (t.layer == LayerKind::ConvTranspose ? 1 : 0) : -1;
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::shared_ptr<const Model>> VisionPuzzleVae::withWeights(const StateDict& weights) const {
    auto m = fromStateDict(weights);
    if (!m) return m.error();
    if (!(m->config() == m_config))
        return fail("weights for a VisionPuzzleVAE with L=" + std::to_string(m->config().latentDim) + " do not fit this one (L=" +
                    std::to_string(m_config.latentDim) + ")");
    return std::shared_ptr<const Model>(std::make_shared<VisionPuzzleVae>(std::move(*m)));
}

at::Tensor VisionPuzzleVae::batchNorm(const at::Tensor& x, const std::string& p, bool training) const {
    return at::batch_norm(x, m_weights.get(p + "weight"), m_weights.get(p + "bias"), m_weights.get(p + "running_mean"),
                          m_weights.get(p + "running_var"), training, kBatchNormMomentum, kBatchNormEps, /*cudnn_enabled=*/false);
}

at::Tensor VisionPuzzleVae::encoderOutput(const at::Tensor& input, bool training) const {
    at::Tensor x = input;
    for (int i : {0, 3, 6}) {
        const std::string p = layerPrefix(true, i);
        x = at::conv2d(x, m_weights.get(p + "weight"), m_weights.get(p + "bias"), {2, 2}, {1, 1});
        x = at::relu(batchNorm(x, layerPrefix(true, i + 1), training));
    }
    x = at::upsample_bilinear2d(x, {Config::kGridSize, Config::kGridSize}, /*align_corners=*/false);
    return at::conv2d(x, m_weights.get("encoder.encoder.10.weight"), m_weights.get("encoder.encoder.10.bias"));
}

at::Tensor VisionPuzzleVae::decoderOutput(const at::Tensor& q, bool training) const {
    at::Tensor h = at::conv2d(q, m_weights.get("decoder.decoder.0.weight"), m_weights.get("decoder.decoder.0.bias"));
    h = at::relu(batchNorm(h, "decoder.decoder.1.", training));
    for (int i : {3, 6, 9}) {
        const std::string p = layerPrefix(false, i);
        h = at::conv_transpose2d(h, m_weights.get(p + "weight"), m_weights.get(p + "bias"), {2, 2}, {1, 1});
        if (i < 9) h = at::relu(batchNorm(h, layerPrefix(false, i + 1), training));
    }
    h = at::upsample_bilinear2d(h, {Config::kImageSize, Config::kImageSize}, /*align_corners=*/false);
    return at::tanh(h);
}

at::Tensor VisionPuzzleVae::encodeNative(const at::Tensor& x) const { return encoderOutput(mapInput(x), false); }

at::Tensor VisionPuzzleVae::nearestCodes(const at::Tensor& z) const { return nearestCodeIndices(z, m_weights.get(kCodebook)); }

at::Tensor VisionPuzzleVae::decodeCodes(const at::Tensor& codes) const { return decoderOutput(codeVectors(m_weights.get(kCodebook), codes), false); }

at::Tensor VisionPuzzleVae::decodeNative(const at::Tensor& z) const { return decodeCodes(nearestCodes(z)); }

LatentReductionSupport VisionPuzzleVae::latentReductions() const {
    LatentReductionSupport s;
    s.fold = true;
    return s;
}

// With codebook C [K, L], B = basis [L, k] and m = mean (of the codes):
// - encoder.encoder.10 (1x1 conv, W [L, 128]): W' = B^T W, b' = B^T (b - m), so z' = B^T (z - m);
// - codebook: C' = (C - m) B;
// - decoder.decoder.0 (1x1 conv, W [128, L]): W' = W B, b' = b + W m, so decode'(c') = decode(m + B c').
// When the codes lie in m + span(B) (every k >= their rank), |z - c_i|^2 = |z' - c'_i|^2 + a
// constant, so the nearest code is the same, and m + B c'_i = c_i: the same reconstruction.
Result<std::shared_ptr<const Model>> VisionPuzzleVae::foldLatent(const at::Tensor& mean, const at::Tensor& basis) const {
    const int64_t L = m_config.latentDim;
    if (!basis.defined() || !mean.defined() || basis.dim() != 2 || basis.size(0) != L || mean.numel() != L)
        return fail("PCA fold: the projection is for code width " + std::to_string(basis.defined() && basis.dim() == 2 ? basis.size(0) : 0) +
                    ", the model has L=" + std::to_string(L));
    at::NoGradGuard noGrad;
    const auto d = [&](const std::string& name) { return m_weights.get(name).detach().to(at::kDouble); };
    const at::Tensor B = basis.to(at::kDouble), m = mean.to(at::kDouble).reshape({L});
    const int64_t k = B.size(1);
    const at::Tensor wE = d("encoder.encoder.10.weight").reshape({L, -1}), bE = d("encoder.encoder.10.bias");
    const at::Tensor wD = d("decoder.decoder.0.weight").reshape({-1, L}), bD = d("decoder.decoder.0.bias");
    StateDict folded;
    const auto put = [&](const std::string& name, const at::Tensor& t) { folded.set(name, t.to(at::kFloat).contiguous()); };
    for (const auto& e : m_weights.entries()) {
        if (e.name == "encoder.encoder.10.weight") put(e.name, B.t().mm(wE).reshape({k, -1, 1, 1}));
        else if (e.name == "encoder.encoder.10.bias") put(e.name, B.t().mv(bE - m));
        else if (e.name == kCodebook) put(e.name, (d(kCodebook) - m).mm(B));
        else if (e.name == "decoder.decoder.0.weight") put(e.name, wD.mm(B).reshape({-1, k, 1, 1}));
        else if (e.name == "decoder.decoder.0.bias") put(e.name, bD + wD.mv(m));
        else folded.set(e.name, e.tensor.detach().clone().contiguous());
    }
    auto out = fromStateDict(folded);
    if (!out) return fail("PCA fold produced an invalid VisionPuzzleVAE: " + out.error().message);
    return std::shared_ptr<const Model>(std::make_shared<VisionPuzzleVae>(std::move(*out)));
}

// VQ-VAE's objective as SAGE trains it, per image then averaged over the batch: the mean
// squared error in [-1, 1] units + |sg[z] - q|^2 (codebook) + 0.25 |z - sg[q]|^2 (commitment),
// the latter two as means over the latent; the decoder sees z + sg[q - z] (straight-through).
// options.sample selects training mode (BatchNorm on batch statistics, updating the running
// ones in place); validation uses the running statistics. With a teacher target:
// (1 - w) MSE(x_hat, x) + w MSE(x_hat, teacher).
Result<TrainingLoss> VisionPuzzleVae::trainingLoss(const at::Tensor& x, const TrainingOptions& o) const {
    const at::Tensor target = x * 2 - 1;
    const at::Tensor z = encoderOutput(mapInput(x), o.sample);
    const at::Tensor codes = nearestCodes(z.detach());
    const at::Tensor q = codeVectors(m_weights.get(kCodebook), codes);
    const at::Tensor codebookLoss = (q - z.detach()).pow(2).flatten(1).mean(1);
    const at::Tensor commitment = (z - q.detach()).pow(2).flatten(1).mean(1);
    const at::Tensor recon = decoderOutput(z + (q - z).detach(), o.sample);
    const at::Tensor sq = (recon - target).pow(2).flatten(1);
    at::Tensor reconLoss = sq.mean(1);
    if (o.teacherTarget.defined())
        reconLoss = (1.0 - o.teacherWeight) * reconLoss + o.teacherWeight * (recon - (o.teacherTarget * 2 - 1)).pow(2).flatten(1).mean(1);
    const at::Tensor loss = (reconLoss + codebookLoss + kCommitmentCost * commitment).mean();
    return TrainingLoss{loss, sq.sum(1).detach() / 4.0};  // [-1, 1] errors are twice [0, 1] ones
}

std::vector<ExportArtifact> VisionPuzzleVae::exportArtifacts() const {
    return {ExportArtifact::PackedWeights, ExportArtifact::TorchScript, ExportArtifact::Onnx};
}

// No model.onnx: the nearest-code step (an argmin over K codes) runs on the device between the
// two files, with the codebook in FP32 beside them (onnxLatentStep).
std::vector<OnnxGraphPart> VisionPuzzleVae::onnxGraphParts() const { return {OnnxGraphPart::Encoder, OnnxGraphPart::Decoder}; }

OnnxLatentStep VisionPuzzleVae::onnxLatentStep() const { return {OnnxLatentStep::Kind::NearestCode, kCodebook}; }

namespace {

// A Resize scale that gives exactly `out` from `in` under floor(in * scale), whether the
// runtime multiplies in float (OpenCV) or in double (ONNX Runtime): 30 / 28 in float times
// 28 is 29.999999 in double. The coordinates then differ from PyTorch's in / out by ~1e-7
// relative, far below the golden tolerance.
float resizeScale(int64_t in, int64_t out) {
    float s = static_cast<float>(out) / static_cast<float>(in);
    while (std::floor(static_cast<double>(in) * static_cast<double>(s)) < static_cast<double>(out) ||
           std::floor(static_cast<float>(in) * s) < static_cast<float>(out))
        s = std::nextafter(s, 2.0f * s);
    return s;
}

}  // namespace

// encoderOutput / decoderOutput op for op, in ops TensorRT 8.2+, ONNX Runtime and OpenCV 4.6
// share at opset 13: BatchNormalization with the running statistics; bilinear upsampling
// (align_corners=False) as Resize "linear" / "pytorch_half_pixel" with constant scales, which
// OpenCV maps to cv::resize and TensorRT builds without shape tensors. The encoder maps its
// [0, 1] input to [-1, 1] unconditionally: the package's input range is [0, 1], where SAGE's
// "minimum >= 0" test always holds.
Status VisionPuzzleVae::buildOnnxGraph(OnnxGraphPart part, OnnxGraphSink& sink) const {
    using A = OnnxAttribute;
    const int64_t L = m_config.latentDim, C = Config::kChannels, I = Config::kImageSize, G = Config::kGridSize;
    const auto conv = [&](const std::string& x, const std::string& p, int64_t k, bool transposed) {
        std::vector<OnnxAttribute> attrs{A::integers("kernel_shape", {k, k})};
        if (k > 1) {
            attrs.push_back(A::integers("pads", {1, 1, 1, 1}));
            attrs.push_back(A::integers("strides", {2, 2}));
        }
        return sink.node(transposed ? "ConvTranspose" : "Conv", {x, sink.weight(p + "weight"), sink.weight(p + "bias")}, attrs, p + (transposed ? "convt" : "conv"));
    };
    const auto bnRelu = [&](const std::string& x, const std::string& p) {
        const std::string y = sink.node("BatchNormalization",
                                        {x, sink.weight(p + "weight"), sink.weight(p + "bias"), sink.weight(p + "running_mean"), sink.weight(p + "running_var")},
                                        {A::real("epsilon", static_cast<float>(kBatchNormEps)), A::real("momentum", static_cast<float>(1.0 - kBatchNormMomentum))},
                                        p + "bn");
        return sink.node("Relu", {y}, {}, p + "relu");
    };
    const auto resize = [&](const std::string& x, int64_t in, int64_t out, const std::string& p) {
        const float s = resizeScale(in, out);
        return sink.node("Resize", {x, "", sink.constantFloat(p + "scales", {4}, {1.0f, 1.0f, s, s})},
                         {A::text("coordinate_transformation_mode", "pytorch_half_pixel"), A::text("mode", "linear")}, p + "resize");
    };
    switch (part) {
    case OnnxGraphPart::Encoder: {
        std::string x = sink.input("x", {C, I, I});
        x = sink.node("Mul", {x, sink.constantFloat("input.two", {1}, {2.0f})}, {}, "input.scaled");
        x = sink.node("Add", {x, sink.constantFloat("input.minus_one", {1}, {-1.0f})}, {}, "input.mapped");
        for (int i : {0, 3, 6}) x = bnRelu(conv(x, layerPrefix(true, i), 4, false), layerPrefix(true, i + 1));
        x = resize(x, I / 8, G, "encoder.encoder.9.");
        sink.output(conv(x, layerPrefix(true, 10), 1, false), "z_e", {L, G, G});
        return Status::success();
    }
    case OnnxGraphPart::Decoder: {
        std::string h = bnRelu(conv(sink.input("z_q", {L, G, G}), layerPrefix(false, 0), 1, false), layerPrefix(false, 1));
        for (int i : {3, 6, 9}) {
            h = conv(h, layerPrefix(false, i), 4, true);
            if (i < 9) h = bnRelu(h, layerPrefix(false, i + 1));
        }
        h = resize(h, Config::kDecodedSize, I, "decoder.decoder.10.");
        sink.output(sink.node("Tanh", {h}, {}, "decoder.decoder.11.tanh"), "x_hat", {C, I, I});
        return Status::success();
    }
    case OnnxGraphPart::Model: break;
    }
    return fail(describe() + ": no model.onnx: the nearest-code step runs between encoder.onnx and decoder.onnx");
}

std::string VisionPuzzleVae::scriptSource(const VisionPuzzleVaeConfig& config, ModelPrecision precision) {
    const bool half = precision == ModelPrecision::Fp16;
    const auto W = [half](const std::string& e) { return half ? "(" + e + ").to(dt)" : e; };
    const auto bn = [&](const std::string& m, const std::string& v) {
        return "torch.batch_norm(" + v + ", " + W(m + ".weight") + ", " + W(m + ".bias") + ", " + W(m + ".running_mean") + ", " +
               W(m + ".running_var") + ", False, 0.1, 1e-05, False)";
    };
    const std::string S = std::to_string(Config::kGridSize), I = std::to_string(Config::kImageSize);
    std::ostringstream s;
    s << "def encode(self, x: Tensor) -> Tensor:\n";
    s << "    if bool(torch.min(x) >= 0):\n        x = x * 2 - 1\n";
    if (half) s << "    dt = x.dtype\n";
    for (int i : {0, 3, 6}) {
        const std::string c = "c" + std::to_string(i), n = "n" + std::to_string(i + 1);
        s << "    " << c << " = getattr(self.encoder.encoder, \"" << i << "\")\n";
        s << "    " << n << " = getattr(self.encoder.encoder, \"" << i + 1 << "\")\n";
        s << "    x = torch.conv2d(x, " << W(c + ".weight") << ", " << W(c + ".bias") << ", [2, 2], [1, 1], [1, 1], 1)\n";
        s << "    x = torch.relu(" << bn(n, "x") << ")\n";
    }
    s << "    x = torch.upsample_bilinear2d(x, [" << S << ", " << S << "], False, None, None)\n";
    s << "    c10 = getattr(self.encoder.encoder, \"10\")\n";
    s << "    return torch.conv2d(x, " << W("c10.weight") << ", " << W("c10.bias") << ", [1, 1], [0, 0], [1, 1], 1)\n\n";

    s << "def encode_to_puzzle(self, x: Tensor) -> Tensor:\n";
    s << "    z = self.encode(x)\n";
    s << "    cb = self.vq.codebook.weight.to(z.dtype)\n";
    s << "    d = []\n";
    s << "    for k in range(" << config.numCodes << "):\n";
    s << "        d.append(torch.sum(torch.pow(z - cb[k].view([1, -1, 1, 1]), 2), [1]))\n";
    s << "    return torch.argmin(torch.stack(d, 1), 1)\n\n";

    s << "def nearest_codes(self, z: Tensor) -> Tensor:\n";
    s << "    cb = self.vq.codebook.weight.to(z.dtype)\n";
    s << "    d = []\n";
    s << "    for k in range(" << config.numCodes << "):\n";
    s << "        d.append(torch.sum(torch.pow(z - cb[k].view([1, -1, 1, 1]), 2), [1]))\n";
    s << "    return torch.argmin(torch.stack(d, 1), 1)\n\n";

    s << "def decode_from_puzzle(self, codes: Tensor) -> Tensor:\n";
    // FP16 codes are looked up and widened: the decoder computes in float32 (CPU has no
    // half convolutions), as with a float32 input elsewhere.
    s << "    h = torch.embedding(self.vq.codebook.weight, codes).permute([0, 3, 1, 2])" << (half ? ".float()" : "") << "\n";
    if (half) s << "    dt = h.dtype\n";
    s << "    c0 = getattr(self.decoder.decoder, \"0\")\n";
    s << "    n1 = getattr(self.decoder.decoder, \"1\")\n";
    s << "    h = torch.conv2d(h, " << W("c0.weight") << ", " << W("c0.bias") << ", [1, 1], [0, 0], [1, 1], 1)\n";
    s << "    h = torch.relu(" << bn("n1", "h") << ")\n";
    for (int i : {3, 6, 9}) {
        const std::string c = "t" + std::to_string(i);
        s << "    " << c << " = getattr(self.decoder.decoder, \"" << i << "\")\n";
        s << "    h = torch.conv_transpose2d(h, " << W(c + ".weight") << ", " << W(c + ".bias") << ", [2, 2], [1, 1], [0, 0], 1, [1, 1])\n";
        if (i < 9) {
            const std::string n = "n" + std::to_string(i + 1);
            s << "    " << n << " = getattr(self.decoder.decoder, \"" << i + 1 << "\")\n";
            s << "    h = torch.relu(" << bn(n, "h") << ")\n";
        }
    }
    s << "    h = torch.upsample_bilinear2d(h, [" << I << ", " << I << "], False, None, None)\n";
    s << "    return torch.tanh(h)\n\n";

    s << "def decode(self, z: Tensor) -> Tensor:\n";
    s << "    return self.decode_from_puzzle(self.nearest_codes(z))\n\n";
    s << "def forward(self, x: Tensor) -> Tensor:\n";
    s << "    return self.decode(self.encode(x))\n";
    return s.str();
}

// Submodules mirror SAGE's (encoder.encoder.N, vq.codebook, decoder.decoder.N), so
// named_parameters() and state_dict() use SAGE's names (without num_batches_tracked); the
// weights are copies (float32, or rounded to float16), never this model's own storage.
Result<std::string> VisionPuzzleVae::torchScriptArchive(ModelPrecision precision) const {
    try {
        StateDict wt;
        for (const auto& e : m_weights.entries()) {
            at::Tensor t = e.tensor.detach().to(at::kFloat);
            t = precision == ModelPrecision::Fp16 ? t.to(at::kHalf) : t;
            wt.set(e.name, t.clone(at::MemoryFormat::Contiguous));
        }
        auto cu = std::make_shared<torch::jit::CompilationUnit>();
        const auto seq = [&](bool encoder, const std::string& cls) {
            torch::jit::Module s = makeModule(cls, cu);
            const Layer* begin = encoder ? std::begin(kEncoder) : std::begin(kDecoder);
            const Layer* end = encoder ? std::end(kEncoder) : std::end(kDecoder);
            for (const Layer* l = begin; l != end; ++l) {
                const std::string p = layerPrefix(encoder, l->index);
                torch::jit::Module m = makeModule(cls + "_" + std::to_string(l->index), cu);
                for (const char* leaf : {"weight", "bias"}) m.register_parameter(leaf, wt.get(p + leaf), false);
                if (l->kind == Layer::Norm)
                    for (const char* leaf : {"running_mean", "running_var"}) m.register_buffer(leaf, wt.get(p + leaf));
                s.register_module(std::to_string(l->index), m);
            }
            return s;
        };
        torch::jit::Module root = makeModule("VisionPuzzleVAE", cu);
        torch::jit::Module encoder = makeModule("VisionPuzzleEncoder", cu);
        encoder.register_module("encoder", seq(true, "EncoderSequential"));
        torch::jit::Module vq = makeModule("VectorQuantizer", cu);
        torch::jit::Module codebook = makeModule("Codebook", cu);
        codebook.register_parameter("weight", wt.get(kCodebook), false);
        vq.register_module("codebook", codebook);
        torch::jit::Module decoder = makeModule("VisionPuzzleDecoder", cu);
        decoder.register_module("decoder", seq(false, "DecoderSequential"));
        root.register_module("encoder", encoder);
        root.register_module("vq", vq);
        root.register_module("decoder", decoder);
        root.register_attribute("latent_dim", c10::IntType::get(), m_config.latentDim);
        root.register_attribute("num_codes", c10::IntType::get(), m_config.numCodes);
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

// 3 x 224 x 224 -> 32 x 112 -> 64 x 56 -> 128 x 28 -> (upsample) 128 x 30 -> L x 30 x 30 ->
// codes -> 128 x 30 -> 64 x 60 -> 32 x 120 -> 3 x 240 -> 3 x 224 x 224.
std::vector<Model::Activation> VisionPuzzleVae::activations(bool* complete) const {
    const int64_t L = m_config.latentDim, G = Config::kGridSize, I = Config::kImageSize;
    std::vector<Activation> a;
    a.push_back(act("input", {3, I, I}));
    a.push_back(act("input.mapped", {3, I, I}));
    const int64_t encOut[] = {32, 64, 128};
    int64_t size = I;
    for (int j = 0; j < 3; ++j) {
        size /= 2;
        for (int part = 0; part < 3; ++part)
            a.push_back(act("encoder.encoder." + std::to_string(3 * j + part), {encOut[j], size, size}));
    }
    a.push_back(act("encoder.encoder.9", {128, G, G}));
    a.push_back(act("encoder.encoder.10", {L, G, G}));
    a.push_back(act("vq.distances", {m_config.numCodes, G, G}));
    a.push_back(act("vq.quantized", {L, G, G}));
    a.push_back(act("decoder.decoder.0", {128, G, G}));
    a.push_back(act("decoder.decoder.1", {128, G, G}));
    a.push_back(act("decoder.decoder.2", {128, G, G}));
    const int64_t decOut[] = {64, 32};
    size = G;
    for (int j = 0; j < 2; ++j) {
        size *= 2;
        for (int part = 0; part < 3; ++part)
            a.push_back(act("decoder.decoder." + std::to_string(3 + 3 * j + part), {decOut[j], size, size}));
    }
    a.push_back(act("decoder.decoder.9", {3, Config::kDecodedSize, Config::kDecodedSize}));
    a.push_back(act("decoder.decoder.10", {3, I, I}));
    a.push_back(act("decoder.decoder.11", {3, I, I}));
    if (complete) *complete = true;
    return a;
}

std::string VisionPuzzleVae::describe() const {
    return "visionpuzzlevae (L=" + std::to_string(m_config.latentDim) + ", " + std::to_string(m_config.numCodes) + " codes)";
}

}  // namespace pareto
