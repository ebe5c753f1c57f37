#pragma once
// Core's ProgressSink fed into a QPromise: core keeps knowing nothing of Qt.

#include "common/progress.h"

#include <QPromise>
#include <QString>

namespace pareto::ui {

/// @brief A ProgressSink that reports into `promise` (progress value 0..1000 and the stage
/// as text) and stops when `cancel` is set or the future is cancelled. The promise must
/// outlive the sink (it does: both live in the worker's function). Worker thread.
template <class T>
ProgressSink promiseSink(QPromise<T>& promise, const CancelToken& cancel) {
    QPromise<T>* p = &promise;
    return ProgressSink(
        [p](double fraction, const std::string& stage) {
            p->setProgressValueAndText(static_cast<int>(fraction * 1000.0), QString::fromStdString(stage));
            return !p->isCanceled();
        },
        cancel);
}

}  // namespace pareto::ui
