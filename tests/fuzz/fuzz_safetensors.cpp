// SPDX-License-Identifier: Apache-2.0
// safetensors: the header alone (readSafetensorsHeader), then the whole file (readSafetensors).
#include "fuzzsupport.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    const std::string path = fuzz::writeTempFile("input.safetensors", data, size);

    auto header = readSafetensorsHeader(path);
    if (!header) fuzz::requireRefusalNaming(header.error().message, "input.safetensors");

    std::map<std::string, std::string> metadata;
    auto tensors = readSafetensors(path, &metadata);
    if (!tensors) {
        fuzz::requireRefusalNaming(tensors.error().message, "input.safetensors");
        return 0;
    }
    // What was accepted must be readable: touch every byte the tensors claim.
    for (const auto& e : tensors->entries()) (void)fuzz::touchStorage(e.tensor);
    return 0;
}
