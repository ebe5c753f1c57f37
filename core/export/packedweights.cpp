// SPDX-License-Identifier: Apache-2.0
#include "export/packedweights.h"
#include "common/shapetext.h"
#include "common/jsontext.h"

#include "io/safetensors.h"
#include "quant/blocklayout.h"
#include "quant/tensorquantizer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <set>

namespace pareto {
namespace {

const char* kLayoutText =
    "Each quantized tensor NAME is stored as NAME.packed (U8), NAME.scales (F16/F32, one per block) and, "
    "when asymmetric, NAME.zero_points (U8). Values are taken channel-first: the output-channel axis "
    "('axis') moved to the front, the rest flattened in C order, giving 'rows' rows of 'row_length' values, "
    "each row cut into blocks of 'block_size' values (the last one shorter), one scale per block. "
    "packing 'dense-lsb': one little-endian bit stream over all values, value i at bits [i*bits, (i+1)*bits); "
    "symmetric integer codes are bits-wide two's complement in [-(2^(bits-1)-1), 2^(bits-1)-1], value = code * scale; "
    "asymmetric codes are unsigned, value = (code - zero_point) * scale, zero-points packed the same way, one per block; "
    "NF4 codes index the QLoRA NF4 code book, value = codebook[code] * scale; ternary codes c are q+1 with q in "
    "{-1,0,1}, value = q * scale; packing 'base3': 5 ternary codes per byte, byte = sum c_k 3^k (k = 0 first). "
    "FP16/BF16/FP32 tensors are stored as NAME with their own shape. Dequantized values are float32 "
    "(code as float32 times the scale as float32), then moved back to the tensor's shape.";

const char* kindName(QuantKind k) {
    switch (k) {
    case QuantKind::Float32: return "fp32";
    case QuantKind::Float16: return "fp16";
    case QuantKind::BFloat16: return "bf16";
    case QuantKind::Integer: return "int";
    case QuantKind::NF4: return "nf4";
    case QuantKind::Ternary: break;
    }
    return "ternary";
}

std::string packingName(const QuantScheme& s) {
    if (s.kind == QuantKind::Ternary && s.ternaryPacking == TernaryPacking::Base3) return "base3";
    if (s.isQuantized()) return "dense-lsb";
    return "raw";
}

at::Tensor bytesTensor(const uint8_t* p, size_t n) {
    at::Tensor t = at::empty({static_cast<int64_t>(n)}, at::kByte);
    if (n) std::memcpy(t.data_ptr(), p, n);
    return t;
}

at::Tensor rawTensor(const void* p, size_t bytes, const std::vector<int64_t>& shape, c10::ScalarType type) {
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
    if (bytes != t.nbytes()) return {};
    if (bytes) std::memcpy(t.data_ptr(), p, bytes);
    return t;
}

std::vector<int64_t> shapeOf(const nlohmann::json& j) {
    std::vector<int64_t> s;
    for (const auto& d : j) s.push_back(d.get<int64_t>());
    return s;
}


Result<int64_t> headerBytesOf(const std::string& path, int64_t* fileBytes) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return fail(path + ": cannot open");
    *fileBytes = static_cast<int64_t>(in.tellg());
    in.seekg(0);
    unsigned char b[8] = {};
    in.read(reinterpret_cast<char*>(b), 8);
    if (!in) return fail(path + ": too short for a safetensors file");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
    return static_cast<int64_t>(8 + n);
}

}  // namespace

