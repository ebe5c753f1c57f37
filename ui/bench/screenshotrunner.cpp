// SPDX-License-Identifier: Apache-2.0
#include "bench/screenshotrunner.h"

#include "charts/chartspanel.h"
#include "charts/latentgridpanel.h"
#include "latent/corelatentprovider.h"
#include "mainwindow.h"
#include "session/studiocontroller.h"

namespace pareto::ui {

ScreenshotRunner::ScreenshotRunner(MainWindow* window, const QString& file, const QStringList& after, QObject* parent)
    : QObject(parent), m_window(window), m_file(file), m_after(after) {
    // The jobs report by signals, but which of them start (and when the window has settled)
    // depends on the model: a light poll of the state is the simplest honest wait.
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotRunner::step);
    connect(window->controller(), &StudioController::sweepEnded, this, [this] { ++m_sweepsEnded; });
}

void ScreenshotRunner::start() { m_poll.start(); }

void ScreenshotRunner::step() {
    StudioController* c = m_window->controller();
    if (m_grabbing) return;
    // A model that failed to open: grab what the window shows (the error page).
    if (!c->session()) {
        if (!c->isLoading() && (m_window->showsOpenError() || !c->pendingTrustPath().isEmpty())) grab();
        return;
    }
    if (!c->isSettled()) return;
    if (!m_after.isEmpty() && m_after.first() == QLatin1String("sweep")) {
        if (m_sweepsEnded > 0 && !c->sweepRunning()) {
            m_after.removeFirst();
        } else if (!c->sweepRunning() && !m_sweepAsked) {
            m_sweepAsked = true;
            if (!c->runSweep(m_window->chartsPanel()->sweepGrid())) m_after.removeFirst();  // nothing to sweep
        }
        return;
    }
    if (!m_after.isEmpty() && m_after.first() == QLatin1String("grid")) {
        LatentGridPanel* grid = m_window->latentGridPanel();
        CoreLatentProvider* latent = m_window->latentProvider();
        if (!m_gridAsked) {
            // PCA rows need the statistics of mu, trained rows the catalog.
            if (!latent->catalogReady() || latent->statisticsRunning()) return;
            m_gridAsked = true;
            if (!grid->run()) m_after.removeFirst();
            m_window->chartsPanel()->showView(m_window->chartsPanel()->qualityPage());
            return;
        }
        if (!grid->isRunning()) m_after.removeFirst();
        return;
    }
    grab();
}

void ScreenshotRunner::grab() {
    m_grabbing = true;
    m_poll.stop();
    // Let the last results lay out and paint before grabbing.
    QTimer::singleShot(300, this, [this] {
        const bool ok = m_window->grab().save(m_file);
        Q_EMIT finished(ok ? 0 : 1, m_file);
    });
}

}  // namespace pareto::ui
