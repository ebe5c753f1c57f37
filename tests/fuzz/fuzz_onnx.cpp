// SPDX-License-Identifier: Apache-2.0
// ONNX: the bytes opened as a model (OnnxModel::open), as the studio and `pareto` open a user's
// `.onnx`: protobuf parse, opset and external-data checks, float tensors, the input shape, then
// OpenCV DNN loads the graph and runs it once. An accepted model runs one more batch and its
// tensors are read. The same bytes also open as both files of a pair (NAME.encoder.onnx +
// NAME.decoder.onnx), so the pair's checks see them too.
#include "fuzzsupport.h"
#include "model/opencvonnxmodel.h"
#include "model/onnxmodel.h"

#include <ATen/ATen.h>

namespace {

void openOne(const std::string& path, const std::string& mention) {
    using namespace pareto;
    ScriptedModelOptions options;
    options.dataShape = std::vector<int64_t>{1, 4, 4};  // where the graph leaves the image size open
    auto model = OnnxModel::open(path, options);
    if (!model) {
        fuzz::requireRefusalNaming(model.error().message, mention);
        return;
    }
    for (const auto& t : (*model)->tensors()) (void)fuzz::touchStorage(t.tensor);
    const ModelInfo info = (*model)->info();
    std::vector<int64_t> shape{2};
    shape.insert(shape.end(), info.inputShape.begin(), info.inputShape.end());
    try {
        (void)(*model)->reconstruct(at::rand(shape));
    } catch (const std::exception& e) {
        // A graph that ran on the probe may still fail on another batch: an error, not a crash.
        fuzz::requireRefusalNaming(e.what(), mention);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pareto;
    fuzz::initOnce();
    // Far inside the 2 GB a run may use (ASan adds its own) and quick to refuse: the probe
    // and the search for the failing node each run graphs up to it.
    OpenCvOnnxModel::setActivationBudget(64ull << 20);
    fuzz::clearTempDir();
    openOne(fuzz::writeTempFile("input.onnx", data, size), "input.onnx");
    fuzz::writeTempFile("pair.encoder.onnx", data, size);
    openOne(fuzz::writeTempFile("pair.decoder.onnx", data, size), "pair.");
    return 0;
}
