// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the Reconstructions panel shows for one configuration: images made on a worker.

#include "session/studioconfig.h"

#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace pareto {
class Model;
}

namespace pareto::ui {

/// What the |error| heat map measures against.
enum class ErrorReference {
    Original,  ///< |compressed - original image|: the reconstruction error the user gets
    Baseline,  ///< |compressed - FP32 reconstruction|: what compression alone changed
};

/// @brief One held-out image in the four (or six, with a pinned A) views.
struct PreviewSample {
    int index = 0;   ///< position in the session's held-out set
    QString id;      ///< the image's id in its data set
    QImage original, baseline, compressed, error;
    QImage pinned, pinnedError;  ///< null unless a configuration is pinned as A
    double baselineMse = 0, baselinePsnr = 0;      ///< FP32 vs original
    double compressedMse = 0, compressedPsnr = 0;  ///< compressed vs original
    double pinnedMse = 0, pinnedPsnr = 0;
    double maxError = 0;  ///< largest |error| of this image (compressed)
    bool pending = false; ///< compressed image, error map and their numbers not rendered yet
};

/// @brief A preview: the compressed model, its size, and the sample images.
struct PreviewResult {
    quint64 generation = 0;
    quint64 sessionId = 0;
    StudioConfig config;
    QString key;
    QString pinnedLabel;                 ///< empty without A
    ErrorReference reference = ErrorReference::Original;
    QVector<PreviewSample> samples;
    bool partial = false;                ///< some samples pending: the first image came alone first
    float errorScale = 1.0f;             ///< |error| mapped to the top of the colour scale, shared by every heat map
    // the compressed model, kept for the full metrics and for pinning
    std::shared_ptr<const Model> model;
    qint64 params = 0, bytes = 0, fp32Bytes = 0;
    double ratio = 0, bitsPerParam = 0;
    QStringList warnings;                ///< quantizer findings
    double computeMs = 0;                ///< quantize + reconstruct + images, on the worker
};

}  // namespace pareto::ui
