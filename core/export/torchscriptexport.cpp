#include "export/torchscriptexport.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>

#include <sstream>

namespace pareto {
namespace {

constexpr const char* kClassPrefix = "__torch__.pareto_package.";

// A module with a `training` attribute, which Module::eval() and Python's
// RecursiveScriptModule expect on every module.
torch::jit::Module makeModule(const std::string& className, const std::shared_ptr<torch::jit::CompilationUnit>& cu) {
    torch::jit::Module m(c10::QualifiedName(kClassPrefix + className), cu);
    m.register_attribute("training", c10::BoolType::get(), false);
    return m;
}

void addParams(torch::jit::Module& m, const StateDict& weights, const std::string& prefix) {
    for (const char* leaf : {"weight", "bias"}) {
        const at::Tensor t = weights.get(prefix + leaf);
        m.register_parameter(leaf, t, /*is_buffer=*/false);
    }
}

}  // namespace

StateDict weightsAtPrecision(const StateDict& weights, ModelPrecision precision) {
    StateDict out;
    for (const auto& e : weights.entries()) {
        at::Tensor t = e.tensor.detach().to(at::kFloat);
        if (precision == ModelPrecision::Fp16) t = t.to(at::kHalf).to(at::kFloat);
        out.set(e.name, t.clone(at::MemoryFormat::Contiguous));
    }
    return out;
}

std::string tinyVaeScriptSource(const TinyVaeConfig& config, ModelPrecision precision) {
    const bool half = precision == ModelPrecision::Fp16;
    // W(expr): a weight as the op uses it.
    const auto W = [half](const std::string& e) { return half ? "(" + e + ").to(dt)" : e; };
    const std::string dtLine = half ? "    dt = x.dtype\n" : "";
    std::ostringstream s;
    s << "def features(self, x: Tensor) -> Tensor:\n" << dtLine;
    int64_t cin = config.channels;
    const int64_t cout[] = {16, 32, 64};
    for (int i = 0; i < 3; ++i) {
        const std::string b = "b" + std::to_string(i);
        s << "    " << b << " = getattr(self.encoder, \"" << i << "\")\n";
        s << "    x = torch.conv2d(x, " << W(b + ".depthwise.weight") << ", " << W(b + ".depthwise.bias")
          << ", [2, 2], [1, 1], [1, 1], " << cin << ")\n";
        s << "    x = torch.conv2d(x, " << W(b + ".pointwise.weight") << ", " << W(b + ".pointwise.bias")
          << ", [1, 1], [0, 0], [1, 1], 1)\n";
        s << "    x = torch.relu(torch.group_norm(x, " << std::min<int64_t>(4, cout[i]) << ", " << W(b + ".norm.weight") << ", "
          << W(b + ".norm.bias") << ", 1e-05, True))\n";
        cin = cout[i];
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
    const int dec[] = {2, 4, 6};
    for (int i = 0; i < 3; ++i) {
        const std::string d = "d" + std::to_string(dec[i]);
        s << "    " << d << " = getattr(self.decoder, \"" << dec[i] << "\")\n";
        const std::string conv = "torch.conv_transpose2d(h, " + W(d + ".weight") + ", " + W(d + ".bias") + ", [2, 2], [1, 1], [1, 1], 1, [1, 1])";
        s << "    h = " << (i < 2 ? "torch.relu(" : "torch.sigmoid(") << conv << ")\n";
    }
    s << "    return h\n\n";

    s << "def forward(self, x: Tensor) -> Tensor:\n";
    s << "    mu, logvar = self.encode(x)\n";
    s << "    return self.decode(mu)\n";
    return s.str();
}

Result<std::string> tinyVaeTorchScript(const TinyVae& model, ModelPrecision precision) {
    try {
        const TinyVaeConfig& c = model.config();
        StateDict w;
        for (const auto& e : model.weights().entries()) {
            at::Tensor t = e.tensor.detach().to(at::kFloat);
            t = precision == ModelPrecision::Fp16 ? t.to(at::kHalf) : t;
            w.set(e.name, t.clone(at::MemoryFormat::Contiguous));
        }
        auto cu = std::make_shared<torch::jit::CompilationUnit>();
        torch::jit::Module root = makeModule("TinyVAE", cu);

        torch::jit::Module encoder = makeModule("Encoder", cu);
        for (int i = 0; i < 3; ++i) {
            const std::string p = "encoder." + std::to_string(i) + ".";
            torch::jit::Module block = makeModule("EncoderBlock" + std::to_string(i), cu);
            for (const char* part : {"depthwise", "pointwise", "norm"}) {
                torch::jit::Module leaf = makeModule("EncoderBlock" + std::to_string(i) + "_" + part, cu);
                addParams(leaf, w, p + part + ".");
                block.register_module(part, leaf);
            }
            encoder.register_module(std::to_string(i), block);
        }
        root.register_module("encoder", encoder);
        for (const char* fc : {"fc_mu", "fc_logvar", "decoder_input"}) {
            torch::jit::Module m = makeModule(std::string("Linear_") + fc, cu);
            addParams(m, w, std::string(fc) + ".");
            root.register_module(fc, m);
        }
        torch::jit::Module decoder = makeModule("Decoder", cu);
        for (int i : {2, 4, 6}) {
            torch::jit::Module m = makeModule("ConvTranspose" + std::to_string(i), cu);
            addParams(m, w, "decoder." + std::to_string(i) + ".");
            decoder.register_module(std::to_string(i), m);
        }
        root.register_module("decoder", decoder);
        root.register_attribute("in_channels", c10::IntType::get(), c.channels);
        root.register_attribute("latent_dim", c10::IntType::get(), c.latentDim);
        root.register_attribute("precision", c10::StringType::get(), std::string(modelPrecisionName(precision)));
        root.define(tinyVaeScriptSource(c, precision));

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

}  // namespace pareto
