// SPDX-License-Identifier: Apache-2.0
#include "export/packagereadme.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace pareto {
namespace {

using Json = nlohmann::ordered_json;

std::string fmt(double v, int digits = 4) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string est(const Json& e) {
    if (!e.contains("mean") || e["mean"].is_null()) return "n/a";
    return fmt(e["mean"].get<double>()) + " [" + fmt(e["ci95"][0].get<double>()) + ", " + fmt(e["ci95"][1].get<double>()) + "]";
}

std::string mib(int64_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

// Written from TensorRT's Python API documentation (8.x and 10.x); never run here.
const char* kVerifyTrtPy = R"PY(# verify_trt.py: builds a TensorRT engine from each ONNX file of this package ON THE JETSON and
# compares its output with golden/onnx_expected.safetensors.
# usage: python3 verify_trt.py [PACKAGE_DIR]   (needs the TensorRT Python API shipped with JetPack,
#        numpy, and PyTorch for Jetson for the CUDA buffers; exit 0 = PASS)
#
# NOTE: written from TensorRT's documentation (Python API of TensorRT 8.2/8.5/10.x) and NOT run by
# Pareto Studio's tests: the machine that made this package has no TensorRT and no Jetson. The ONNX
# files themselves were checked there with ONNX Runtime and OpenCV DNN.
#
# A TensorRT engine picks its own kernels (FP16, INT8 with --int8/strongly typed Q/DQ), so it does not
# reproduce the float32 golden outputs to 1e-4: TRT_TOLERANCE below is an assumption for FP16/INT8
# kernels, not a measured figure. A much larger error means the engine computes something else.
import json, struct, sys
import numpy as np
import tensorrt as trt
import torch

TRT_TOLERANCE = 2e-2
pkg = sys.argv[1] if len(sys.argv) > 1 else "."

def safetensors(rel):
    with open(f"{pkg}/{rel}", "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<Q", b[:8])
    out = {}
    for k, v in json.loads(b[8:8 + n]).items():
        if k != "__metadata__":
            lo, hi = v["data_offsets"]
            out[k] = np.frombuffer(b[8 + n + lo:8 + n + hi], np.float32).reshape(v["shape"])
    return out

manifest = json.load(open(f"{pkg}/manifest.json"))
onnx = manifest["onnx"]
golden_in = safetensors("golden/input.safetensors")["input"]
golden_out = safetensors(onnx["golden_expected"])
has_qdq = any(t["storage"] in ("int8+dq", "int4+dq") for t in onnx["tensors"])
major = int(trt.__version__.split(".")[0])
logger = trt.Logger(trt.Logger.WARNING)

def build(path, input_name, shape):
    builder = trt.Builder(logger)
    flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH) if major < 10 else 0
    strongly_typed = major >= 10 and has_qdq
    if strongly_typed:
        flags |= 1 << int(trt.NetworkDefinitionCreationFlag.STRONGLY_TYPED)
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, logger)
    with open(path, "rb") as f:
        if not parser.parse(f.read()):
            raise RuntimeError("; ".join(str(parser.get_error(i)) for i in range(parser.num_errors)))
    config = builder.create_builder_config()
    if not strongly_typed:
        config.set_flag(trt.BuilderFlag.FP16)
        if has_qdq:
            config.set_flag(trt.BuilderFlag.INT8)
    profile = builder.create_optimization_profile()
    profile.set_shape(input_name, shape, shape, shape)
    config.add_optimization_profile(profile)
    plan = builder.build_serialized_network(network, config)
    if plan is None:
        raise RuntimeError("the engine did not build")
    return trt.Runtime(logger).deserialize_cuda_engine(plan)

