// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared pieces of the core/export tests: the embedded demo model and data, export
// requests for it, folder digests, byte flips, raw float files.

#include "common/hash.h"
#include "common/resourcepaths.h"
#include "data/datasetloader.h"
#include "data/dataspec.h"
#include "eval/modelevaluation.h"
#include "export/exportrequest.h"
#include "model/modelloader.h"
#include "model/tinyvae.h"
#include "quant/quantscheme.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QString>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pareto::test {

/// The demo model and the first `limit` held-out images of the embedded subset.
struct DemoSetup {
    std::shared_ptr<const TinyVae> model;
    std::shared_ptr<const Dataset> data;
    MeanImage mean;
    std::string spec;
    int64_t limit = 0;
    std::string error;  ///< non-empty when loading failed
};

inline DemoSetup loadDemo(int64_t limit) {
    DemoSetup d;
    d.limit = limit;
    auto loaded = loadModel(demoModelPath());
    if (!loaded) return d.error = loaded.error().message, d;
    d.model = std::dynamic_pointer_cast<const TinyVae>(loaded->model);
    if (!d.model) return d.error = "demo model is not a TinyVAE", d;
    auto spec = parseDataSpec(demoDataSpec());
    if (!spec) return d.error = spec.error().message, d;
    d.spec = spec->text;
    DatasetLoadOptions o;
    o.limit = limit;
    o = optionsForModel(d.model->info(), o);
    auto data = loadDataset(*spec, o);
    if (!data) return d.error = data.error().message, d;
    d.data = std::make_shared<const Dataset>(std::move(*data));
    auto mean = loadMeanImage(*spec, o);
    if (!mean) return d.error = mean.error().message, d;
    d.mean = std::move(*mean);
    return d;
}

inline ExportRequest demoRequest(const DemoSetup& d, const std::string& dest, const std::string& scheme = "int4-g64") {
    ExportRequest r;
    r.sourceCheckpoint = demoModelPath();
    r.provenance = "embedded demo model";
    r.model = d.model;
    r.plan.defaultScheme = *QuantScheme::parse(scheme);
    r.data = d.data;
    r.meanImage = d.mean;
    r.dataSpec = d.spec;
    r.split = "test";
    r.limit = d.limit;
    r.targetProfile = "orin-nano-8gb";
    r.destination = dest;
    r.goldenImages = 4;
    return r;
}

/// relative path -> SHA-256 of every file under `dir` (empty when it does not exist).
inline std::map<std::string, std::string> folderDigest(const std::string& dir) {
    std::map<std::string, std::string> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out[std::filesystem::relative(e.path(), dir).generic_string()] = *sha256File(e.path().string());
    return out;
}

/// Names in `dir` that an export leaves only while running (staging, aside, tar temp files).
inline std::vector<std::string> exportLeftovers(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string n = e.path().filename().string();
        if (n.find(".partial-") != std::string::npos || n.find(".replaced") != std::string::npos || n.find(".tmp-") != std::string::npos)
            out.push_back(n);
    }
    return out;
}

/// XORs one byte of a file with 0xFF: "first", "middle" or "last".
inline bool flipByte(const std::string& path, const std::string& where) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) return false;
    f.seekg(0, std::ios::end);
    const std::streamoff size = f.tellg();
    if (size <= 0) return false;
    const std::streamoff pos = where == "first" ? 0 : where == "middle" ? size / 2 : size - 1;
    f.seekg(pos);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0xFF);
    f.seekp(pos);
    f.write(&c, 1);
    return static_cast<bool>(f);
}

/// A raw little-endian float32 file as a tensor of `shape`; undefined on a size mismatch.
inline at::Tensor readRawFloats(const QString& path, const std::vector<int64_t>& shape) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    at::Tensor t = at::empty(shape, at::kFloat);
    if (static_cast<size_t>(bytes.size()) != t.nbytes()) return {};
    std::memcpy(t.data_ptr(), bytes.constData(), t.nbytes());
    return t;
}

}  // namespace pareto::test
