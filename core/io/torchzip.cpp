#include "io/torchzip.h"

#include "io/errortext.h"
#include "io/pickle.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include <memory>
#include <utility>

namespace pareto::detail {
namespace {

using ZipReader = caffe2::serialize::PyTorchStreamReader;

// A state dict pickle is kilobytes; anything near this is not one.
constexpr size_t kMaxPickleBytes = size_t(256) << 20;
// StateDict::set is linear, so an absurd entry count would be quadratic.
constexpr size_t kMaxEntries = 100000;
const char* const kNestedKeys[] = {"model_state_dict", "state_dict", "student_state_dict"};

struct Record {
    at::DataPtr data;
    size_t size = 0;
};

Result<std::unique_ptr<ZipReader>> openZip(const std::string& path) {
    try {
        return std::make_unique<ZipReader>(path);
    } catch (const std::exception& e) {
        return fail(path + ": truncated or corrupt zip archive (" + exceptionText(e) + ")");
    }
}

Result<Record> readRecord(ZipReader& zip, const std::string& name) {
    try {
        auto [data, size] = zip.getRecord(name);
        return Record{std::move(data), size};
    } catch (const std::exception& e) {
        return fail("cannot read record '" + name + "' (" + exceptionText(e) + ")");
    }
}

// The storage `data/<key>` as a 1-D tensor that keeps the record's buffer alive (no copy).
Result<at::Tensor> loadStorage(ZipReader& zip, const std::string& key, c10::ScalarType dtype, int64_t numel) {
    const std::string name = "data/" + key;
    if (!zip.hasRecord(name)) return fail("storage record '" + name + "' is missing from the archive");
    auto record = readRecord(zip, name);
    if (!record) return record.error();
    const size_t itemSize = c10::elementSize(dtype);
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(numel), static_cast<uint64_t>(itemSize), &bytes) ||
        bytes > record->size)
        return fail("storage '" + key + "' claims " + std::to_string(numel) + " " + c10::toString(dtype) +
                    " elements but its record has only " + std::to_string(record->size) + " bytes");
    const auto options = at::TensorOptions().dtype(dtype);
    if (numel == 0) return at::empty({0}, options);
    auto holder = std::make_shared<at::DataPtr>(std::move(record->data));
    return at::from_blob(holder->get(), {numel}, [holder](void*) {}, options);
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
    auto zip = openZip(path);
    if (!zip) return zip.error();
    try {
        if ((*zip)->hasRecord("constants.pkl")) return TorchZipKind::TorchScript;
        for (const std::string& name : (*zip)->getAllRecords())
            if (name.rfind("code/", 0) == 0) return TorchZipKind::TorchScript;
        return TorchZipKind::TorchSave;
    } catch (const std::exception& e) {
        return fail(path + ": truncated or corrupt zip archive (" + exceptionText(e) + ")");
    }
}

Result<Checkpoint> loadTorchZip(const std::string& path) {
    auto opened = openZip(path);
    if (!opened) return opened.error();
    ZipReader& zip = **opened;
    try {
        if (zip.hasRecord("byteorder")) {
            auto order = readRecord(zip, "byteorder");
            if (!order) return fail(path + ": " + order.error().message);
            const std::string text(static_cast<const char*>(order->data.get()), order->size);
            if (text != "little") return fail(path + ": byte order '" + oneLine(text, 20) + "' is not supported (little-endian only)");
        }
        if (!zip.hasRecord("data.pkl")) return fail(path + ": archive has no data.pkl, so it is not a torch.save checkpoint");
        auto pickle = readRecord(zip, "data.pkl");
        if (!pickle) return fail(path + ": " + pickle.error().message);
        if (pickle->size > kMaxPickleBytes)
            return fail(path + ": data.pkl is " + std::to_string(pickle->size) + " bytes, more than a state dict needs");

        PickleReader reader(static_cast<const char*>(pickle->data.get()), pickle->size,
                            [&zip](const std::string& key, c10::ScalarType dtype, int64_t numel) {
                                return loadStorage(zip, key, dtype, numel);
                            });
        auto top = reader.load();
        if (!top) return fail(path + ": data.pkl: " + top.error().message);
        return interpret(**top, path);
    } catch (const std::exception& e) {
        return fail(path + ": truncated or corrupt zip archive (" + exceptionText(e) + ")");
    }
}

}  // namespace pareto::detail
