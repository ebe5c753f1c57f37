// SPDX-License-Identifier: Apache-2.0
#include "args.h"
#include "clisupport.h"
#include "commands.h"

#include "common/utf8text.h"
#include "io/checkpoint.h"
#include "io/torchscript.h"
#include "model/modeljson.h"
#include "model/modelloader.h"

#include <ATen/core/Tensor.h>

#include <cstdio>

namespace pareto::cli {

static const char* kInspectHelp =
    "usage: pareto inspect CKPT [--json] [--trust-code] [--max-inflated-bytes N]\n"
    "\n"
    "Opens a checkpoint (torch.save state dict, plain or nested; safetensors; TorchScript)\n"
    "or an ONNX model (NAME.onnx, or NAME.encoder.onnx + NAME.decoder.onnx through either\n"
    "file) and prints the model it holds. Nothing from a state dict or safetensors file runs;\n"
    "an ONNX graph is data, run by OpenCV's DNN module (no --trust-code needed).\n"
    "A TorchScript file is a program: without --trust-code it is read as data only (its\n"
    "records and the tensors of its module tree), and the model itself (input shape,\n"
    "latent) needs --trust-code, which loads it with LibTorch and runs its code.\n"
    "\n"
    "TorchScript and ONNX models also take --input-shape C,H,W (ONNX: only where the\n"
    "graph's image dimensions are dynamic), --input-range LO,HI and --output-range LO,HI\n"
    "(see `pareto --help`).\n"
    "\n"
    "  --json   machine-readable output: format, arch, interface (vae | autoencoder),\n"
    "           latent {kind, shape}, latent_dim (null without a latent), input_shape\n"
    "           [C,H,W], input_range, output_range, params, buffer_values, fp32_bytes\n"
    "           (= 4 x (params + buffer_values)), layers [{name, kind, axis, params,\n"
    "           buffer, quantized_by_default}], nested_key, notes, tensors (as stored);\n"
    "           for ONNX also onnx {files [{file, opset, nodes, ops {op: count}, batch\n"
    "           (null = dynamic), input, output}], quantizable_layers, quantizable_ops\n"
    "           {op: count}, findings}\n";

namespace {

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
    return s;
}

// A TorchScript file the user did not trust: everything we can tell without running it.
int inspectUntrusted(const std::string& path, const Error& refusal, bool json) {
    auto contents = inspectTorchScriptArchive(path, cliLoadOptions().maxInflatedBytes);
    if (!contents) return reportError(contents.error());
    const std::string note = "TorchScript is a program: the model itself (input shape, latent, outputs) needs --trust-code; "
                             "what is shown here was read as data, nothing from the file ran";
    if (json) {
        nlohmann::json tensors = nlohmann::json::array(), records = nlohmann::json::array();
        for (const auto& t : contents->tensors)
            tensors.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", t.dtype}, {"module", t.moduleType}, {"role", t.role}});
        for (const auto& r : contents->records) records.push_back({{"name", r.name}, {"bytes", r.bytes}});
        printJson({{"path", path},
                   {"format", "torchscript"},
                   {"arch", "torchscript"},
                   {"trusted", false},
                   {"needs_trust_code", true},
                   {"root_type", contents->rootType},
                   {"methods", contents->methods},
                   {"interface", nullptr},
                   {"latent", nullptr},
                   {"latent_dim", nullptr},
                   {"input_shape", nullptr},
                   {"input_range", nullptr},
                   {"output_range", nullptr},
                   {"params", contents->parameterCount},
                   {"buffer_values", contents->bufferValues},
                   {"fp32_bytes", 4 * (contents->parameterCount + contents->bufferValues)},
                   {"nested_key", ""},
                   {"notes", {note}},
                   {"records", records},
                   {"tensors", tensors}});
        return kExitOk;
    }
    std::printf("%-12s %s\n", "file", printableText(path).c_str());
    std::printf("%-12s %s\n", "format", "torchscript (not trusted: read as data only)");
    std::printf("%-12s %s\n", "module", printableText(contents->rootType).c_str());
    std::string methods;
    for (const auto& m : contents->methods) methods += (methods.empty() ? "" : ", ") + m;
    std::printf("%-12s %s\n", "methods", printableText(methods).c_str());
    std::printf("%-12s %lld\n", "params", static_cast<long long>(contents->parameterCount));
    std::printf("%-12s %lld\n", "buffers", static_cast<long long>(contents->bufferValues));
    std::printf("%-12s %s\n", "note", note.c_str());
    std::printf("%-12s %s\n", "note", printableText(refusal.message).c_str());
    std::printf("\n%-40s %-16s %-10s %-10s %s\n", "tensor", "shape", "dtype", "role", "module");
    for (const auto& t : contents->tensors)
        std::printf("%-40s %-16s %-10s %-10s %s\n", printableText(t.name).c_str(), shapeText(t.shape).c_str(), t.dtype.c_str(),
                    t.role.c_str(), printableText(t.moduleType).c_str());
    std::printf("\n%-40s %s\n", "record", "bytes");
    for (const auto& r : contents->records)
        std::printf("%-40s %llu\n", printableText(r.name).c_str(), static_cast<unsigned long long>(r.bytes));
    return kExitOk;
}

nlohmann::json onnxSummaryJson(const OnnxGraphSummary& s) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& p : s.parts) {
        nlohmann::json ops = nlohmann::json::object();
        for (const auto& [op, count] : p.ops) ops[op] = count;
        files.push_back({{"file", p.file},
                         {"opset", p.opset},
                         {"nodes", p.nodes},
                         {"ops", ops},
                         {"batch", p.staticBatch > 0 ? nlohmann::json(p.staticBatch) : nlohmann::json(nullptr)},
                         {"input", p.input},
                         {"output", p.output}});
    }
    nlohmann::json quantizable = nlohmann::json::object();
    for (const auto& [op, count] : s.quantizableOps) quantizable[op] = count;
    return {{"files", files}, {"quantizable_layers", s.quantizableLayers}, {"quantizable_ops", quantizable}, {"findings", s.findings}};
}

}  // namespace

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
    auto loaded = loadCliModel(args.positional()[0]);
    if (!loaded && loaded.error().needsTrust()) return inspectUntrusted(args.positional()[0], loaded.error(), args.flag("json"));
    if (!loaded) return reportError(loaded.error());
    const Model& model = *loaded->model;
    const ModelInfo info = model.info();
    const std::vector<ModelTensor> layers = model.tensors();

    if (args.flag("json")) {
        nlohmann::json j = modelInfoJson<nlohmann::json>(info);
        nlohmann::json tensors = nlohmann::json::array();
        for (const auto& t : loaded->tensors) tensors.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", t.dtype}});
        j["path"] = loaded->path;
        j["format"] = checkpointFormatName(loaded->format);
        j["description"] = model.describe();
        j["layers"] = modelLayersJson<nlohmann::json>(layers);
        j["nested_key"] = loaded->nestedKey;
        j["notes"] = loaded->notes;
        j["tensors"] = tensors;
        if (loaded->onnx) j["onnx"] = onnxSummaryJson(*loaded->onnx);
        printJson(j);
        return kExitOk;
    }
    std::printf("%-12s %s\n", "file", printableText(loaded->path).c_str());
    std::printf("%-12s %s\n", "format", checkpointFormatName(loaded->format));
    std::printf("%-12s %s\n", "model", printableText(model.describe()).c_str());
    std::printf("%-12s %s\n", "interface", modelInterfaceName(info.interface));
    std::printf("%-12s %s\n", "input", shapeText(info.inputShape).c_str());
    std::printf("%-12s %s in, %s out\n", "ranges", valueRangeText(info.inputRange).c_str(), valueRangeText(info.outputRange).c_str());
    std::printf("%-12s %s%s%s\n", "latent", latentKindName(info.latent.kind), info.latent.shape.empty() ? "" : " ",
                shapeText(info.latent.shape).c_str());
    std::printf("%-12s %lld\n", "params", static_cast<long long>(info.params));
    std::printf("%-12s %lld\n", "buffers", static_cast<long long>(info.bufferValues));
    std::printf("%-12s %lld\n", "fp32_bytes", static_cast<long long>(info.fp32Bytes()));
    for (const auto& n : loaded->notes) std::printf("%-12s %s\n", "note", printableText(n).c_str());
    std::printf("\n%-40s %-16s %-15s %-5s %s\n", "tensor", "shape", "layer", "axis", "quantized");
    for (const auto& t : layers) {
        const std::string axis = t.axis >= 0 ? std::to_string(t.axis) : "-";
        std::printf("%-40s %-16s %-15s %-5s %s\n", printableText(t.name).c_str(), shapeText(t.tensor.sizes().vec()).c_str(),
                    t.buffer ? "buffer" : layerKindName(t.layer), axis.c_str(), t.quantizedByDefault ? "by default" : "kept FP32");
    }
    return kExitOk;
}

}  // namespace pareto::cli
