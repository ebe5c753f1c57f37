// SPDX-License-Identifier: Apache-2.0
#include "io/safetensors.h"
#include "common/jsontext.h"

#include "common/atomicfile.h"
#include "io/errortext.h"
#include "io/mappedfile.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; this reader copies bytes as they are"
#endif

namespace pareto {
namespace {

constexpr size_t kMaxRank = 64;

struct DtypeName {
    const char* name;
    c10::ScalarType type;
};

constexpr DtypeName kDtypes[] = {
    {"F64", c10::ScalarType::Double}, {"F32", c10::ScalarType::Float},  {"F16", c10::ScalarType::Half},
    {"BF16", c10::ScalarType::BFloat16}, {"I64", c10::ScalarType::Long}, {"I32", c10::ScalarType::Int},
    {"I16", c10::ScalarType::Short},  {"I8", c10::ScalarType::Char},    {"U8", c10::ScalarType::Byte},
    {"BOOL", c10::ScalarType::Bool},
};

c10::ScalarType dtypeFromName(const std::string& name) {
    for (const auto& d : kDtypes)
        if (name == d.name) return d.type;
    return c10::ScalarType::Undefined;
}

const char* nameOfDtype(c10::ScalarType type) {
    for (const auto& d : kDtypes)
        if (type == d.type) return d.name;
    return nullptr;
}

struct Entry {
    std::string name;
    c10::ScalarType dtype = c10::ScalarType::Undefined;
    std::vector<int64_t> shape;
    uint64_t begin = 0;
    uint64_t end = 0;
};

std::string rangeText(uint64_t begin, uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

bool isCount(const nlohmann::json& j) {
    return j.is_number_unsigned() && j.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max());
}

// Validates one header entry against the data area of `dataSize` bytes.
Result<Entry> parseEntry(const std::string& name, const nlohmann::json& j, uint64_t dataSize) {
    const std::string what = "tensor '" + name + "'";
    if (!j.is_object()) return fail(what + " has a header entry that is not an object");
    Entry e;
    e.name = name;

    auto dtype = j.find("dtype");
    if (dtype == j.end() || !dtype->is_string()) return fail(what + " has no dtype");
    e.dtype = dtypeFromName(dtype->get<std::string>());
    if (e.dtype == c10::ScalarType::Undefined)
        return fail(what + " has unsupported dtype '" + detail::oneLine(dtype->get<std::string>(), 40) + "'");

    auto shape = j.find("shape");
    if (shape == j.end() || !shape->is_array() || shape->size() > kMaxRank)
        return fail(what + " has no valid shape (a list of at most " + std::to_string(kMaxRank) + " sizes)");
    uint64_t bytes = c10::elementSize(e.dtype);
    for (const auto& d : *shape) {
        if (!isCount(d)) return fail(what + " has a shape entry that is not a non-negative integer");
        e.shape.push_back(d.get<int64_t>());
        if (__builtin_mul_overflow(bytes, d.get<uint64_t>(), &bytes)) return fail(what + " has a shape whose size overflows");
    }
    if (bytes > dataSize)
        return fail(what + " claims " + std::to_string(bytes) + " bytes but the file has only " + std::to_string(dataSize) +
                    " bytes after the header");

    auto offsets = j.find("data_offsets");
    if (offsets == j.end() || !offsets->is_array() || offsets->size() != 2 || !isCount((*offsets)[0]) ||
        !isCount((*offsets)[1]))
        return fail(what + " has no valid data_offsets (two non-negative integers)");
    e.begin = (*offsets)[0].get<uint64_t>();
    e.end = (*offsets)[1].get<uint64_t>();
    if (e.begin > e.end || e.end - e.begin != bytes)
        return fail(what + " data_offsets " + rangeText(e.begin, e.end) + " do not match its shape and dtype (" +
                    std::to_string(bytes) + " bytes)");
    if (e.end > dataSize)
        return fail(what + " data_offsets " + rangeText(e.begin, e.end) + " lie outside the data area (" +
                    std::to_string(dataSize) + " bytes); is the file truncated?");
    return e;
}

Status parseMetadata(const nlohmann::json& j, std::map<std::string, std::string>* out) {
    if (!j.is_object()) return fail("__metadata__ is not an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_string()) return fail("__metadata__ entry '" + it.key() + "' is not a string");
        if (out) (*out)[it.key()] = it.value().get<std::string>();
    }
    return Status::success();
}

// Tensors may be listed in any order; in the data area no two may share a byte.
Status checkOverlaps(std::vector<Entry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    const Entry* reach = nullptr;  // the non-empty tensor reaching furthest so far
    for (const Entry& e : entries) {
        if (e.begin == e.end) continue;
        if (reach && e.begin < reach->end)
            return fail("tensors '" + reach->name + "' " + rangeText(reach->begin, reach->end) + " and '" + e.name + "' " +
                        rangeText(e.begin, e.end) + " overlap");
        if (!reach || e.end > reach->end) reach = &e;
    }
    return Status::success();
}

// A tensor over the mapping itself when its bytes are aligned for its dtype (bool bytes
// must be normalised, so those are copied); `file` stays mapped while any view lives.
at::Tensor viewOrCopy(const Entry& e, const uint8_t* data, const std::shared_ptr<detail::MappedFile>& file) {
    const uint8_t* p = data + e.begin;
    const size_t element = c10::elementSize(e.dtype);
    if (e.end == e.begin || e.dtype == c10::ScalarType::Bool || reinterpret_cast<uintptr_t>(p) % element != 0) return at::Tensor();
    return at::from_blob(const_cast<uint8_t*>(p), e.shape, [file](void*) {}, at::TensorOptions().dtype(e.dtype));
}

at::Tensor copyOut(const Entry& e, const uint8_t* data) {
    at::Tensor t = at::empty(e.shape, at::TensorOptions().dtype(e.dtype));
    const size_t bytes = e.end - e.begin;
    if (bytes == 0) return t;
    auto* dst = static_cast<uint8_t*>(t.data_ptr());
    std::memcpy(dst, data + e.begin, bytes);
    // A bool byte other than 0/1 is undefined behaviour in LibTorch kernels.
    if (e.dtype == c10::ScalarType::Bool)
        for (size_t i = 0; i < bytes; ++i) dst[i] = dst[i] != 0;
    return t;
}

}  // namespace

namespace {

// The validated header of a mapped file: its entries sorted by offset (the order the
// tensors were written in) and where the data area starts.
struct ParsedHeader {
    std::vector<Entry> entries;
    uint64_t dataStart = 0;
};

Result<ParsedHeader> parseHeader(const std::string& path, const detail::MappedFile& file,
                                 std::map<std::string, std::string>* metadata, size_t maxHeaderBytes) {
    const uint64_t size = file.size();
    if (size < 8) return fail(path + ": too short for a safetensors file (" + std::to_string(size) + " bytes)");
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | file.data()[i];
    if (headerLen > maxHeaderBytes)
        return fail(path + ": safetensors header length " + std::to_string(headerLen) + " exceeds the limit of " +
                    std::to_string(maxHeaderBytes) + " bytes");
    if (headerLen > size - 8)
        return fail(path + ": safetensors header length " + std::to_string(headerLen) + " is larger than the " +
                    std::to_string(size - 8) + " bytes after the length field");

    const char* headerBegin = reinterpret_cast<const char*>(file.data()) + 8;
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerBegin, headerBegin + headerLen);
    } catch (const nlohmann::json::exception& e) {
        return fail(path + ": safetensors header is not valid JSON (" + detail::oneLine(e.what()) + ")");
    }
    if (!header.is_object()) return fail(path + ": safetensors header is not a JSON object");

