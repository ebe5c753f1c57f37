// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "io/picklevalue.h"

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pareto::detail {

/// @brief A restricted unpickler for torch.save's data.pkl (protocols 2-5).
///
/// It interprets the opcodes that pickled state dicts use and never calls anything from
/// the file: GLOBAL resolves only collections.OrderedDict, torch._utils._rebuild_tensor_v2,
/// torch._utils._rebuild_parameter and the torch.<T>Storage types; every other name becomes
/// an inert opaque value, and REDUCE/NEWOBJ on it yield another opaque value and BUILD
/// keeps its state (items[0]) for reading, never for running (TorchScript modules' attributes).
/// Rebuilt tensors are views of their storage (stride-0 and overlapping views share it). Tensors
/// come from persistent ids ('storage', type, key, location, numel) through the storage
/// loader. Limits on objects, stack, memo and lengths keep corrupt bytes from crashing or
/// allocating absurd memory. Single-threaded; values live as long as the reader.
class PickleReader {
public:
    /// Returns storage `key` as a 1-D tensor of `numel` elements of `dtype`, or an error.
    using StorageLoader = std::function<Result<at::Tensor>(const std::string& key, c10::ScalarType dtype,
                                                           int64_t numel)>;

    struct Limits {
        size_t maxObjects = size_t(1) << 22;
        size_t maxStack = size_t(1) << 22;
        size_t maxMarks = size_t(1) << 16;
        size_t maxMemo = size_t(1) << 22;
        size_t maxRank = 64;
        /// Elements a rebuilt tensor may have beyond its storage's (stride-0 broadcasts).
        int64_t maxBroadcastNumel = int64_t(1) << 24;
        /// Bytes all rebuilt tensors may describe together (numel x element size, each
        /// view counted): a few stride-0 views must not stand for gigabytes of weights.
        uint64_t maxTensorBytes = uint64_t(1) << 30;
        /// How maxTensorBytes was chosen, for the error ("1 GiB in total (...)").
        std::string tensorBudgetText;
    };

    PickleReader(const char* data, size_t size, StorageLoader loader);
    PickleReader(const char* data, size_t size, StorageLoader loader, Limits limits);
    PickleReader(const PickleReader&) = delete;
    PickleReader& operator=(const PickleReader&) = delete;

    /// Runs the pickle to its STOP. Errors read "<problem> at byte N".
    Result<const PickleValue*> load();

private:
    using Kind = PickleValue::Kind;

    bool step(bool& stopped);
    bool error(std::string what);

    // Input.
    bool need(size_t n);
    uint64_t readLE(size_t n);
    bool readLength(size_t lengthBytes, size_t& out);
    bool readLine(std::string& out);

    // Stack.
    PickleValue* make(Kind kind);
    bool push(PickleValue* v);
    size_t markBase() const { return m_marks.empty() ? 0 : m_marks.back(); }
    bool pop(PickleValue*& out);
    bool top(PickleValue*& out);
    bool popMark(std::vector<PickleValue*>& out);

    // Opcodes with more than a line of logic.
    bool pushString(Kind kind, size_t lengthBytes);
    bool pushLong(size_t lengthBytes);
    bool pushGlobal(const std::string& module, const std::string& name);
    bool setItems(PickleValue* dict, const std::vector<PickleValue*>& kv);
    bool appendItems(PickleValue* list, const std::vector<PickleValue*>& values);
    bool memoPut(uint64_t index);
    bool memoGet(uint64_t index);
    bool reduce(PickleValue* callable, PickleValue* args);
    bool newObject(PickleValue* cls);
    bool persistentLoad(PickleValue* pid);
    bool rebuildTensor(const PickleValue& args);
    PickleValue* opaque(const std::string& name);

    const unsigned char* m_data;
    size_t m_size;
    size_t m_pos = 0;
    size_t m_opPos = 0;
    StorageLoader m_loader;
    Limits m_limits;
    std::string m_error;

    std::deque<PickleValue> m_arena;
    std::vector<PickleValue*> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, PickleValue*> m_memo;
    std::unordered_map<std::string, PickleValue*> m_storages;
    uint64_t m_tensorBytes = 0;  ///< numel x element size of every tensor rebuilt so far
};

/// The dtype of an allow-listed storage global ("torch.HalfStorage" -> Half); Undefined
/// for any other name.
c10::ScalarType storageDtype(const std::string& globalName);

}  // namespace pareto::detail
