// SPDX-License-Identifier: Apache-2.0
#include "session/autosweep.h"

#include "session/evaluatedconfigs.h"
#include "session/studiocontroller.h"

#include "quant/quantscheme.h"

#include <QTimer>

namespace pareto::ui {

AutoSweep::AutoSweep(StudioController* controller, std::function<std::vector<QuantScheme>()> grid, QObject* parent)
    : QObject(parent), m_controller(controller), m_grid(std::move(grid)) {
    connect(controller, &StudioController::sessionChanged, this, &AutoSweep::sessionOpened);
}

void AutoSweep::sessionOpened() {
    if (!m_enabled) return;
    // After the first preview is asked for: the sweep then shares the cores with it, not ahead of it.
    QTimer::singleShot(0, this, [this] {
        const SessionPtr s = m_controller->session();
        if (!s || !s->info.quantizable || m_controller->sweepRunning()) return;
        // A session that already holds more than its FP32 point was swept or explored: leave it be.
        if (m_controller->configs()->size() > 2) return;
        if (m_controller->runSweep(m_grid())) {
            ++m_started;
            Q_EMIT sweepStarted();
        }
    });
}

}  // namespace pareto::ui