    const uint64_t dataSize = size - 8 - headerLen;
    ParsedHeader out;
    out.dataStart = 8 + headerLen;
    if (metadata) metadata->clear();
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            Status st = parseMetadata(it.value(), metadata);
            if (!st) return fail(path + ": " + st.error().message);
            continue;
        }
        auto entry = parseEntry(it.key(), it.value(), dataSize);
        if (!entry) return fail(path + ": " + entry.error().message);
        out.entries.push_back(std::move(*entry));
    }
    Status st = checkOverlaps(out.entries);
    if (!st) return fail(path + ": " + st.error().message);
    return out;
}

}  // namespace

Result<StateDict> readSafetensors(const std::string& path, std::map<std::string, std::string>* metadata,
                                  size_t maxHeaderBytes) {
    try {
        auto opened = detail::MappedFile::open(path);
        if (!opened) return opened.error();
        // Mapped only once the header is checked against the file's size: no tensor can
        // reach past the end of the file.
        const auto file = std::make_shared<detail::MappedFile>(std::move(*opened));
        auto header = parseHeader(path, *file, metadata, maxHeaderBytes);
        if (!header) return header.error();
        const uint8_t* data = file->data() + header->dataStart;
        StateDict out;
        for (const Entry& e : header->entries) {
            at::Tensor view = viewOrCopy(e, data, file);
            out.set(e.name, view.defined() ? view : copyOut(e, data));
        }
        return out;
    } catch (const std::exception& e) {
        return fail(path + ": " + detail::exceptionText(e));
    }
}