Result<PackedWeightsFileInfo> writePackedWeights(const std::string& path, const QuantizedModel& model, const std::string& producer) {
    try {
        StateDict file;
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        int64_t dataBytes = 0;
        for (const auto& e : model.dequantized.entries()) {
            nlohmann::ordered_json d;
            d["name"] = e.name;
            d["shape"] = e.tensor.sizes().vec();
            const QuantizedTensor* q = model.find(e.name);
            if (!q) {
                if (!e.tensor.is_floating_point()) {
                    d["scheme"] = "raw";
                    d["kind"] = "raw";
                    d["dtype"] = c10::toString(e.tensor.scalar_type());
                } else {
                    d["scheme"] = "fp32";
                    d["kind"] = "fp32";
                }
                d["stored"] = {{"values", e.name}};
                at::Tensor t = e.tensor.is_floating_point() ? e.tensor.to(at::kFloat).contiguous() : e.tensor.contiguous();
                dataBytes += static_cast<int64_t>(t.nbytes());
                file.set(e.name, t);
                list.push_back(std::move(d));
                continue;
            }
            if (!hasConsistentStorage(*q)) return fail(path + ": tensor '" + e.name + "' has inconsistent packed storage");
            const QuantScheme& s = q->scheme;
            d["scheme"] = s.toString();
            d["kind"] = kindName(s.kind);
            if (!s.isQuantized()) {
                const c10::ScalarType type = s.kind == QuantKind::Float16    ? at::kHalf
                                             : s.kind == QuantKind::BFloat16 ? at::kBFloat16
                                                                             : at::kFloat;
                at::Tensor t = rawTensor(q->packed.data(), q->packed.size(), q->shape, type);
                if (!t.defined()) return fail(path + ": tensor '" + e.name + "' has the wrong number of stored bytes");
                d["stored"] = {{"values", e.name}};
                file.set(e.name, t);
                dataBytes += q->bytes();
                list.push_back(std::move(d));
                continue;
            }
            d["bits"] = s.storedBits();
            d["symmetric"] = s.symmetric;
            d["axis"] = q->axis;
            d["rows"] = q->layout.rows;
            d["row_length"] = q->layout.rowLength;
            d["block_size"] = q->layout.blockSize;
            d["blocks"] = q->layout.blockCount();
            d["permuted"] = q->layout.permuted;
            d["packing"] = packingName(s);
            d["scale_dtype"] = s.scaleDtype == ScaleDtype::Fp16 ? "fp16" : "fp32";
            nlohmann::ordered_json stored;
            stored["packed"] = e.name + ".packed";
            file.set(e.name + ".packed", bytesTensor(q->packed.data(), q->packed.size()));
            stored["scales"] = e.name + ".scales";
            if (s.scaleDtype == ScaleDtype::Fp16)
                file.set(e.name + ".scales", rawTensor(q->scalesFp16.data(), q->scalesFp16.size() * 2,
                                                       {static_cast<int64_t>(q->scalesFp16.size())}, at::kHalf));
            else
                file.set(e.name + ".scales", rawTensor(q->scalesFp32.data(), q->scalesFp32.size() * 4,
                                                       {static_cast<int64_t>(q->scalesFp32.size())}, at::kFloat));
            if (!q->zeroPoints.empty()) {
                stored["zero_points"] = e.name + ".zero_points";
                file.set(e.name + ".zero_points", bytesTensor(q->zeroPoints.data(), q->zeroPoints.size()));
            }
            d["stored"] = std::move(stored);
            dataBytes += q->bytes();
            list.push_back(std::move(d));
        }
        if (dataBytes != model.size.bytes)
            return fail(path + ": stored tensors take " + std::to_string(dataBytes) + " bytes but the size report counts " +
                        std::to_string(model.size.bytes));
        std::map<std::string, std::string> meta{{"format", kPackedWeightsFormat},
                                                {"format_version", std::to_string(kPackedWeightsFormatVersion)},
                                                {"producer", producer},
                                                {"layout", kLayoutText},
                                                {"params", std::to_string(model.size.params)},
                                                {"bytes", std::to_string(model.size.bytes)},
                                                {"tensors", dumpJson(list)}};
        if (Status st = writeSafetensors(path, file, meta); !st) return st.error();
        PackedWeightsFileInfo info;
        info.dataBytes = dataBytes;
        auto header = headerBytesOf(path, &info.fileBytes);
        if (!header) return header.error();
        info.headerBytes = *header;
        if (info.fileBytes != info.headerBytes + info.dataBytes)
            return fail(path + ": file has " + std::to_string(info.fileBytes) + " bytes, expected header + data = " +
                        std::to_string(info.headerBytes + info.dataBytes));
        return info;
    } catch (const std::exception& ex) {
        return fail(path + ": " + ex.what());
    }
}

