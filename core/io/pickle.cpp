// SPDX-License-Identifier: Apache-2.0
#include "io/pickle.h"

#include "io/errortext.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>

namespace pareto::detail {
namespace {

// Opcodes of pickle protocols 0-5 (Lib/pickle.py); the text-only ones of protocol 0
// are rejected by the default branch.
enum Op : unsigned char {
    MARK = '(',
    STOP = '.',
    POP = '0',
    POP_MARK = '1',
    DUP = '2',
    BININT = 'J',
    BININT1 = 'K',
    BININT2 = 'M',
    NONE = 'N',
    BINPERSID = 'Q',
    REDUCE = 'R',
    BINSTRING = 'T',
    SHORT_BINSTRING = 'U',
    BINUNICODE = 'X',
    APPEND = 'a',
    BUILD = 'b',
    GLOBAL = 'c',
    DICT = 'd',
    EMPTY_DICT = '}',
    APPENDS = 'e',
    BINGET = 'h',
    INST = 'i',
    LONG_BINGET = 'j',
    LIST = 'l',
    EMPTY_LIST = ']',
    OBJ = 'o',
    BINPUT = 'q',
    LONG_BINPUT = 'r',
    SETITEM = 's',
    TUPLE = 't',
    EMPTY_TUPLE = ')',
    SETITEMS = 'u',
    BINFLOAT = 'G',
    BINBYTES = 'B',
    SHORT_BINBYTES = 'C',
    PROTO = 0x80,
    NEWOBJ = 0x81,
    EXT1 = 0x82,
    EXT2 = 0x83,
    EXT4 = 0x84,
    TUPLE1 = 0x85,
    TUPLE2 = 0x86,
    TUPLE3 = 0x87,
    NEWTRUE = 0x88,
    NEWFALSE = 0x89,
    LONG1 = 0x8a,
    LONG4 = 0x8b,
    SHORT_BINUNICODE = 0x8c,
    BINUNICODE8 = 0x8d,
    BINBYTES8 = 0x8e,
    EMPTY_SET = 0x8f,
    ADDITEMS = 0x90,
    FROZENSET = 0x91,
    NEWOBJ_EX = 0x92,
    STACK_GLOBAL = 0x93,
    MEMOIZE = 0x94,
    FRAME = 0x95,
    BYTEARRAY8 = 0x96,
    NEXT_BUFFER = 0x97,
    READONLY_BUFFER = 0x98,
};

constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr size_t kMaxGlobalName = 1024;

bool isAllowedGlobal(const std::string& name) {
    return name == kOrderedDict || name == kRebuildTensorV2 || name == kRebuildParameter ||
           storageDtype(name) != c10::ScalarType::Undefined;
}

std::string listText(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

std::string opcodeText(unsigned char op) {
    char buf[16];
    if (op >= 0x20 && op < 0x7f)
        std::snprintf(buf, sizeof buf, "'%c' (0x%02x)", op, op);
    else
        std::snprintf(buf, sizeof buf, "0x%02x", op);
    return buf;
}

}  // namespace

c10::ScalarType storageDtype(const std::string& name) {
    using S = c10::ScalarType;
    static const std::pair<const char*, S> kTypes[] = {
        {"torch.FloatStorage", S::Float}, {"torch.DoubleStorage", S::Double}, {"torch.HalfStorage", S::Half},
        {"torch.BFloat16Storage", S::BFloat16}, {"torch.LongStorage", S::Long}, {"torch.IntStorage", S::Int},
        {"torch.ShortStorage", S::Short}, {"torch.CharStorage", S::Char}, {"torch.ByteStorage", S::Byte},
        {"torch.BoolStorage", S::Bool},
    };
    for (const auto& [n, t] : kTypes)
        if (name == n) return t;
    return S::Undefined;
}

PickleReader::PickleReader(const char* data, size_t size, StorageLoader loader)
    : PickleReader(data, size, std::move(loader), Limits{}) {}

PickleReader::PickleReader(const char* data, size_t size, StorageLoader loader, Limits limits)
    : m_data(reinterpret_cast<const unsigned char*>(data)),
      m_size(size),
      m_loader(std::move(loader)),
      m_limits(limits) {}

Result<const PickleValue*> PickleReader::load() {
    if (m_pos != 0) return fail("pickle already loaded");
    try {
        bool stopped = false;
        while (!stopped) {
            if (m_pos >= m_size) {
                error("unexpected end of data (no STOP opcode)");
                break;
            }
            if (!step(stopped)) break;
        }
        if (stopped) {
            PickleValue* result = nullptr;
            if (pop(result)) return static_cast<const PickleValue*>(result);
        }
    } catch (const std::exception& e) {
        // Only allocation failures and LibTorch errors can get here; both end the load.
        m_error = exceptionText(e);
    }
    return fail(m_error + " at byte " + std::to_string(m_opPos));
}

bool PickleReader::error(std::string what) {
    if (m_error.empty()) m_error = std::move(what);
    return false;
}

bool PickleReader::need(size_t n) {
    if (n <= m_size - m_pos) return true;
    return error("unexpected end of data (" + std::to_string(n) + " bytes needed, " +
                 std::to_string(m_size - m_pos) + " left)");
}

uint64_t PickleReader::readLE(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t(m_data[m_pos + i]) << (8 * i);
    m_pos += n;
    return v;
}

bool PickleReader::readLength(size_t lengthBytes, size_t& out) {
    if (!need(lengthBytes)) return false;
    const uint64_t len = readLE(lengthBytes);
    // A length can never exceed what is left; checking here also keeps size_t casts safe.
    if (len > m_size - m_pos)
        return error("length " + std::to_string(len) + " exceeds the " + std::to_string(m_size - m_pos) +
                     " bytes left");
    out = static_cast<size_t>(len);
    return true;
}

bool PickleReader::readLine(std::string& out) {
    const size_t window = std::min(m_size - m_pos, kMaxGlobalName + 1);
    const void* nl = std::memchr(m_data + m_pos, '\n', window);
    if (!nl) return error("unterminated or overlong name in GLOBAL");
    const size_t len = static_cast<const unsigned char*>(nl) - (m_data + m_pos);
    out.assign(reinterpret_cast<const char*>(m_data + m_pos), len);
    m_pos += len + 1;
    return true;
}

PickleValue* PickleReader::make(Kind kind) {
    if (m_arena.size() >= m_limits.maxObjects) {
        error("more than " + std::to_string(m_limits.maxObjects) + " objects");
        return nullptr;
    }
    PickleValue& v = m_arena.emplace_back();
    v.kind = kind;
    if (kind == Kind::Dict) v.keyIndex = std::make_unique<std::unordered_map<std::string, size_t>>();
    return &v;
}

PickleValue* PickleReader::opaque(const std::string& name) {
    PickleValue* v = make(Kind::Opaque);
    if (v) v->text = name;
    return v;
}

bool PickleReader::push(PickleValue* v) {
    if (!v) return false;
    if (m_stack.size() >= m_limits.maxStack)
        return error("stack deeper than " + std::to_string(m_limits.maxStack));
    m_stack.push_back(v);
    return true;
}

bool PickleReader::pop(PickleValue*& out) {
    if (m_stack.size() <= markBase()) return error("stack underflow");
    out = m_stack.back();
    m_stack.pop_back();
    return true;
}

bool PickleReader::top(PickleValue*& out) {
    if (m_stack.size() <= markBase()) return error("stack underflow");
    out = m_stack.back();
    return true;
}

bool PickleReader::popMark(std::vector<PickleValue*>& out) {
    if (m_marks.empty()) return error("missing MARK");
    const size_t base = m_marks.back();
    m_marks.pop_back();
    out.assign(m_stack.begin() + static_cast<std::ptrdiff_t>(base), m_stack.end());
    m_stack.resize(base);
    return true;
}

bool PickleReader::step(bool& stopped) {
    m_opPos = m_pos;
    const unsigned char op = m_data[m_pos++];
    PickleValue* a = nullptr;
    PickleValue* b = nullptr;
    std::vector<PickleValue*> items;

    switch (op) {
    case PROTO: {
        if (!need(1)) return false;
        const unsigned proto = m_data[m_pos++];
        if (proto > 5) return error("unsupported pickle protocol " + std::to_string(proto));
        return true;
    }
    case FRAME:
        // Frames only group opcodes for buffered I/O; the whole pickle is in memory.
        if (!need(8)) return false;
        m_pos += 8;
        return true;
    case STOP:
        stopped = true;
        return true;
    case MARK:
        if (m_marks.size() >= m_limits.maxMarks)
            return error("more than " + std::to_string(m_limits.maxMarks) + " nested MARKs");
        m_marks.push_back(m_stack.size());
        return true;
    case POP:
        if (m_stack.size() > markBase()) return pop(a);
        return popMark(items);
    case POP_MARK: return popMark(items);
    case DUP: return top(a) && push(a);

    case NONE: return push(make(Kind::None));
    case NEWTRUE:
    case NEWFALSE:
        if (!(a = make(Kind::Bool))) return false;
        a->integer = op == NEWTRUE;
        return push(a);
    case BININT:
    case BININT1:
    case BININT2: {
        const size_t n = op == BININT ? 4 : op == BININT1 ? 1 : 2;
        if (!need(n) || !(a = make(Kind::Int))) return false;
        const uint64_t raw = readLE(n);
        a->integer = op == BININT ? int64_t(int32_t(uint32_t(raw))) : int64_t(raw);
        return push(a);
    }
    case LONG1: return pushLong(1);
    case LONG4: return pushLong(4);
    case BINFLOAT: {
        if (!need(8) || !(a = make(Kind::Float))) return false;
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | m_data[m_pos++];  // big-endian
        std::memcpy(&a->real, &bits, sizeof bits);
        return push(a);
    }

    case SHORT_BINUNICODE: return pushString(Kind::String, 1);
    case BINUNICODE: return pushString(Kind::String, 4);
    case BINUNICODE8: return pushString(Kind::String, 8);
    case SHORT_BINSTRING: return pushString(Kind::String, 1);
    case BINSTRING: return pushString(Kind::String, 4);
    case SHORT_BINBYTES: return pushString(Kind::Bytes, 1);
    case BINBYTES: return pushString(Kind::Bytes, 4);
    case BINBYTES8:
    case BYTEARRAY8: return pushString(Kind::Bytes, 8);

    case EMPTY_TUPLE: return push(make(Kind::Tuple));
    case EMPTY_LIST:
    case EMPTY_SET: return push(make(Kind::List));
    case EMPTY_DICT: return push(make(Kind::Dict));
    case TUPLE1:
    case TUPLE2:
    case TUPLE3: {
        const size_t n = op - TUPLE1 + 1;
        if (m_stack.size() < markBase() + n) return error("stack underflow");
        if (!(a = make(Kind::Tuple))) return false;
        a->items.assign(m_stack.end() - static_cast<std::ptrdiff_t>(n), m_stack.end());
        m_stack.resize(m_stack.size() - n);
        return push(a);
    }
    case TUPLE:
    case LIST:
    case FROZENSET:
        if (!popMark(items) || !(a = make(op == TUPLE ? Kind::Tuple : Kind::List))) return false;
        a->items = std::move(items);
        return push(a);
    case DICT:
        if (!popMark(items) || !(a = make(Kind::Dict))) return false;
        return setItems(a, items) && push(a);
    case SETITEM:
        if (!pop(b) || !pop(a)) return false;
        items = {a, b};
        return top(a) && setItems(a, items);
    case SETITEMS: return popMark(items) && top(a) && setItems(a, items);
    case APPEND:
        if (!pop(b)) return false;
        items = {b};
        return top(a) && appendItems(a, items);
    case APPENDS:
    case ADDITEMS: return popMark(items) && top(a) && appendItems(a, items);

    case BINPUT: return need(1) && memoPut(readLE(1));
    case LONG_BINPUT: return need(4) && memoPut(readLE(4));
    case MEMOIZE: return memoPut(m_memo.size());
    case BINGET: return need(1) && memoGet(readLE(1));
    case LONG_BINGET: return need(4) && memoGet(readLE(4));

    case GLOBAL: {
        std::string module, name;
        return readLine(module) && readLine(name) && pushGlobal(module, name);
    }
    case STACK_GLOBAL:
        if (!pop(b) || !pop(a)) return false;
        if (!a->is(Kind::String) || !b->is(Kind::String)) return error("STACK_GLOBAL needs two strings");
        return pushGlobal(a->text, b->text);
    case REDUCE: return pop(b) && pop(a) && reduce(a, b);
    case NEWOBJ: return pop(b) && pop(a) && newObject(a);
    case NEWOBJ_EX: return pop(b) && pop(b) && pop(a) && newObject(a);
    case BUILD:
        // OrderedDict's _metadata is dropped; an opaque object keeps its state so a reader
        // can walk it (TorchScript modules hold their attributes there). Nothing is called.
        if (!pop(b) || !top(a)) return false;
        if (a->is(Kind::Opaque) && a->items.empty()) a->items.push_back(b);
        return true;
    case INST: {
        std::string module, name;
        if (!readLine(module) || !readLine(name) || !popMark(items) || !pushGlobal(module, name)) return false;
        return pop(a) && newObject(a);
    }
    case OBJ:
        if (!popMark(items)) return false;
        if (items.empty()) return error("OBJ without a class");
        return newObject(items.front());
    case BINPERSID: return pop(a) && persistentLoad(a);

    case EXT1:
    case EXT2:
    case EXT4: {
        const size_t n = op == EXT1 ? 1 : op == EXT2 ? 2 : 4;
        if (!need(n)) return false;
        return push(opaque("copyreg extension " + std::to_string(readLE(n))));
    }
    case NEXT_BUFFER:
    case READONLY_BUFFER: return error("out-of-band buffers (pickle protocol 5) are not supported");
    default: return error("unsupported pickle opcode " + opcodeText(op));
    }
}


bool PickleReader::pushString(Kind kind, size_t lengthBytes) {
    size_t len = 0;
    if (!readLength(lengthBytes, len)) return false;
    PickleValue* v = make(kind);
    if (!v) return false;
    v->text.assign(reinterpret_cast<const char*>(m_data + m_pos), len);
    m_pos += len;
    return push(v);
}

bool PickleReader::pushLong(size_t lengthBytes) {
    if (!need(lengthBytes)) return false;
    const uint64_t raw = readLE(lengthBytes);
    // LONG4 carries a signed length.
    if (lengthBytes == 4 && (raw & 0x80000000u)) return error("negative LONG4 length");
    const size_t n = static_cast<size_t>(raw);
    if (!need(n)) return false;
    if (n > 8) {
        m_pos += n;
        return push(opaque("int of " + std::to_string(n) + " bytes"));
    }
    uint64_t v = readLE(n);
    if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);  // sign-extend
    PickleValue* out = make(Kind::Int);
    if (!out) return false;
    out->integer = static_cast<int64_t>(v);
    return push(out);
}

bool PickleReader::pushGlobal(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (!isAllowedGlobal(full)) return push(opaque(full));
    PickleValue* v = make(Kind::Global);
    if (!v) return false;
    v->text = full;
    return push(v);
}

bool PickleReader::setItems(PickleValue* dict, const std::vector<PickleValue*>& kv) {
    // An opaque object would have run its own __setitem__; we only keep it inert.
    if (dict->is(Kind::Opaque)) return true;
    if (!dict->is(Kind::Dict)) return error("SETITEM on a " + dict->describe());
    if (kv.size() % 2) return error("odd number of items for a dict");
    for (size_t i = 0; i < kv.size(); i += 2) {
        const std::string key = pickleKeyOf(*kv[i]);
        if (!key.empty()) {
            auto [it, inserted] = dict->keyIndex->emplace(key, dict->dictSize());
            if (!inserted) {
                dict->items[2 * it->second + 1] = kv[i + 1];
                continue;
            }
        }
        dict->items.push_back(kv[i]);
        dict->items.push_back(kv[i + 1]);
    }
    return true;
}

bool PickleReader::appendItems(PickleValue* list, const std::vector<PickleValue*>& values) {
    if (list->is(Kind::Opaque)) return true;
    if (!list->is(Kind::List)) return error("APPEND on a " + list->describe());
    list->items.insert(list->items.end(), values.begin(), values.end());
    return true;
}

bool PickleReader::memoPut(uint64_t index) {
    PickleValue* v = nullptr;
    if (!top(v)) return false;
    if (m_memo.size() >= m_limits.maxMemo && !m_memo.count(index))
        return error("memo larger than " + std::to_string(m_limits.maxMemo) + " entries");
    m_memo[index] = v;
    return true;
}

bool PickleReader::memoGet(uint64_t index) {
    auto it = m_memo.find(index);
    if (it == m_memo.end()) return error("memo key " + std::to_string(index) + " is missing");
    return push(it->second);
}

bool PickleReader::reduce(PickleValue* callable, PickleValue* args) {
    if (!args->is(Kind::Tuple)) return error("REDUCE arguments are a " + args->describe() + ", not a tuple");
    if (callable->is(Kind::Opaque)) return newObject(callable);
    if (!callable->is(Kind::Global)) return error("REDUCE on a " + callable->describe() + ", which is not callable");

    const std::string& name = callable->text;
    if (name == kOrderedDict) {
        PickleValue* d = make(Kind::Dict);
        if (!d) return false;
        // OrderedDict() or OrderedDict([(k, v), ...]).
        if (args->items.size() > 1) return error("OrderedDict with " + std::to_string(args->items.size()) + " arguments");
        if (args->items.size() == 1) {
            const PickleValue* pairs = args->items[0];
            if (!pairs->is(Kind::List) && !pairs->is(Kind::Tuple)) return error("OrderedDict from a " + pairs->describe());
            std::vector<PickleValue*> kv;
            for (PickleValue* p : pairs->items) {
                if (!p->is(Kind::Tuple) || p->items.size() != 2) return error("OrderedDict item is not a pair");
                kv.push_back(p->items[0]);
                kv.push_back(p->items[1]);
            }
            if (!setItems(d, kv)) return false;
        }
        return push(d);
    }
    if (name == kRebuildTensorV2) return rebuildTensor(*args);
    if (name == kRebuildParameter) {
        if (args->items.empty()) return error("_rebuild_parameter without arguments");
        PickleValue* data = args->items[0];
        if (!data->is(Kind::Tensor) && !data->is(Kind::Opaque))
            return error("_rebuild_parameter of a " + data->describe());
        return push(data);
    }
    return newObject(callable);  // a storage type called directly: nothing we rebuild
}

bool PickleReader::newObject(PickleValue* cls) {
    if (cls->is(Kind::Global) && cls->text == kOrderedDict) return push(make(Kind::Dict));
    if (cls->is(Kind::Global) || cls->is(Kind::Opaque)) {
        const std::string& n = cls->text;
        const bool called = n.size() >= 5 && n.compare(n.size() - 5, 5, "(...)") == 0;
        return push(opaque(called ? n : n + "(...)"));
    }
    return error("cannot construct an object from a " + cls->describe());
}

bool PickleReader::persistentLoad(PickleValue* pid) {
    const auto& p = pid->items;
    if (!pid->is(Kind::Tuple) || p.size() < 5 || !p[0]->is(Kind::String) || p[0]->text != "storage")
        return error("unsupported persistent id (" + pid->describe() + ")");
    if (!p[2]->is(Kind::String) || !p[3]->is(Kind::String) || !p[4]->is(Kind::Int) || p[4]->integer < 0)
        return error("malformed storage persistent id");
    if (p[1]->is(Kind::Opaque)) return push(opaque("storage of type " + p[1]->text));
    if (!p[1]->is(Kind::Global)) return error("storage type is a " + p[1]->describe());

    const c10::ScalarType dtype = storageDtype(p[1]->text);
    const std::string& key = p[2]->text;
    const int64_t numel = p[4]->integer;
    auto cached = m_storages.find(key);
    if (cached != m_storages.end()) {
        const at::Tensor& t = cached->second->tensor;
        if (t.scalar_type() != dtype || t.numel() != numel)
            return error("storage '" + key + "' is referenced with two different types or sizes");
        return push(cached->second);
    }
    if (!m_loader) return error("no storage loader for storage '" + key + "'");
    Result<at::Tensor> loaded = m_loader(key, dtype, numel);
    if (!loaded) return error(loaded.error().message);
    const at::Tensor& t = loaded.value();
    if (!t.defined() || t.dim() != 1 || t.numel() != numel || t.scalar_type() != dtype)
        return error("storage loader returned a wrong tensor for storage '" + key + "'");
    PickleValue* v = make(Kind::Storage);
    if (!v) return false;
    v->text = key;
    v->tensor = t;
    m_storages.emplace(key, v);
    return push(v);
}

bool PickleReader::rebuildTensor(const PickleValue& args) {
    const auto& a = args.items;
    if (a.size() < 4) return error("_rebuild_tensor_v2 with " + std::to_string(a.size()) + " arguments");
    const PickleValue* storage = a[0];
    if (storage->is(Kind::Opaque)) return push(opaque("tensor on " + storage->text));
    if (!storage->is(Kind::Storage)) return error("_rebuild_tensor_v2 on a " + storage->describe() + ", not a storage");
    if (!a[1]->is(Kind::Int) || a[1]->integer < 0) return error("tensor storage offset is not a non-negative int");
    if (!a[2]->is(Kind::Tuple) || !a[3]->is(Kind::Tuple)) return error("tensor size or stride is not a tuple");
    const auto& sizeItems = a[2]->items;
    const auto& strideItems = a[3]->items;
    if (sizeItems.size() > m_limits.maxRank) return error("tensor rank " + std::to_string(sizeItems.size()) + " is too large");
    if (strideItems.size() != sizeItems.size()) return error("tensor size and stride have different lengths");

    std::vector<int64_t> sizes, strides;
    for (size_t i = 0; i < sizeItems.size(); ++i) {
        if (!sizeItems[i]->is(Kind::Int) || sizeItems[i]->integer < 0 || !strideItems[i]->is(Kind::Int) ||
            strideItems[i]->integer < 0)
            return error("tensor size or stride holds a negative or non-int entry");
        sizes.push_back(sizeItems[i]->integer);
        strides.push_back(strideItems[i]->integer);
    }
    const int64_t offset = a[1]->integer;
    const int64_t storageNumel = storage->tensor.numel();
    const std::string where = "tensor of size " + listText(sizes) + " stride " + listText(strides) + " offset " +
                              std::to_string(offset) + " on storage '" + storage->text + "' (" +
                              std::to_string(storageNumel) + " elements)";

    int64_t numel = 1;
    int64_t last = offset;  // index of the last element the view reaches
    for (size_t i = 0; i < sizes.size(); ++i) {
        int64_t reach = 0;
        if (__builtin_mul_overflow(numel, sizes[i], &numel)) return error(where + ": size overflows");
        if (sizes[i] > 0 && (__builtin_mul_overflow(sizes[i] - 1, strides[i], &reach) ||
                             __builtin_add_overflow(last, reach, &last)))
            return error(where + ": extent overflows");
    }
    at::Tensor t;
    if (numel == 0) {
        if (offset > storageNumel) return error(where + ": offset past the end of the storage");
        t = at::empty(sizes, storage->tensor.options());
    } else {
        if (last >= storageNumel) return error(where + ": reaches past the end of the storage");
        if (numel > std::max(storageNumel, m_limits.maxBroadcastNumel)) return error(where + ": too many elements");
        // Checked before anything is materialised: the sum over all tensors is what a
        // consumer may end up allocating.
        const uint64_t bytes = uint64_t(numel) * storage->tensor.element_size();
        if (bytes > m_limits.maxTensorBytes - std::min(m_limits.maxTensorBytes, m_tensorBytes))
            return error(where + ": the tensors would describe more than " +
                         (m_limits.tensorBudgetText.empty() ? std::to_string(m_limits.maxTensorBytes) + " bytes"
                                                            : m_limits.tensorBudgetText));
        m_tensorBytes += bytes;
        // A view, not a copy: stride-0 and overlapping tensors share their storage.
        t = storage->tensor.as_strided(sizes, strides, offset);
    }
    PickleValue* v = make(Kind::Tensor);
    if (!v) return false;
    v->tensor = std::move(t);
    return push(v);
}

}  // namespace pareto::detail
