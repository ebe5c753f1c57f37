// SPDX-License-Identifier: Apache-2.0
// TorchScript archives inspected as data (inspectTorchScriptArchive): records, the module
// tree's tensors from data.pkl through our unpickler, methods read as text. Never loaded by
// LibTorch: nothing from the input runs.
#include "fuzzsupport.h"
#include "io/torchscript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    const std::string path = fuzz::writeTempFile("input.ts", data, size);
    auto contents = inspectTorchScriptArchive(path);
    if (!contents) {
        fuzz::requireRefusalNaming(contents.error().message, "input.ts");
        return 0;
    }
    uint64_t sum = 0;
    for (const auto& r : contents->records) sum += r.bytes + r.name.size();
    for (const auto& t : contents->tensors) sum += t.name.size() + t.shape.size() + t.moduleType.size();
    (void)sum;
    return 0;
}
