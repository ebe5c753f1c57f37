// SPDX-License-Identifier: Apache-2.0
// IDX image files (Fashion-MNIST's format), raw or gzip'd: header checks, the byte count
// (gzip trailer or inflating), then records at the start and the last one (a seek).
#include "data/idxfile.h"
#include "fuzzsupport.h"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    const std::string path = fuzz::writeTempFile("images-idx3-ubyte", data, size);
    auto file = pareto::detail::IdxFile::open(path);
    if (!file) {
        fuzz::requireRefusalNaming(file.error().message, "images-idx3-ubyte");
        return 0;
    }
    auto& f = **file;
    const int64_t n = std::min<int64_t>(f.count(), 16);
    std::vector<uint8_t> buf(size_t(n * f.recordBytes()));
    if (Status s = f.readRecords(0, n, buf.data()); !s) fuzz::requireRefusalNaming(s.error().message, "images-idx3-ubyte");
    // The last record of a gzip'd file is reached by inflating everything before it: work in
    // proportion to the declared size (a 10 MB gzip may honestly hold 10 GB). Read it only
    // while that stays small; a fuzzed input of a few KB always does.
    if (f.count() * f.recordBytes() <= (int64_t(256) << 20)) {
        std::vector<uint8_t> last(size_t(f.recordBytes()));
        if (Status s = f.readRecords(f.count() - 1, 1, last.data()); !s)
            fuzz::requireRefusalNaming(s.error().message, "images-idx3-ubyte");
    }
    return 0;
}
