// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a worker may read about the open session: immutable, shared by pointer, never the
// live widgets. No LibTorch header here: core types are only forward-declared.

#include "eval/bootstrap.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace pareto {
class Model;
struct Dataset;
struct MeanImage;
struct ModelEvaluation;
}  // namespace pareto

namespace pareto::ui {

/// @brief The session as the Model and Data panels show it (plain Qt values).
struct SessionInfo {
    // model
    QString modelPath;
    QString format;      ///< "pytorch", "torchscript", "safetensors"
    QString arch;        ///< "tinyvae", "torchscript"
    QString description; ///< the model in a few words ("tinyvae (C=1, L=16)")
    QString interface;   ///< "vae" or "autoencoder"
    QString latentKind;  ///< "vector", "spatial", "codebook", "none"
    QString inputRange, outputRange;  ///< "[0, 1]"
    QString nestedKey;
    QStringList modelNotes;
    qint64 latentDim = 0;
    qint64 params = 0;
    qint64 bufferValues = 0;
    qint64 fp32Bytes = 0;
    QString weightsHash;  ///< core weightsHash() of the model as opened
    QString inputShape;  ///< "1x64x64"
    bool quantizable = true;   ///< the model has tensors a scheme quantizes
    QString latentReason;      ///< why the latent slider is off ("" when it works)
    // data
    QString dataSpec;
    QString split;       ///< "" for the spec's default
    qint64 limit = -1;
    QString dataIdentity;
    QStringList dataNotes;
    qint64 n = 0;
    // FP32 on held-out data, and the mean-image baseline on the same images
    Estimate mse, psnr, ssim;
    Estimate meanImageMse, meanImagePsnr, meanImageSsim;
    QString meanImageSource;
    bool untrainedWarning = false;
    QString untrainedReason;
    double seconds = 0;
};

/// @brief The immutable inputs of every job of one session.
///
/// Built once on a worker by SessionLoadJob, then only read (from any thread). The model
/// is the FP32 baseline: compressed variants are separate copies made by core.
struct SessionData {
    quint64 id = 0;                                   ///< distinct per loaded session
    std::shared_ptr<const Model> model;            ///< FP32 baseline
    std::shared_ptr<const Dataset> data;              ///< held-out images, converted to the model's input
    std::shared_ptr<const MeanImage> meanImage;
    std::shared_ptr<const ModelEvaluation> fp32;      ///< the baseline on `data`, per image and summarized
    SessionInfo info;
};

using SessionPtr = std::shared_ptr<const SessionData>;

}  // namespace pareto::ui
