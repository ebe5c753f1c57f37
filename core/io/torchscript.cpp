// SPDX-License-Identifier: Apache-2.0
#include "io/torchscript.h"

#include "io/errortext.h"
#include "io/pickle.h"
#include "io/ziparchive.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace pareto::detail {
namespace {

constexpr size_t kMaxCodeBytes = size_t(16) << 20;
constexpr size_t kMaxPickleBytes = size_t(256) << 20;
constexpr int kMaxModuleDepth = 64;
const std::string kTorchPrefix = "__torch__.";

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string dtypeName(c10::ScalarType t) {
    std::string d = lower(c10::toString(t));
    if (d == "float") return "float32";
    if (d == "half") return "float16";
    if (d == "double") return "float64";
    return d;
}

// "__torch__.torch.nn.modules.conv.Conv2d(...)" -> "torch.nn.modules.conv.Conv2d".
std::string className(const std::string& opaqueText) {
    std::string n = opaqueText;
    if (n.size() >= 5 && n.compare(n.size() - 5, 5, "(...)") == 0) n.resize(n.size() - 5);
    if (n.rfind(kTorchPrefix, 0) == 0) n = n.substr(kTorchPrefix.size());
    return n;
}

/// What a class's source declares: its parameter and buffer names and its methods.
struct ClassDecl {
    std::set<std::string> parameters, buffers;
    std::vector<std::string> methods;
    bool found = false;
};

// `__parameters__ = ["weight", "bias", ]` -> {weight, bias}.
std::set<std::string> quotedNames(const std::string& line) {
    std::set<std::string> out;
    for (size_t i = line.find('"'); i != std::string::npos;) {
        const size_t j = line.find('"', i + 1);
        if (j == std::string::npos) break;
        out.insert(line.substr(i + 1, j - i - 1));
        i = line.find('"', j + 1);
    }
    return out;
}

// The class `name`'s block in a code file: the lines after "class NAME(" indented by two.
ClassDecl parseClass(const std::string& code, const std::string& name) {
    ClassDecl d;
    const std::string head = "class " + name + "(";
    size_t pos = code.find(head);
    while (pos != std::string::npos && pos != 0 && code[pos - 1] != '\n') pos = code.find(head, pos + 1);
    if (pos == std::string::npos) return d;
    d.found = true;
    size_t line = code.find('\n', pos);
    while (line != std::string::npos && line + 1 < code.size()) {
        const size_t begin = line + 1;
        size_t end = code.find('\n', begin);
        if (end == std::string::npos) end = code.size();
        const std::string text = code.substr(begin, end - begin);
        if (!text.empty() && text[0] != ' ') break;  // next top-level statement
        const std::string trimmed = text.substr(std::min(text.find_first_not_of(' '), text.size()));
        const size_t indent = text.size() - trimmed.size();
        if (indent == 2) {
            if (trimmed.rfind("__parameters__", 0) == 0) d.parameters = quotedNames(trimmed);
            else if (trimmed.rfind("__buffers__", 0) == 0) d.buffers = quotedNames(trimmed);
            else if (trimmed.rfind("def ", 0) == 0) {
                const size_t paren = trimmed.find('(');
                if (paren != std::string::npos) d.methods.push_back(trimmed.substr(4, paren - 4));
            }
        }
        line = end == code.size() ? std::string::npos : end;
    }
    return d;
}

class ContentsReader {
public:
    ContentsReader(ZipArchive& zip, TorchScriptContents& out) : m_zip(zip), m_out(out) {}

