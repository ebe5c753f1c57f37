// SPDX-License-Identifier: Apache-2.0
#include "session/ratiotext.h"

#include "common/uiformat.h"
#include "session/evaluatedconfig.h"

#include "quant/sizereport.h"

#include <QObject>

namespace pareto::ui {

QString ratioText(qint64 bytes, qint64 originalFp32Bytes, qint64 ownFp32Bytes) {
    QString t = QObject::tr("%1 smaller than the original FP32").arg(formatRatio(ratioVsOriginal(originalFp32Bytes, bytes)));
    if (ownFp32Bytes != originalFp32Bytes && ownFp32Bytes > 0)
        t += QObject::tr(" (%1 vs its own FP32)").arg(formatRatio(ratioVsOriginal(ownFp32Bytes, bytes)));
    return t;
}

QString ratioText(const EvaluatedConfig& c) { return ratioText(c.bytes, c.originalFp32Bytes, c.fp32Bytes); }

}  // namespace pareto::ui