def run(engine, x, input_name, output_name, out_shape):
    context = engine.create_execution_context()
    xin = torch.from_numpy(np.ascontiguousarray(x)).cuda()
    out = torch.empty(out_shape, dtype=torch.float32, device="cuda")
    if hasattr(context, "execute_async_v3"):  # TensorRT >= 8.5
        context.set_input_shape(input_name, tuple(x.shape))
        context.set_tensor_address(input_name, xin.data_ptr())
        context.set_tensor_address(output_name, out.data_ptr())
        context.execute_async_v3(torch.cuda.current_stream().cuda_stream)
    else:  # TensorRT 8.2 (JetPack 4.6)
        i = engine.get_binding_index(input_name)
        context.set_binding_shape(i, tuple(x.shape))
        bindings = [0] * engine.num_bindings
        bindings[i] = xin.data_ptr()
        bindings[engine.get_binding_index(output_name)] = out.data_ptr()
        context.execute_v2(bindings)
    torch.cuda.synchronize()
    return out.cpu().numpy()

def nearest_codes(z, cb):
    # The step between encoder.onnx and decoder.onnx (README): the nearest code per position.
    d = ((z[:, None] - cb[None, :, :, None, None]) ** 2).sum(2)
    return cb[d.argmin(1)].transpose(0, 3, 1, 2).copy()

step = onnx.get("latent_step")
failures = []
for f in onnx["files"]:
    graph = f["graph"]
    # The decoder of a pair with a nearest-code step gets the golden codes (z_q): an FP16 engine's
    # encoder may pick another code at a near-tie, which is not the decoder's error.
    x = (golden_out["z_q"] if step else golden_out["mu"]) if graph == "decoder" else golden_in
    want = golden_out["mu"] if graph == "encoder" else golden_out["reconstruction"]
    try:
        engine = build(f"{pkg}/{f['file']}", f["input"]["name"], tuple(x.shape))
        got = run(engine, x, f["input"]["name"], f["output"]["name"], want.shape)
        err = float(np.abs(got - want).max())
        ok = err <= TRT_TOLERANCE
        print(f"{f['file']}: TensorRT {trt.__version__} engine vs golden: max abs error {err:.3g} ({'ok' if ok else 'too large'})")
        if step and graph == "encoder":
            cb = safetensors(step["file"])[step["tensor"]]
            same = float((nearest_codes(got, cb) == golden_out["z_q"]).all(1).mean())
            print(f"{f['file']}: nearest codes of the engine's z_e equal golden z_q at {100 * same:.1f} % of positions")
        if not ok:
            failures.append(f["file"])
    except Exception as e:  # one line per file, then the verdict
        print(f"{f['file']}: {e}")
        failures.append(f["file"])
print("FAIL" if failures else "PASS")
sys.exit(1 if failures else 0)
)PY";

const char* kVerifyPy = R"PY(# verify.py: checks every hash, then runs the golden batch through model.pt.
# usage: python3 verify.py [PACKAGE_DIR]      (needs numpy and PyTorch; exit 0 = PASS)
import hashlib, json, struct, sys
import numpy as np
import torch

pkg = sys.argv[1] if len(sys.argv) > 1 else "."

def sha(rel):
    with open(f"{pkg}/{rel}", "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

def safetensors(rel):  # json + struct + numpy: no safetensors package needed
    with open(f"{pkg}/{rel}", "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<Q", b[:8])
    kinds = {"F32": np.float32, "F16": np.float16, "U8": np.uint8}
    out = {}
    for k, v in json.loads(b[8:8 + n]).items():
        if k != "__metadata__":
            lo, hi = v["data_offsets"]
            out[k] = np.frombuffer(b[8 + n + lo:8 + n + hi], kinds[v["dtype"]]).reshape(v["shape"])
    return out

failures = []
recorded, name = open(f"{pkg}/manifest.sha256").read().split()
if name != "manifest.json" or sha("manifest.json") != recorded:
    failures.append("manifest.json: SHA-256 does not match manifest.sha256")
manifest = json.load(open(f"{pkg}/manifest.json"))
for rel, entry in manifest["files"].items():
    if sha(rel) != entry["sha256"]:
        failures.append(rel + ": SHA-256 does not match the manifest")

x = torch.from_numpy(safetensors("golden/input.safetensors")["input"].copy())
expected = safetensors("golden/expected.safetensors")
tol = json.load(open(f"{pkg}/golden/tolerance.json"))["max_abs_error"]
torch.backends.cudnn.allow_tf32 = False
model = torch.jit.load(f"{pkg}/model.pt", map_location="cpu").eval()
with torch.no_grad():
    err = (model(x) - torch.from_numpy(expected["reconstruction"].copy())).abs().max().item()
    if "mu" in expected:
        mu = model.encode(x)
        mu = mu[0] if isinstance(mu, (tuple, list)) else mu
        err = max(err, (mu - torch.from_numpy(expected["mu"].copy())).abs().max().item())
if not err <= tol:
    failures.append("golden: largest error %.3g > tolerance %.3g" % (err, tol))
for f in failures:
    print(f)
print("PASS" if not failures else "FAIL", "- largest golden error %.3g (tolerance %.3g)" % (err, tol))
sys.exit(1 if failures else 0)
)PY";

