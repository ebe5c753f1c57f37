// SPDX-License-Identifier: Apache-2.0
#include "export/goldenset.h"
#include "common/jsontext.h"

#include "common/atomicfile.h"
#include "export/packagelayout.h"
#include "io/safetensors.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace pareto {

Status GoldenSet::write(const std::string& packageDir) const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(packageDir) / "golden", ec);
    if (ec) return fail(packageDir + "/golden: cannot create (" + ec.message() + ")");
    StateDict in;
    in.set("input", input.to(at::kFloat).contiguous());
    nlohmann::json ids = this->ids;
    if (Status st = writeSafetensors(packageDir + "/" + PackageLayout::kGoldenInput, in, {{"ids", dumpJson(ids)}}); !st) return st;
    StateDict out;
    out.set("reconstruction", reconstruction.to(at::kFloat).contiguous());
    if (mu.defined()) out.set("mu", mu.to(at::kFloat).contiguous());
    if (Status st = writeSafetensors(packageDir + "/" + PackageLayout::kGoldenExpected, out, {{"ids", dumpJson(ids)}}); !st) return st;
    nlohmann::ordered_json tol;
    tol["max_abs_error"] = maxAbsError;
    tol["compares"] = mu.defined() ? "max over all values of |model.pt forward(input) - reconstruction| and |mu of encode(input) - mu|"
                                   : "max over all values of |model.pt forward(input) - reconstruction|";
    tol["ranges"] = "input and outputs in the model's own ranges (manifest architecture.input_range / output_range)";
    tol["applies_to"] = "float32 input computed in float32: CPU, or CUDA with TF32 disabled";
    tol["images"] = input.size(0);
    return writeFileAtomic(packageDir + "/" + PackageLayout::kGoldenTolerance, dumpJson(tol, 2) + "\n");
}

Result<GoldenSet> GoldenSet::read(const std::string& packageDir) {
    GoldenSet g;
    const std::string inPath = packageDir + "/" + PackageLayout::kGoldenInput;
    const std::string outPath = packageDir + "/" + PackageLayout::kGoldenExpected;
    const std::string tolPath = packageDir + "/" + PackageLayout::kGoldenTolerance;
    auto in = readSafetensors(inPath);
    if (!in) return in.error();
    auto out = readSafetensors(outPath);
    if (!out) return out.error();
    g.input = in->get("input");
    g.reconstruction = out->get("reconstruction");
    g.mu = out->get("mu");
    if (!g.input.defined() || g.input.dim() != 4 || g.input.scalar_type() != at::kFloat)
        return fail(inPath + ": needs a float32 tensor 'input' of rank 4");
    if (!g.reconstruction.defined() || g.reconstruction.sizes() != g.input.sizes() || g.reconstruction.scalar_type() != at::kFloat)
        return fail(outPath + ": needs a float32 tensor 'reconstruction' of the input's shape");
    if (g.mu.defined() && (g.mu.dim() < 2 || g.mu.size(0) != g.input.size(0) || g.mu.scalar_type() != at::kFloat))
        return fail(outPath + ": 'mu' must be a float32 latent with one row per input image");
    auto tolText = readFile(tolPath, 1 << 20);
    if (!tolText) return tolText.error();
    try {
        const auto j = nlohmann::json::parse(*tolText);
        g.maxAbsError = j.at("max_abs_error").get<double>();
    } catch (const std::exception&) {
        return fail(tolPath + ": needs a JSON object with a number 'max_abs_error'");
    }
    if (!(g.maxAbsError >= 0)) return fail(tolPath + ": max_abs_error must be a non-negative number");
    return g;
}

}  // namespace pareto
