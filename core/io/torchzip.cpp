// SPDX-License-Identifier: Apache-2.0
#include "io/torchzip.h"

#include "io/errortext.h"
#include "io/pickle.h"

#include "io/mappedfile.h"
#include "io/ziparchive.h"

#include <ATen/ATen.h>

#include <cstring>
#include <memory>
#include <utility>

namespace pareto::detail {
namespace {

// A state dict pickle is kilobytes; anything near this is not one.
constexpr size_t kMaxPickleBytes = size_t(256) << 20;
// StateDict::set is linear, so an absurd entry count would be quadratic.
constexpr size_t kMaxEntries = 100000;
const char* const kNestedKeys[] = {"model_state_dict", "state_dict", "student_state_dict"};

Result<ZipArchive> openZip(const std::string& path, uint64_t maxInflated) {
    return ZipArchive::open(path, maxInflated);
}

// The storage `data/<key>` as a 1-D tensor of `numel` elements (budget and CRC-32 checked
// by the archive before a byte is used). A stored record whose bytes are aligned for its dtype
// is a view of `mapped` (torch.save aligns records to 64 bytes), which then stays mapped while
// the tensor lives; a deflated or unaligned one is read into memory.
Result<at::Tensor> loadStorage(ZipArchive& zip, const std::shared_ptr<MappedFile>& mapped, const std::string& key,
                               c10::ScalarType dtype, int64_t numel) {
    const std::string name = "data/" + key;
    const ZipArchive::Entry* entry = zip.find(name);
    if (!entry) return fail("storage record '" + name + "' is missing from the archive");
    const size_t itemSize = c10::elementSize(dtype);
    uint64_t bytes = 0;
    if (numel < 0 || __builtin_mul_overflow(static_cast<uint64_t>(numel), static_cast<uint64_t>(itemSize), &bytes) ||
        bytes > entry->size)
        return fail("storage '" + key + "' claims " + std::to_string(numel) + " " + c10::toString(dtype) +
                    " elements but its record has only " + std::to_string(entry->size) + " bytes");
    if (Status s = zip.checkBudget(*entry); !s) return s.error();
    if (mapped && dtype != c10::ScalarType::Bool && numel > 0) {
        auto at = zip.storedBytes(*entry, mapped->data(), mapped->size());
        if (!at) return at.error();
        if (*at && reinterpret_cast<uintptr_t>(*at) % itemSize == 0)
            return at::from_blob(const_cast<uint8_t*>(*at), {numel}, [mapped](void*) {}, at::TensorOptions().dtype(dtype));
        if (*at) {  // stored but unaligned: copied out of the mapping (its CRC is already checked)
            at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(dtype));
            std::memcpy(t.data_ptr(), *at, static_cast<size_t>(bytes));
            return t;
        }
    }
    at::Tensor raw = at::empty({static_cast<int64_t>(entry->size)}, at::kByte);
    if (Status s = zip.readInto(*entry, raw.data_ptr()); !s) return s.error();
    if (numel == 0) return at::empty({0}, at::TensorOptions().dtype(dtype));
    return raw.narrow(0, 0, static_cast<int64_t>(bytes)).view(dtype);
}

// data.pkl (or constants.pkl) of an archive, refused before reading when it is too big.
Result<std::string> readPickleRecord(ZipArchive& zip, const std::string& name) {
    const ZipArchive::Entry* e = zip.find(name);
    if (!e) return fail("archive has no " + name);
    if (e->size > kMaxPickleBytes)
        return fail(name + " would inflate to " + byteSizeText(e->size) + ", more than a state dict needs (" +
                    byteSizeText(kMaxPickleBytes) + ")");
    return zip.read(*e);
}

std::string whatIs(const PickleValue& v) {
    if (v.is(PickleValue::Kind::Opaque)) return "an object made by " + v.text + " (not allowed, not run)";
    return "a " + v.describe();
}

Result<StateDict> toStateDict(const PickleValue& dict, const std::string& path, const std::string& where) {
    if (dict.dictSize() > kMaxEntries)
        return fail(path + ": state dict" + where + " has more than " + std::to_string(kMaxEntries) + " entries");
    StateDict out;
    for (size_t i = 0; i < dict.dictSize(); ++i) {
        const PickleValue& key = *dict.dictKey(i);
        const PickleValue& value = *dict.dictValue(i);
        if (!key.is(PickleValue::Kind::String))
            return fail(path + ": state dict" + where + " has a key that is a " + key.describe() + ", not a name");
        if (!value.is(PickleValue::Kind::Tensor))
            return fail(path + ": entry '" + key.text + "'" + where + " is " + whatIs(value) + ", not a tensor");
        out.set(key.text, value.tensor);
    }
    return out;
}

Result<Checkpoint> interpret(const PickleValue& top, const std::string& path) {
    if (!top.is(PickleValue::Kind::Dict)) return fail(path + ": the file holds " + whatIs(top) + ", not a state dict");
    Checkpoint ckpt;
    ckpt.path = path;
    ckpt.format = CheckpointFormat::TorchZip;
    for (const char* key : kNestedKeys) {
        const PickleValue* nested = top.dictGet(key);
        if (!nested) continue;
        if (!nested->is(PickleValue::Kind::Dict))
            return fail(path + ": '" + key + "' is " + whatIs(*nested) + ", not a dict of tensors");
        auto weights = toStateDict(*nested, path, std::string(" of '") + key + "'");
        if (!weights) return weights.error();
        ckpt.weights = std::move(*weights);
        ckpt.nestedKey = key;
        // Scalars beside the weights (epoch, loss, ...) are worth showing; the rest
        // (optimizer state, configs) is ignored.
        for (size_t i = 0; i < top.dictSize(); ++i) {
            const PickleValue& k = *top.dictKey(i);
            const PickleValue& v = *top.dictValue(i);
            if (k.is(PickleValue::Kind::String) && v.isScalar()) ckpt.metadata[k.text] = v.scalarText();
        }
        return ckpt;
    }
    auto weights = toStateDict(top, path, "");
    if (!weights) return weights.error();
    ckpt.weights = std::move(*weights);
    return ckpt;
}

}  // namespace