std::string joined(const Json& list) {
    std::string out;
    for (const auto& v : list) out += (out.empty() ? "" : ", ") + v.get<std::string>();
    return out;
}

// The trtexec commands per file for the package's JetPack, and what to expect.
std::string renderOnnx(const Json& m, const Json& onnx, const std::string& shape) {
    std::ostringstream s;
    const std::string jetpack = onnx["target"]["jetpack"].get<std::string>();
    const std::string trt = onnx["target"]["tensorrt"].get<std::string>();
    bool qdq = false, int4 = false;
    for (const auto& t : onnx["tensors"]) {
        qdq = qdq || t["storage"] == "int8+dq" || t["storage"] == "int4+dq";
        int4 = int4 || t["storage"] == "int4+dq";
    }
    s << "## Build a TensorRT engine on the device\n\n";
    s << "The ONNX files hold the weights as TensorRT takes them on " << onnx["target"]["name"].get<std::string>()
      << ": INT8 (and INT4 for Gemm/MatMul on TensorRT 10) as an integer initializer + DequantizeLinear with the packed\n"
         "scales, everything else as FP16 + Cast or FP32. Per tensor (`manifest.json` onnx.tensors: storage, precision TensorRT holds it in):\n\n";
    int64_t n8 = 0, n4 = 0, n16 = 0, n32 = 0;
    for (const auto& t : onnx["tensors"]) {
        const std::string p = t["tensorrt_precision"].get<std::string>();
        (p == "int8" ? n8 : p == "int4" ? n4 : p == "fp16" ? n16 : n32)++;
    }
    s << "- " << n8 << " tensors INT8, " << n4 << " INT4, " << n16 << " FP16, " << n32 << " FP32; TensorRT engine weights: "
      << onnx["engine_weight_bytes"].get<int64_t>() << " bytes (package weights: " << m["weights"]["bytes"].get<int64_t>() << " bytes).\n";
    for (const auto& f : onnx["findings"]) s << "- " << f.get<std::string>() << "\n";
    s << "\nWith `trtexec` (JetPack " << jetpack << ", TensorRT " << trt << "; `/usr/src/tensorrt/bin/trtexec`), batch 1:\n\n```sh\n";
    for (const auto& f : onnx["files"]) {
        const std::string file = f["file"].get<std::string>();
        const std::string engine = file.substr(0, file.find('.')) + ".engine";
        std::string dims = "1";
        for (const auto& d : f["input"]["shape"]) dims += "x" + std::to_string(d.get<int64_t>());
        std::string flags;
        if (trt == "10.3") flags = qdq ? "--stronglyTyped" : "--fp16";
        else flags = qdq ? "--int8 --fp16" : "--fp16";
        s << "trtexec --onnx=" << file << " --saveEngine=" << engine << " " << flags << " --shapes=" << f["input"]["name"].get<std::string>() << ":"
          << dims << "\n";
    }
    s << "```\n\n";
    if (onnx.contains("latent_step")) {
        const Json& step = onnx["latent_step"];
        std::string shapeText;
        for (const auto& d : step["shape"]) shapeText += (shapeText.empty() ? "" : ", ") + std::to_string(d.get<int64_t>());
        s << "### The nearest-code step (your code, between the two engines)\n\n"
             "There is no `model.onnx`: `encoder.onnx` gives the continuous code `z_e` [N, L, h, w], and `decoder.onnx` takes the\n"
             "quantized code `z_q` of the same shape. Between them, replace every grid position's L-vector by its nearest code:\n"
             "the codebook is `" << step["file"].get<std::string>() << "` (tensor `" << step["tensor"].get<std::string>() << "`, float32 ["
          << shapeText << "], the values `decoder.onnx` was validated with). In numpy:\n\n```python\n"
             "d = ((z_e[:, None] - cb[None, :, :, None, None]) ** 2).sum(2)  # [N, K, h, w] squared distances\n"
             "codes = d.argmin(1)                                          # [N, h, w]; ties go to the lowest index\n"
             "z_q = cb[codes].transpose(0, 3, 1, 2)                        # [N, L, h, w], decoder.onnx's input\n```\n\n"
             "Why not in ONNX: ArgMin + Gather would build in TensorRT, but an FP16/INT8 engine computes the distances in reduced\n"
             "precision, and a near-tie then picks another code, i.e. another image, not a small drift; with K x L this small the\n"
             "step costs next to nothing in float32 on the CPU or GPU, and the codes themselves (SAGE's puzzle) are what a caller\n"
             "usually wants. So both files stay plain Conv/BatchNorm/ConvTranspose/Resize graphs every TensorRT version builds.\n"
             "`golden/onnx_expected.safetensors` holds `z_q` for the golden batch to check the decoder alone.\n\n";
    }
    if (trt == "10.3" && qdq)
        s << "`--stronglyTyped` makes TensorRT 10 keep the graph's types: the Q/DQ weights as INT8/INT4, the rest in the FP32/FP16 the\n"
             "graph gives them (the Casts compute in FP32). For FP16 kernels throughout, build without it and with `--fp16` instead.\n";
    else if (qdq)
        s << "TensorRT " << trt << " needs `--int8` to honour the Q/DQ nodes (no calibration is run: the scales are in the graph).\n";
    if (int4) s << "INT4 weights need ONNX opset 21 (int4 type, `block_size`): TensorRT 10 only.\n";
    s << "`python3 verify_trt.py` builds the same engines with the TensorRT Python API and compares them with `golden/` (written\n"
         "from TensorRT's documentation and not run where this package was made; see the file).\n\n";
    s << "What to expect: an INT8 engine is not always faster than an FP16 one for a network this small, and it may hold kernels\n"
         "(and weights) of both precisions; weight-only Q/DQ on Conv layers is often folded by TensorRT into FP16/FP32 weights\n"
         "rather than run as INT8. Measure with `trtexec --loadEngine=model.engine` on the device before choosing. An engine\n"
         "does not reproduce the float32 golden outputs to " << m["golden"]["max_abs_error"].get<double>() << ": FP16/INT8 kernels differ by ~1e-3..1e-2.\n\n";
    (void)shape;
    return s.str();
}

}  // namespace