Result<PackedWeights> readPackedWeights(const std::string& path) {
    PackedWeights out;
    auto file = readSafetensors(path, &out.metadata);
    if (!file) return file.error();
    auto header = headerBytesOf(path, &out.fileBytes);
    if (!header) return header.error();
    out.headerBytes = *header;
    out.dataBytes = out.fileBytes - out.headerBytes;

    const auto meta = [&](const char* key) -> std::string {
        auto it = out.metadata.find(key);
        return it == out.metadata.end() ? std::string() : it->second;
    };
    if (meta("format") != kPackedWeightsFormat)
        return fail(path + ": not a Pareto packed weights file (__metadata__ format is '" + meta("format") + "')");
    if (meta("format_version") != std::to_string(kPackedWeightsFormatVersion))
        return fail(path + ": unsupported packed weights format version '" + meta("format_version") + "'");
    nlohmann::json list;
    try {
        list = nlohmann::json::parse(meta("tensors"));
    } catch (const std::exception& e) {
        return fail(path + ": __metadata__ 'tensors' is not valid JSON");
    }
    if (!list.is_array()) return fail(path + ": __metadata__ 'tensors' is not a JSON array");

    std::set<std::string> used;
    const auto take = [&](const std::string& key, const std::string& tensor) -> Result<at::Tensor> {
        const at::Tensor* t = file->find(key);
        if (!t) return fail(path + ": tensor '" + tensor + "' refers to '" + key + "', which the file does not hold");
        if (!used.insert(key).second) return fail(path + ": '" + key + "' is described twice");
        return *t;
    };

    for (const auto& d : list) {
        try {
            const std::string name = d.at("name").get<std::string>();
            const std::vector<int64_t> shape = shapeOf(d.at("shape"));
            const std::string schemeText = d.at("scheme").get<std::string>();
            const auto& stored = d.at("stored");
            if (schemeText == "raw" || schemeText == "fp32") {
                auto t = take(stored.at("values").get<std::string>(), name);
                if (!t) return t.error();
                if (t->sizes().vec() != shape) return fail(path + ": tensor '" + name + "' has shape " + shapeList(t->sizes().vec()) + ", metadata says " + shapeList(shape));
                if (schemeText == "fp32" && t->scalar_type() != at::kFloat) return fail(path + ": tensor '" + name + "' is described as fp32 but stored as " + c10::toString(t->scalar_type()));
                out.dequantized.set(name, *t);
                const int64_t bytes = static_cast<int64_t>(t->nbytes());
                out.size.add({name, schemeText == "raw" ? "raw " + std::string(c10::toString(t->scalar_type())) : "fp32",
                              schemeText == "raw" ? 0 : t->numel(), bytes});
                continue;
            }
            auto scheme = QuantScheme::parse(schemeText);
            if (!scheme) return fail(path + ": tensor '" + name + "': " + scheme.error().message);
            QuantizedTensor q;
            q.name = name;
            q.shape = shape;
            q.scheme = *scheme;
            q.axis = scheme->isQuantized() ? d.at("axis").get<int64_t>() : 0;
            auto layout = BlockLayout::make(shape, q.axis, q.scheme);
            if (!layout) return fail(path + ": tensor '" + name + "': " + layout.error().message);
            q.layout = *layout;
            if (!scheme->isQuantized()) {
                auto t = take(stored.at("values").get<std::string>(), name);
                if (!t) return t.error();
                const c10::ScalarType want = scheme->kind == QuantKind::Float16 ? at::kHalf : scheme->kind == QuantKind::BFloat16 ? at::kBFloat16 : at::kFloat;
                if (t->scalar_type() != want || t->sizes().vec() != shape)
                    return fail(path + ": tensor '" + name + "' stored as " + c10::toString(t->scalar_type()) + " " + shapeList(t->sizes().vec()) +
                                ", metadata says " + schemeText + " " + shapeList(shape));
                q.packed.assign(static_cast<const uint8_t*>(t->data_ptr()), static_cast<const uint8_t*>(t->data_ptr()) + t->nbytes());
            } else {
                if (d.at("rows").get<int64_t>() != q.layout.rows || d.at("row_length").get<int64_t>() != q.layout.rowLength ||
                    d.at("block_size").get<int64_t>() != q.layout.blockSize)
                    return fail(path + ": tensor '" + name + "': metadata layout disagrees with scheme " + schemeText + " on shape " + shapeList(shape));
                auto packed = take(stored.at("packed").get<std::string>(), name);
                if (!packed) return packed.error();
                if (packed->scalar_type() != at::kByte || packed->dim() != 1) return fail(path + ": tensor '" + name + "': packed codes must be a 1-D U8 tensor");
                q.packed.assign(static_cast<const uint8_t*>(packed->data_ptr()), static_cast<const uint8_t*>(packed->data_ptr()) + packed->nbytes());
                auto scales = take(stored.at("scales").get<std::string>(), name);
                if (!scales) return scales.error();
                if (q.scheme.scaleDtype == ScaleDtype::Fp16) {
                    if (scales->scalar_type() != at::kHalf) return fail(path + ": tensor '" + name + "': scales must be F16 for " + schemeText);
                    q.scalesFp16.resize(static_cast<size_t>(scales->numel()));
                    std::memcpy(q.scalesFp16.data(), scales->data_ptr(), scales->nbytes());
                } else {
                    if (scales->scalar_type() != at::kFloat) return fail(path + ": tensor '" + name + "': scales must be F32 for " + schemeText);
                    q.scalesFp32.resize(static_cast<size_t>(scales->numel()));
                    std::memcpy(q.scalesFp32.data(), scales->data_ptr(), scales->nbytes());
                }
                if (stored.contains("zero_points")) {
                    auto zp = take(stored.at("zero_points").get<std::string>(), name);
                    if (!zp) return zp.error();
                    if (zp->scalar_type() != at::kByte) return fail(path + ": tensor '" + name + "': zero-points must be U8");
                    q.zeroPoints.assign(static_cast<const uint8_t*>(zp->data_ptr()), static_cast<const uint8_t*>(zp->data_ptr()) + zp->nbytes());
                }
            }
            if (!hasConsistentStorage(q))
                return fail(path + ": tensor '" + name + "': stored buffer sizes do not match " + schemeText + " on shape " + shapeList(shape));
            at::Tensor deq = dequantize(q, KernelPath::Reference);
            if (!deq.defined()) return fail(path + ": tensor '" + name + "': cannot dequantize");
            if (!at::isfinite(deq).all().item<bool>()) return fail(path + ": tensor '" + name + "' dequantizes to non-finite values");
            out.size.add({name, schemeText, q.numel(), q.bytes()});
            out.dequantized.set(name, deq);
            out.tensors.push_back(std::move(q));
        } catch (const nlohmann::json::exception& e) {
            return fail(path + ": __metadata__ 'tensors' entry is malformed (" + std::string(e.what()) + ")");
        }
    }
    for (const auto& e : file->entries())
        if (!used.count(e.name)) return fail(path + ": tensor '" + e.name + "' is not described in __metadata__");
    if (out.size.bytes != out.dataBytes)
        return fail(path + ": described tensors take " + std::to_string(out.size.bytes) + " bytes, the data section has " +
                    std::to_string(out.dataBytes));
    return out;
}

}  // namespace pareto
