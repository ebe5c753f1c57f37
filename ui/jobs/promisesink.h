// SPDX-License-Identifier: Apache-2.0
#pragma once
// Core's ProgressSink fed into a QPromise: core keeps knowing nothing of Qt.

#include "common/progress.h"

#include <QPromise>
#include <QString>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

namespace pareto::ui {

/// QPromise progress runs 0..kProgressScale (fine, so a stage change can always move it).
inline constexpr int kProgressScale = 1000000;

/// @brief A ProgressSink that reports into `promise` (progress value 0..kProgressScale and the
/// stage as text) and stops when `cancel` is set or the future is cancelled. The promise must
/// outlive the sink (it does: both live in the worker's function). Worker thread.
template <class T>
ProgressSink promiseSink(QPromise<T>& promise, const CancelToken& cancel) {
    QPromise<T>* p = &promise;
    // QPromise drops an update whose value does not increase, text and all (its value starts
    // at 0): a new stage at the same fraction ("opening FILE" at 0) would never be seen, so
    // it is nudged up by one step.
    auto last = std::make_shared<std::pair<int, std::string>>(0, std::string());
    return ProgressSink(
        [p, last](double fraction, const std::string& stage) {
            int value = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * (kProgressScale - 1000));
            if (value <= last->first && stage != last->second) value = last->first + 1;
            if (value > last->first) {
                *last = {value, stage};
                p->setProgressValueAndText(value, QString::fromStdString(stage));
            }
            return !p->isCanceled();
        },
        cancel);
}

}  // namespace pareto::ui