std::string PackageReadme::verifyTrtScript(const Json&) { return kVerifyTrtPy; }

std::string PackageReadme::render(const Json& m, const std::string& packageName) {
    std::ostringstream s;
    const Json& arch = m["architecture"];
    const Json& w = m["weights"];
    const Json& model = m["model"];
    const Json& metrics = m["metrics"];
    const Json& target = m["target"];
    const std::string scheme = m["configuration"]["scheme"].get<std::string>();
    const bool vae = arch.value("interface", std::string("vae")) == "vae";
    const bool hasScript = model.contains("file") && model["file"].is_string();
    std::string shape;
    for (const auto& d : arch["input_shape"]) shape += (shape.empty() ? "" : ", ") + std::to_string(d.get<int64_t>());
    const auto range = [&](const char* key) {
        return "[" + fmt(arch[key][0].get<double>()) + ", " + fmt(arch[key][1].get<double>()) + "]";
    };

    s << "# " << packageName << ": " << arch["arch"].get<std::string>() << " deployment package\n\n";
    s << "Made by " << m["tool"]["name"].get<std::string>() << " " << m["tool"]["version"].get<std::string>() << " on "
      << m["created_utc"].get<std::string>() << " for **" << target["profile"]["name"].get<std::string>() << "**.\n";
    s << "Everything below is also in `manifest.json` (with the SHA-256 of every file; the manifest's own\n"
         "SHA-256 is in `manifest.sha256`).\n\n";

    s << "## What it holds\n\n";
    s << "- Model: " << arch.value("description", arch["arch"].get<std::string>()) << "; input [N, " << shape << "] in "
      << range("input_range") << ", output in " << range("output_range") << "; latent: "
      << (arch["latent_dim"].is_null() ? std::string("none (forward-only)")
                                        : arch["latent"]["kind"].get<std::string>() + ", dimension " + std::to_string(arch["latent_dim"].get<int64_t>()))
      << "; " << arch["params"].get<int64_t>() << " parameters"
      << (arch.value("buffer_values", int64_t(0)) > 0 ? " + " + std::to_string(arch["buffer_values"].get<int64_t>()) + " buffer values" : std::string())
      << ".\n";
    s << "- Source: `" << m["source"]["checkpoint"].get<std::string>() << "` (SHA-256 `" << m["source"]["checkpoint_sha256"].get<std::string>() << "`)";
    if (!m["source"]["provenance"].get<std::string>().empty()) s << "; " << m["source"]["provenance"].get<std::string>();
    s << ".\n";
    s << "- Configuration: `" << scheme << "`, weight-only; " << w["bytes"].get<int64_t>() << " bytes of weights ("
      << fmt(w["ratio"].get<double>(), 3) << "x smaller than its own FP32's " << w["fp32_bytes"].get<int64_t>() << "; ";
    if (w.contains("ratio_vs_original") && std::abs(w["ratio_vs_original"].get<double>() - w["ratio"].get<double>()) > 1e-9)
        s << fmt(w["ratio_vs_original"].get<double>(), 3) << "x smaller than the opened model's FP32; ";
    s
      << fmt(w["effective_bits_per_param"].get<double>(), 3) << " bits per parameter, " << fmt(w["nominal_bits_per_param"].get<double>(), 3)
      << " nominal).\n";
    if (hasScript && vae)
        s << "- `model.pt`: TorchScript, " << model["precision"].get<std::string>() << " weights; `forward(x)` = `decode(mu)` "
             "(reconstruction from mu, deterministic), `encode(x)` -> mu (or a tuple whose first element is mu), `decode(z)`.\n\n";
    else if (hasScript)
        s << "- `model.pt`: TorchScript, " << model["precision"].get<std::string>() << " weights; `forward(x)` -> reconstruction.\n\n";
    else
        s << "- No `model.pt`: " << model.value("reason", std::string()) << ".\n\n";

    s << "Quality on " << metrics["data"]["identity"].get<std::string>() << " (n = " << metrics["data"]["n"].get<int64_t>()
      << ", mean and 95 % bootstrap CI):\n\n";
    s << "| model | MSE | PSNR (dB) | SSIM |\n| --- | --- | --- | --- |\n";
    const auto row = [&](const char* label, const Json& sum) {
        s << "| " << label << " | " << est(sum["mse"]) << " | " << est(sum["psnr"]) << " | " << est(sum["ssim"]) << " |\n";
    };
    row("FP32 baseline", metrics["baseline"]);
    row(("compressed (" + scheme + ")").c_str(), metrics["compressed"]);
    if (model["precision"].get<std::string>() != "fp32") row("model.pt as packaged (FP16 weights)", metrics["packaged_model"]);
    row("mean image (trivial baseline)", metrics["mean_image"]);
    s << "\nPaired delta compressed - FP32, MSE: " << est(metrics["delta_compressed_vs_baseline"]["mse"])
      << (metrics["delta_compressed_vs_baseline"]["mse"]["significant"].get<bool>() ? "" : " (not significant: the CI crosses 0)") << ".\n\n";

    s << "Target: " << target["profile"]["name"].get<std::string>() << " (" << target["profile"]["gpu"].get<std::string>() << ", JetPack "
      << target["profile"]["jetpack"].get<std::string>() << ", TensorRT " << target["profile"]["tensorrt"].get<std::string>() << "). "
      << target["fit"]["summary"].get<std::string>() << ".\n\n";
    s << "TensorRT: " << m["tensorrt"]["summary"].get<std::string>() << ".\n";
    for (const auto& line : m["tensorrt"]["grouped"]) s << "- " << line.get<std::string>() << "\n";
    s << (hasScript ? "The TorchScript model runs everywhere PyTorch runs; the findings" : "The findings")
      << " concern a TensorRT engine you build on the\n"
         "device with `trtexec`: layers whose weights TensorRT cannot take as INT8/INT4 are dequantized at load.\n\n";

    const Json& onnx = m.contains("onnx") ? m["onnx"] : Json::object();
    const bool hasOnnx = onnx.contains("files") && !onnx["files"].empty();
    if (hasOnnx) s << renderOnnx(m, onnx, shape);
    else if (onnx.contains("reason")) s << "## ONNX\n\nNo ONNX file: " << onnx["reason"].get<std::string>() << ".\n\n";

    s << "## Files\n\n| file | what |\n| --- | --- |\n";
    s << "| `weights.safetensors` | the packed weights exactly as stored (see below) |\n";
    if (hasScript) s << "| `model.pt` | TorchScript model with the dequantized weights |\n";
    if (hasOnnx) {
        for (const auto& f : onnx["files"])
            s << "| `" << f["file"].get<std::string>() << "` | ONNX opset " << f["opset"].get<int>() << ", `" << f["input"]["name"].get<std::string>()
              << "` -> `" << f["output"]["name"].get<std::string>() << "`, for TensorRT " << joined(f["tensorrt"]) << " |\n";
        if (onnx.contains("latent_step"))
            s << "| `" << onnx["latent_step"]["file"].get<std::string>() << "` | `codebook`: the codes of the nearest-code step between the encoder and decoder |\n";
        s << "| `golden/onnx_expected.safetensors` | what the ONNX files compute on the golden input (`reconstruction`, `mu`"
          << (onnx.contains("latent_step") ? ", `z_q` = the decoder's input" : "") << ") |\n";
        s << "| `verify_trt.py` | builds the TensorRT engines on the device and compares them with golden/ |\n";
    }
    s << "| `golden/input.safetensors` | `input`: float32 [K, " << shape << "] in " << range("input_range")
      << ", the first images of the evaluation set |\n";
    s << "| `golden/expected.safetensors` | `reconstruction` [K, " << shape << "]" << (vae ? " and `mu` (the latent)" : "")
      << " as the desktop computed them |\n";
    s << "| `golden/tolerance.json` | `max_abs_error`: " << fmt(m["golden"]["max_abs_error"].get<double>()) << " |\n";
    s << "| `README.md` | this file |\n| `manifest.json` | configuration, sizes, metrics, target, hashes |\n";
    s << "| `manifest.sha256` | SHA-256 of manifest.json (`sha256sum -c manifest.sha256`) |\n\n";

    s << "## Verify it\n\n";
    s << "Quick hash check of the manifest: `sha256sum -c manifest.sha256`.\n\n";
    s << "With Pareto Studio's verifier (exit status 0 = PASS; add `--json` for a machine-readable report):\n\n";
    if (!hasScript) {
        // A user's ONNX graph: nothing in the package is a program, so verification is data only.
        s << "```sh\npareto verify " << packageName << "   # every hash, the packed weights run in the package's own ONNX graph, "
             "every ONNX file on the golden batch\n```\n\n";
        s << "Nothing in this package is a program: the ONNX files are graphs and data, run by OpenCV's DNN module\n"
             "(`--trust-code` changes nothing). On the Jetson, `verify_trt.py` (below) builds the TensorRT engines and\n"
             "compares them with golden/.\n\n";
    } else {
        s << "```sh\npareto verify " << packageName << "                # data only: every hash, the packed weights, the golden batch\n"
             "pareto verify --trust-code " << packageName << "   # also loads and runs model.pt\n```\n\n";
        s << "`model.pt` is a TorchScript program, and loading one runs the code inside it. Without `--trust-code` the\n"
             "verifier runs nothing from the package (its model.pt checks are listed as \"skipped: contains code\");\n"
             "with it, model.pt is loaded only after its SHA-256 matched the manifest. A file whose hash does not\n"
             "match is never loaded.\n\n";
        s << "With Python only (numpy + PyTorch, e.g. NVIDIA's PyTorch for Jetson): save this as `verify.py` and run\n"
             "`python3 verify.py " << packageName << "`.\n\n";
        s << "```python\n" << kVerifyPy << "```\n\n";
        s << "The golden tolerance applies to float32 arithmetic: on the CPU, or on CUDA with TF32 off (the script\n"
             "turns it off). Half-precision arithmetic on the GPU differs by more and is not covered by it.\n\n";
    }

    if (hasScript) {
        s << "## Load it\n\nPython:\n\n```python\nimport torch\nmodel = torch.jit.load(\"model.pt\", map_location=\"cpu\").eval()   # or \"cuda\"\n"
             "with torch.no_grad():\n    recon = model(x)                 # x: float32 [N, " << shape << "] in " << range("input_range") << "\n";
        if (vae) s << "    mu = model.encode(x)             # a tuple (mu, ...) for models that return one\n";
        s << "```\n\n";
    }
    if (hasScript && model["precision"].get<std::string>() == "fp16")
        s << "The weights are float16; each op casts them to the input's dtype: a float32 input computes in float32\n"
             "(what the metrics above measured), `x.half()` on CUDA computes in half precision.\n\n";
    if (hasScript)
        s << "C++ (LibTorch):\n\n```cpp\n#include <torch/script.h>\n\ntorch::jit::Module model = torch::jit::load(\"model.pt\");\nmodel.eval();\n"
             "torch::NoGradGuard noGrad;\nat::Tensor recon = model.forward({x}).toTensor();   // x: float32 [N, " << shape << "]\n```\n\n"
             "Link it with `find_package(Torch REQUIRED)`; on a Jetson, PyTorch's wheel carries LibTorch:\n"
             "`-DCMAKE_PREFIX_PATH=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')`.\n\n";

    s << "## The packed weights\n\n`weights.safetensors` is a plain safetensors file: any reader opens it. A tensor NAME in an\n"
         "integer, NF4 or ternary scheme is stored as `NAME.packed` (U8 codes), `NAME.scales` (F16, one per block)\n"
         "and, for asymmetric schemes, `NAME.zero_points`; FP16/BF16/FP32 tensors are stored as `NAME`. The\n"
         "`__metadata__` entry `tensors` (a JSON string) gives each tensor's scheme, shape, channel axis and block\n"
         "layout, and `layout` describes the bit packing in words: enough to dequantize without our code. Its data\n"
         "section is " << w["data_bytes"].get<int64_t>() << " bytes (= the manifest's `weights.bytes`); the whole file adds an 8-byte length\n"
         "and a " << (w["header_bytes"].get<int64_t>() - 8) << "-byte JSON header (" << w["file_bytes"].get<int64_t>() << " bytes, " << mib(w["file_bytes"].get<int64_t>()) << ").\n\n";

    s << "## Build the verifier on the Jetson\n\nThe `pareto` CLI needs only the core (LibTorch, OpenCV, zlib, OpenSSL, nlohmann-json), no Qt:\n\n"
         "```sh\nsudo apt install cmake ninja-build g++ nlohmann-json3-dev libssl-dev zlib1g-dev libopencv-dev\n"
         "cmake -S pareto-studio -B build-jetson -G Ninja -DCMAKE_BUILD_TYPE=Release \\\n"
         "      -DPARETO_BUILD_GUI=OFF -DPARETO_BUILD_TESTS=OFF -DPARETO_BUILD_BENCHMARKS=OFF \\\n"
         "      -DCMAKE_PREFIX_PATH=\"$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')\"\n"
         "cmake --build build-jetson --target pareto\n"
         "build-jetson/app/pareto verify " << packageName << "                # data only\n";
    if (hasScript) s << "build-jetson/app/pareto verify --trust-code " << packageName << "   # and model.pt\n";
    s << "```\n";
    return s.str();
}

}  // namespace pareto
