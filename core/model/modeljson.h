// SPDX-License-Identifier: Apache-2.0
#pragma once
// The JSON every output uses to say what a model is: `pareto inspect/eval/sweep --json` and
// the package manifest share these keys, so a script reads them once. Templates so that the
// manifest (ordered keys) and the CLI (sorted keys) both use them.

#include "model/model.h"

#include <nlohmann/json.hpp>

namespace pareto {

/// {arch, interface, input_shape, input_range: [lo, hi], output_range: [lo, hi],
///  latent: {kind, shape}, latent_dim (null without a latent), params, buffer_values,
///  fp32_bytes (= 4 x (params + buffer_values))}
template <class Json = nlohmann::ordered_json>
Json modelInfoJson(const ModelInfo& info) {
    Json j;
    j["arch"] = info.arch;
    j["interface"] = modelInterfaceName(info.interface);
    j["input_shape"] = info.inputShape;
    j["input_range"] = {info.inputRange.lo, info.inputRange.hi};
    j["output_range"] = {info.outputRange.lo, info.outputRange.hi};
    j["latent"] = {{"kind", latentKindName(info.latent.kind)}, {"shape", info.latent.shape}};
    j["latent_dim"] = info.latent.kind == LatentKind::None ? Json(nullptr) : Json(info.latentDim);
    j["params"] = info.params;
    j["buffer_values"] = info.bufferValues;
    j["fp32_bytes"] = info.fp32Bytes();
    return j;
}

/// [{name, kind, axis (null without one), params, buffer, quantized_by_default}], one per
/// floating-point parameter or float buffer, in the model's order.
template <class Json = nlohmann::ordered_json>
Json modelLayersJson(const std::vector<ModelTensor>& tensors) {
    Json list = Json::array();
    for (const ModelTensor& t : tensors) {
        Json e;
        e["name"] = t.name;
        e["kind"] = layerKindName(t.layer);
        e["axis"] = t.axis >= 0 ? Json(t.axis) : Json(nullptr);
        e["params"] = t.tensor.defined() ? t.tensor.numel() : int64_t(0);
        e["buffer"] = t.buffer;
        e["quantized_by_default"] = t.quantizedByDefault;
        list.push_back(std::move(e));
    }
    return list;
}

}  // namespace pareto
