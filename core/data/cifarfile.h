// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/recordfile.h"

#include <cstdio>
#include <memory>
#include <string>

namespace pareto::detail {

/// @brief A CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes
/// (R plane, G plane, B plane, each 32x32). Opening checks the size is a whole number
/// of records.
class CifarFile : public RecordFile {
public:
    static constexpr int64_t kRecordBytes = 1 + 3 * 32 * 32;

    static Result<std::unique_ptr<CifarFile>> open(const std::string& path);
    ~CifarFile() override;

    const std::string& path() const override { return m_path; }
    const std::string& name() const override { return m_name; }
    int64_t count() const override { return m_count; }
    ImageShape shape() const override { return {3, 32, 32}; }
    int64_t recordBytes() const override { return kRecordBytes; }
    int64_t pixelOffset() const override { return 1; }
    Status readRecords(int64_t first, int64_t n, uint8_t* dst) override;

private:
    CifarFile() = default;

    std::string m_path;
    std::string m_name;
    std::FILE* m_file = nullptr;
    int64_t m_count = 0;
};

}  // namespace pareto::detail
