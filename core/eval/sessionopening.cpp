// SPDX-License-Identifier: Apache-2.0
#include "eval/sessionopening.h"

namespace pareto {

Result<LoadedModel> openModelForData(const std::string& path, const DataSpec& spec, const DatasetLoadOptions& options,
                                     const CheckpointLoadOptions& load, ScriptedModelOptions scripted) {
    // The data's own shape is the first candidate for a model that could take several: then
    // nothing is resized. A folder without images is reported by the load that follows.
    if (!scripted.inputShape)
        if (auto shape = nativeImageShape(spec, options)) scripted.dataShape = *shape;
    return loadModel(path, load, scripted);
}

Result<SessionImages> loadSessionImages(const Model& model, const DataSpec& spec, const DatasetLoadOptions& options,
                                        const ProgressSink& progress) {
    SessionImages out;
    out.modelOptions = optionsForModel(model.info(), options);
    auto data = loadDataset(spec, out.modelOptions, progress.sub(0.0, 0.75));
    if (!data) return data.error();
    auto mean = loadMeanImage(spec, out.modelOptions, progress.sub(0.75, 1.0));
    if (!mean) return mean.error();
    out.data = std::move(*data);
    out.mean = std::move(*mean);
    // Said out loud, since a model that could take several shapes was fitted to the data.
    const std::vector<int64_t> modelShape = model.info().inputShape;
    if (auto native = nativeImageShape(spec, options); native && *native == modelShape)
        out.data.notes.insert(out.data.notes.begin(), "no conversion: the images are " + std::to_string(modelShape[0]) + "x" +
                                                          std::to_string(modelShape[1]) + "x" + std::to_string(modelShape[2]) +
                                                          ", the model's input shape");
    return out;
}

Result<OpenedSession> openSession(const SessionRequest& r, const ProgressSink& progress) {
    if (!progress.update(0.0, "opening " + r.modelPath)) return Error::cancelled();
    auto loaded = openModelForData(r.modelPath, r.data, r.options, r.load, r.scripted);
    if (!loaded) return loaded.error();
    auto images = loadSessionImages(*loaded->model, r.data, r.options, progress.sub(0.05, 0.4));
    if (!images) return images.error();
    auto fp32 = evaluateWithBaseline(*loaded->model, images->data, images->mean, r.batchSize, progress.sub(0.4, 1.0));
    if (!fp32) return fp32.error();
    return OpenedSession{std::move(*loaded), std::move(*images), std::move(*fp32)};
}

}  // namespace pareto