Result<TorchZipKind> inspectTorchZip(const std::string& path) {
    auto zip = openZip(path, 0);
    if (!zip) return zip.error();
    if (zip->has("constants.pkl")) return TorchZipKind::TorchScript;
    for (const auto& e : zip->entries())
        if (e.relative.rfind("code/", 0) == 0) return TorchZipKind::TorchScript;
    return TorchZipKind::TorchSave;
}

Result<Checkpoint> loadTorchZip(const std::string& path, uint64_t maxInflatedBytes) {
    auto opened = openZip(path, maxInflatedBytes);
    if (!opened) return opened.error();
    ZipArchive& zip = *opened;
    try {
        if (zip.has("byteorder")) {
            auto order = zip.read("byteorder");
            if (!order) return fail(path + ": " + order.error().message);
            if (*order != "little") return fail(path + ": byte order '" + oneLine(*order, 20) + "' is not supported (little-endian only)");
        }
        if (!zip.has("data.pkl")) return fail(path + ": archive has no data.pkl, so it is not a torch.save checkpoint");
        auto pickle = readPickleRecord(zip, "data.pkl");
        if (!pickle) return fail(path + ": " + pickle.error().message);

        // Mapped after the archive's directory was checked against the file's size; storedBytes
        // refuses a mapping of another length. Without a mapping every record is read.
        std::shared_ptr<MappedFile> mapped;
        if (auto m = MappedFile::open(path)) mapped = std::make_shared<MappedFile>(std::move(*m));
        PickleReader::Limits limits;
        limits.maxTensorBytes = zip.budget().total;
        limits.tensorBudgetText = zip.budget().describeTotal(zip.fileSize());
        PickleReader reader(pickle->data(), pickle->size(),
                            [&zip, &mapped](const std::string& key, c10::ScalarType dtype, int64_t numel) {
                                return loadStorage(zip, mapped, key, dtype, numel);
                            },
                            limits);
        auto top = reader.load();
        if (!top) return fail(path + ": data.pkl: " + top.error().message);
        return interpret(**top, path);
    } catch (const std::exception& e) {
        return fail(path + ": truncated or corrupt zip archive (" + exceptionText(e) + ")");
    }
}

}  // namespace pareto::detail