    // The source of qualified class `cls` ("torch.nn.modules.conv.Conv2d") lives in
    // code/__torch__/torch/nn/modules/conv.py; a top-level class in code/__torch__.py.
    ClassDecl declOf(const std::string& cls) {
        auto cached = m_decls.find(cls);
        if (cached != m_decls.end()) return cached->second;
        const size_t dot = cls.rfind('.');
        const std::string module = dot == std::string::npos ? "" : cls.substr(0, dot);
        const std::string name = dot == std::string::npos ? cls : cls.substr(dot + 1);
        std::string file = "code/__torch__";
        if (!module.empty()) {
            std::string m = module;
            std::replace(m.begin(), m.end(), '.', '/');
            file += "/" + m;
        }
        file += ".py";
        ClassDecl d;
        if (const ZipArchive::Entry* e = m_zip.find(file); e && e->size <= kMaxCodeBytes) {
            if (auto code = m_zip.read(*e)) d = parseClass(*code, name);
        }
        m_decls[cls] = d;
        return d;
    }

    void walk(const PickleValue& module, const std::string& prefix, int depth) {
        if (depth > kMaxModuleDepth || !module.is(PickleValue::Kind::Opaque) || module.items.empty()) return;
        if (!m_visited.insert(&module).second) return;
        const PickleValue& state = *module.items[0];
        const std::string cls = className(module.text);
        const ClassDecl decl = declOf(cls);
        // Attributes by name; a module with its own __getstate__ stores a tuple instead,
        // whose entries have no names we could know without running its __setstate__.
        const bool byName = state.is(PickleValue::Kind::Dict);
        if (!byName && !state.is(PickleValue::Kind::Tuple) && !state.is(PickleValue::Kind::List)) return;
        const size_t count = byName ? state.dictSize() : state.items.size();
        for (size_t i = 0; i < count; ++i) {
            const PickleValue* keyValue = byName ? state.dictKey(i) : nullptr;
            const PickleValue& value = byName ? *state.dictValue(i) : *state.items[i];
            if (byName && !keyValue->is(PickleValue::Kind::String)) continue;
            const std::string attribute = byName ? keyValue->text : "__getstate__()[" + std::to_string(i) + "]";
            const std::string name = prefix + attribute;
            if (value.is(PickleValue::Kind::Tensor)) {
                TorchScriptContents::Tensor t;
                t.name = name;
                t.shape = value.tensor.sizes().vec();
                t.dtype = dtypeName(value.tensor.scalar_type());
                t.moduleType = cls;
                t.role = decl.parameters.count(attribute) ? "parameter" : decl.buffers.count(attribute) ? "buffer" : "attribute";
                if (value.tensor.is_floating_point()) {
                    if (t.role == "parameter") m_out.parameterCount += value.tensor.numel();
                    else if (t.role == "buffer") m_out.bufferValues += value.tensor.numel();
                }
                m_out.tensors.push_back(std::move(t));
            } else if (value.is(PickleValue::Kind::Opaque) && value.text.rfind(kTorchPrefix, 0) == 0) {
                walk(value, name + ".", depth + 1);
            }
        }
    }

private:
    ZipArchive& m_zip;
    TorchScriptContents& m_out;
    std::map<std::string, ClassDecl> m_decls;
    std::set<const PickleValue*> m_visited;
};

Result<at::Tensor> loadStorage(ZipArchive& zip, const std::string& key, c10::ScalarType dtype, int64_t numel) {
    const ZipArchive::Entry* entry = zip.find("data/" + key);
    if (!entry) entry = zip.find(key);  // constants.pkl names its storages "constants/N"
    if (!entry) return fail("storage record 'data/" + key + "' is missing from the archive");
    const uint64_t bytes = uint64_t(std::max<int64_t>(numel, 0)) * c10::elementSize(dtype);
    if (numel < 0 || bytes > entry->size)
        return fail("storage '" + key + "' claims " + std::to_string(numel) + " elements but its record has only " +
                    std::to_string(entry->size) + " bytes");
    at::Tensor raw = at::empty({int64_t(entry->size)}, at::kByte);
    if (Status s = zip.readInto(*entry, raw.data_ptr()); !s) return s.error();
    if (numel == 0) return at::empty({0}, at::TensorOptions().dtype(dtype));
    return raw.narrow(0, 0, int64_t(bytes)).view(dtype);
}

}  // namespace

}  // namespace pareto::detail

