#include "model/tinyvae.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

namespace pareto {
namespace {

constexpr int64_t kEncoderChannels[] = {16, 32, 64};
constexpr int kEncoderBlocks = 3;
constexpr int kDecoderConvs[] = {2, 4, 6};  // Sequential indices of the ConvTranspose2d layers
constexpr double kGroupNormEps = 1e-5;

std::string shapeText(at::IntArrayRef s) {
    std::ostringstream o;
    o << '[';
    for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
    o << ']';
    return o.str();
}

std::string shapeText(const std::vector<int64_t>& s) { return shapeText(at::IntArrayRef(s)); }

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

Result<TinyVaeConfig> TinyVae::inferConfig(const StateDict& weights) {
    const at::Tensor* dw = weights.find("encoder.0.depthwise.weight");
    const at::Tensor* mu = weights.find("fc_mu.weight");
    if (!dw || !mu) {
        return fail(std::string("not a TinyVAE state dict: missing tensor '") +
                    (dw ? "fc_mu.weight" : "encoder.0.depthwise.weight") + "'");
    }
    if (dw->dim() != 4 || mu->dim() != 2) return fail("not a TinyVAE state dict: unexpected ranks of encoder.0.depthwise.weight / fc_mu.weight");
    TinyVaeConfig c;
    c.channels = dw->size(0);
    c.latentDim = mu->size(0);
    if (c.channels < 1 || c.latentDim < 1) return fail("not a TinyVAE state dict: zero channels or latent size");

    const ShapeList expected = expectedShapes(c);
    for (const auto& [name, shape] : expected) {
        const at::Tensor* t = weights.find(name);
        if (!t) return fail("TinyVAE (C=" + std::to_string(c.channels) + ", L=" + std::to_string(c.latentDim) + ") is missing tensor '" + name + "'");
        if (t->sizes() != at::IntArrayRef(shape)) {
            return fail("tensor '" + name + "' has shape " + shapeText(t->sizes()) + ", expected " + shapeText(shape) +
                        " for a TinyVAE with " + std::to_string(c.channels) + " channels and L=" + std::to_string(c.latentDim));
        }
    }
    for (const auto& e : weights.entries()) {
        bool known = false;
        for (const auto& x : expected) known = known || x.first == e.name;
        if (!known) return fail("unexpected tensor '" + e.name + "' for a TinyVAE (is this another architecture?)");
    }
    return c;
}

Result<TinyVae> TinyVae::fromStateDict(const StateDict& weights) {
    auto config = inferConfig(weights);
    if (!config) return config.error();
    StateDict ordered;
    for (const auto& [name, shape] : expectedShapes(*config)) {
        const at::Tensor t = weights.get(name);
        ordered.set(name, t.to(at::kFloat).contiguous());
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
            t.fill_(name.size() > 6 && name.compare(name.size() - 6, 6, "weight") == 0 ? 1.0 : 0.0);
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

TinyVae::TinyVae(TinyVaeConfig config, StateDict weights) : m_config(config), m_weights(std::move(weights)) {}

ModelInfo TinyVae::info() const {
    ModelInfo i;
    i.arch = "tinyvae";
    i.latentDim = m_config.latentDim;
    i.inputShape = {m_config.channels, TinyVaeConfig::kImageSize, TinyVaeConfig::kImageSize};
    i.params = m_config.parameterCount();
    return i;
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
    x = at::adaptive_avg_pool2d(x, {TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize});
    return x.flatten(1);
}

std::pair<at::Tensor, at::Tensor> TinyVae::encode(const at::Tensor& x) const {
    const at::Tensor h = features(x);
    return {at::linear(h, w("fc_mu.weight"), w("fc_mu.bias")), at::linear(h, w("fc_logvar.weight"), w("fc_logvar.bias"))};
}

at::Tensor TinyVae::encodeMu(const at::Tensor& x) const { return at::linear(features(x), w("fc_mu.weight"), w("fc_mu.bias")); }

at::Tensor TinyVae::decode(const at::Tensor& z) const {
    at::Tensor h = at::linear(z, w("decoder_input.weight"), w("decoder_input.bias"));
    h = at::relu(h.view({-1, TinyVaeConfig::kFeatureChannels, TinyVaeConfig::kFeatureSize, TinyVaeConfig::kFeatureSize}));
    for (int i = 0; i < 3; ++i) {
        const std::string p = "decoder." + std::to_string(kDecoderConvs[i]) + ".";
        h = at::conv_transpose2d(h, m_weights.get(p + "weight"), m_weights.get(p + "bias"), {2, 2}, {1, 1}, {1, 1});
        h = i < 2 ? at::relu(h) : at::sigmoid(h);
    }
    return h;
}

}  // namespace pareto
