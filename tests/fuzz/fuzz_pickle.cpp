// SPDX-License-Identifier: Apache-2.0
// The restricted unpickler alone on raw pickle bytes (what data.pkl / constants.pkl hold).
// Storages come from a stand-in loader: zeros of the asked size, up to 1 MiB.
#include "fuzzsupport.h"
#include "io/pickle.h"

#include <ATen/ATen.h>

#include <unordered_set>

namespace {

// Walks the value graph once per node (memo sharing and cycles are legal).
uint64_t walk(const pareto::detail::PickleValue* root) {
    std::vector<const pareto::detail::PickleValue*> todo{root};
    std::unordered_set<const pareto::detail::PickleValue*> seen;
    uint64_t sum = 0;
    while (!todo.empty()) {
        const auto* v = todo.back();
        todo.pop_back();
        if (!v || !seen.insert(v).second) continue;
        sum += v->describe().size() + v->scalarText().size() + v->text.size();
        if (v->tensor.defined()) sum += pareto::fuzz::touchStorage(v->tensor) + uint64_t(v->tensor.dim());
        for (const auto* item : v->items) todo.push_back(item);
    }
    return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    auto loader = [](const std::string& key, c10::ScalarType dtype, int64_t numel) -> Result<at::Tensor> {
        if (numel < 0 || numel > (int64_t(1) << 20) / int64_t(c10::elementSize(dtype)))
            return fail("storage '" + key + "': " + std::to_string(numel) + " elements is more than the fuzz loader gives");
        return at::zeros({numel}, at::TensorOptions().dtype(dtype));
    };
    pareto::detail::PickleReader reader(reinterpret_cast<const char*>(data), size, loader);
    auto top = reader.load();
    if (!top) {
        fuzz::requireRefusalNaming(top.error().message, " at byte ");
        return 0;
    }
    (void)walk(*top);
    return 0;
}