Result<SafetensorsHeader> readSafetensorsHeader(const std::string& path, size_t maxHeaderBytes) {
    try {
        auto file = detail::MappedFile::open(path);
        if (!file) return file.error();
        SafetensorsHeader out;
        auto header = parseHeader(path, *file, &out.metadata, maxHeaderBytes);
        if (!header) return header.error();
        for (const Entry& e : header->entries) out.tensors.push_back({e.name, nameOfDtype(e.dtype), e.shape});
        return out;
    } catch (const std::exception& e) {
        return fail(path + ": " + detail::exceptionText(e));
    }
}

Status writeSafetensors(const std::string& path, const StateDict& tensors,
                        const std::map<std::string, std::string>& metadata) {
    try {
        nlohmann::ordered_json header = nlohmann::ordered_json::object();
        if (!metadata.empty()) {
            auto& meta = header["__metadata__"] = nlohmann::ordered_json::object();
            for (const auto& [k, v] : metadata) meta[k] = v;
        }
        std::vector<at::Tensor> payload;
        uint64_t offset = 0;
        for (const auto& e : tensors.entries()) {
            if (e.name.empty() || e.name == "__metadata__")
                return fail(path + ": '" + e.name + "' cannot be a safetensors tensor name");
            if (!e.tensor.defined()) return fail(path + ": tensor '" + e.name + "' is undefined");
            const char* dtype = nameOfDtype(e.tensor.scalar_type());
            if (!dtype)
                return fail(path + ": tensor '" + e.name + "' has dtype " + c10::toString(e.tensor.scalar_type()) +
                            ", which safetensors cannot store");
            at::Tensor t = e.tensor.detach().to(at::kCPU).contiguous();
            const uint64_t bytes = t.nbytes();
            nlohmann::ordered_json entry = nlohmann::ordered_json::object();
            entry["dtype"] = dtype;
            entry["shape"] = t.sizes().vec();
            entry["data_offsets"] = nlohmann::ordered_json::array({offset, offset + bytes});
            header[e.name] = std::move(entry);
            offset += bytes;
            payload.push_back(std::move(t));
        }
        std::string json = dumpJson(header);
        json.append((8 - json.size() % 8) % 8, ' ');  // keeps the data area 8-byte aligned

        std::string out;
        out.reserve(8 + json.size() + offset);
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((uint64_t(json.size()) >> (8 * i)) & 0xff));
        out += json;
        for (const at::Tensor& t : payload)
            if (t.nbytes() > 0) out.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
        return writeFileAtomic(path, out);
    } catch (const std::exception& e) {
        return fail(path + ": " + detail::exceptionText(e));
    }
}

}  // namespace pareto
