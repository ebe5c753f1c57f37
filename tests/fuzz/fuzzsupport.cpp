// SPDX-License-Identifier: Apache-2.0
#include "fuzzsupport.h"

#include "common/utf8text.h"

#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace fs = std::filesystem;

namespace pareto::fuzz {

namespace {
std::string g_dir;

void removeTempDir() {
    std::error_code ec;
    if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}
}  // namespace

const std::string& tempDir() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/pareto-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data())) {
            std::perror("pareto-fuzz: mkdtemp");
            std::abort();
        }
        g_dir = pattern;
        std::atexit(removeTempDir);
    });
    return g_dir;
}

std::string writeTempFile(const std::string& name, const uint8_t* data, size_t size) {
    const fs::path p = fs::path(tempDir()) / name;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "pareto-fuzz: cannot write %s\n", p.c_str());
        std::abort();
    }
    return p.string();
}

void clearTempDir() {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(tempDir(), ec)) fs::remove_all(e.path(), ec);
}

void requireRefusalNaming(const std::string& message, const std::string& mention) {
    if (message.empty() || message.find(mention) == std::string::npos) {
        std::fprintf(stderr, "pareto-fuzz: refusal does not name '%s': [%s]\n", mention.c_str(),
                     printableText(message).c_str());
        std::abort();
    }
}

uint64_t touchStorage(const at::Tensor& t) {
    if (!t.defined() || !t.has_storage()) return 0;
    const auto& storage = t.storage();
    const auto* p = static_cast<const unsigned char*>(storage.data());
    uint64_t sum = 0;
    for (size_t i = 0; p && i < storage.nbytes(); ++i) sum += p[i];
    return sum;
}

void initOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        at::set_num_threads(1);
        tempDir();
    });
}

}  // namespace pareto::fuzz
