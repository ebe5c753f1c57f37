// SPDX-License-Identifier: Apache-2.0
// torch.save checkpoints through loadCheckpoint: format detection, our zip reader (budgets,
// CRC-32) and the restricted unpickler. Data only: trustCode stays false, so a TorchScript
// archive is refused as needing trust and nothing from the input ever runs.
#include "fuzzsupport.h"
#include "io/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    const std::string path = fuzz::writeTempFile("input.pt", data, size);

    CheckpointLoadOptions options;
    options.trustCode = false;
    auto checkpoint = loadCheckpoint(path, options);
    if (!checkpoint) {
        fuzz::requireRefusalNaming(checkpoint.error().message, "input.pt");
        return 0;
    }
    if (checkpoint->script) __builtin_trap();  // code was loaded without trust
    for (const auto& e : checkpoint->weights.entries()) (void)fuzz::touchStorage(e.tensor);
    return 0;
}