namespace pareto {

Result<TorchScriptContents> inspectTorchScriptArchive(const std::string& path, uint64_t maxInflatedBytes) {
    using namespace detail;
    auto opened = ZipArchive::open(path, maxInflatedBytes);
    if (!opened) return opened.error();
    ZipArchive& zip = *opened;
    TorchScriptContents out;
    for (const auto& e : zip.entries()) out.records.push_back({e.relative, e.size});
    try {
        const ZipArchive::Entry* pkl = zip.find("data.pkl");
        if (!pkl) return fail(path + ": TorchScript archive has no data.pkl");
        if (pkl->size > kMaxPickleBytes)
            return fail(path + ": data.pkl would inflate to " + byteSizeText(pkl->size) + ", more than a module needs");
        auto bytes = zip.read(*pkl);
        if (!bytes) return fail(path + ": " + bytes.error().message);
        PickleReader::Limits limits;
        limits.maxTensorBytes = zip.budget().total;
        limits.tensorBudgetText = zip.budget().describeTotal(zip.fileSize());
        PickleReader reader(bytes->data(), bytes->size(),
                            [&zip](const std::string& key, c10::ScalarType dtype, int64_t numel) {
                                return loadStorage(zip, key, dtype, numel);
                            },
                            limits);
        auto top = reader.load();
        if (!top) return fail(path + ": data.pkl: " + top.error().message);
        const PickleValue& root = **top;
        if (!root.is(PickleValue::Kind::Opaque) || root.text.rfind(kTorchPrefix, 0) != 0)
            return fail(path + ": data.pkl does not hold a TorchScript module (it holds a " + root.describe() + ")");
        ContentsReader walker(zip, out);
        out.rootType = className(root.text);
        out.methods = walker.declOf(out.rootType).methods;
        walker.walk(root, "", 0);
    } catch (const std::exception& e) {
        return fail(path + ": " + exceptionText(e));
    }
    return out;
}

}  // namespace pareto

namespace pareto::detail {

Status validateZipRecords(const std::string& path, uint64_t maxInflatedBytes) {
    auto opened = ZipArchive::open(path, maxInflatedBytes);
    if (!opened) return opened.error();
    ZipArchive& zip = *opened;
    std::vector<unsigned char> buffer;
    for (const auto& e : zip.entries()) {
        if (Status s = zip.checkBudget(e); !s) return fail(path + ": " + s.error().message);
        buffer.resize(size_t(e.size));
        if (Status s = zip.readInto(e, buffer.data()); !s) return fail(path + ": " + s.error().message);
    }
    return Status::success();
}

Result<Checkpoint> loadTorchScript(const std::string& path, const CheckpointLoadOptions& options) {
    if (!options.trustCode)
        return Error::needsTrust(path + ": is a TorchScript program; loading it runs code from the file, so it opens only with --trust-code (nothing was run)");
    if (Status s = validateZipRecords(path, options.maxInflatedBytes); !s) return s.error();
    try {
        auto module = std::make_shared<torch::jit::Module>(torch::jit::load(path, at::Device(at::kCPU)));
        Checkpoint ckpt;
        ckpt.path = path;
        ckpt.format = CheckpointFormat::TorchScript;
        // Copies, so that compressing `weights` can never change the scripted module.
        for (const auto& p : module->named_parameters(/*recurse=*/true))
            ckpt.weights.set(p.name, p.value.detach().clone());
        for (const auto& b : module->named_buffers(/*recurse=*/true))
            if (b.value.is_floating_point()) ckpt.weights.set(b.name, b.value.detach().clone());
        ckpt.script = std::move(module);
        return ckpt;
    } catch (const std::exception& e) {
        return fail(path + ": cannot load TorchScript archive (" + exceptionText(e) + ")");
    }
}

}  // namespace pareto::detail
