// SPDX-License-Identifier: Apache-2.0
// CIFAR-10 binary batches: the whole-record size check, then records at the start and the
// last one.
#include "data/cifarfile.h"
#include "fuzzsupport.h"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    const std::string path = fuzz::writeTempFile("data_batch_1.bin", data, size);
    auto file = pareto::detail::CifarFile::open(path);
    if (!file) {
        fuzz::requireRefusalNaming(file.error().message, "data_batch_1.bin");
        return 0;
    }
    auto& f = **file;
    const int64_t n = std::min<int64_t>(f.count(), 16);
    std::vector<uint8_t> buf(size_t(n * f.recordBytes()));
    if (Status s = f.readRecords(0, n, buf.data()); !s) fuzz::requireRefusalNaming(s.error().message, "data_batch_1.bin");
    if (f.count() > 0) {
        std::vector<uint8_t> last(size_t(f.recordBytes()));
        if (Status s = f.readRecords(f.count() - 1, 1, last.data()); !s)
            fuzz::requireRefusalNaming(s.error().message, "data_batch_1.bin");
    }
    return 0;
}
