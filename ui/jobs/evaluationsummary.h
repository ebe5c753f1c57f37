#pragma once
// Plain values the UI shows for an evaluated model: no LibTorch types cross into ui/.

#include <QString>
#include <QStringList>

namespace pareto::ui {

struct EstimateValue {
    double mean = 0, lo = 0, hi = 0;
};

/// @brief A model measured on data, as displayed. Produced by EvaluationJob on a worker.
struct EvaluationSummary {
    QString modelPath;
    QString format;
    QString arch;
    qint64 latentDim = 0;
    qint64 params = 0;
    QString inputShape;  ///< "1x64x64"
    QString dataIdentity;
    QStringList dataNotes;
    qint64 n = 0;
    EstimateValue mse, psnr, ssim;
    EstimateValue baselineMse, baselinePsnr, baselineSsim;
    QString baselineSource;
    bool untrainedWarning = false;
    QString untrainedReason;
    double seconds = 0;
};

}  // namespace pareto::ui
