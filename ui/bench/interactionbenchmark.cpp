// SPDX-License-Identifier: Apache-2.0
#include "bench/interactionbenchmark.h"

#include "charts/chartspanel.h"
#include "charts/latentgridpanel.h"
#include "controls/controlspanel.h"
#include "mainwindow.h"
#include "reconstruction/reconstructionpanel.h"
#include "reconstruction/reconstructiongrid.h"
#include "session/studiocontroller.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSaveFile>
#include <QSlider>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace pareto::ui {
namespace {

constexpr int kHeartbeatMs = 5;

// CPU time of the calling thread in ms: the UI thread's own work per change, which the
// machine's load does not inflate the way it does wall-clock latency.
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(QVector<double> v, double p) {
    if (v.isEmpty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * (v.size() - 1);
    const int i = static_cast<int>(pos);
    const double f = pos - i;
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

}  // namespace

InteractionBenchmark::InteractionBenchmark(MainWindow* window, int changes, QString outPath, QObject* parent)
    : QObject(parent), m_window(window), m_changes(changes), m_outPath(std::move(outPath)) {
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    m_heartbeat.setInterval(kHeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &InteractionBenchmark::heartbeat);
    connect(m_window->reconstructionPanel()->grid(), &ReconstructionGrid::painted, this, &InteractionBenchmark::onPainted);
    connect(m_window->controller(), &StudioController::previewRequested, this, [this](quint64 g) {
        if (m_clock.isValid() && m_waitingFor == 0) m_waitingFor = g;
    });
}

void InteractionBenchmark::start() {
    m_value = m_window->controlsPanel()->bitWidthSlider()->value();
    m_beatClock.start();
    m_lastBeat = m_beatClock.elapsed();
    m_heartbeat.start();
    QTimer::singleShot(0, this, &InteractionBenchmark::nextChange);
}

void InteractionBenchmark::heartbeat() {
    const qint64 now = m_beatClock.elapsed();
    const double gap = static_cast<double>(now - m_lastBeat - kHeartbeatMs);
    m_lastBeat = now;
    ++m_beats;
    if (m_gridRunning) m_longestStallDuringGrid = std::max(m_longestStallDuringGrid, gap);
    else if (m_sweeping) m_longestStall = std::max(m_longestStall, gap);
    else if (m_sliderPhase) m_longestStallDuringChanges = std::max(m_longestStallDuringChanges, gap);
}

void InteractionBenchmark::nextChange() {
    if (m_latencies.size() >= m_changes) {
        startSweep();
        return;
    }
    QSlider* slider = m_window->controlsPanel()->bitWidthSlider();
    // Walk the stops back and forth, one step at a time, like a drag.
    if (m_value + m_direction > slider->maximum() || m_value + m_direction < slider->minimum()) m_direction = -m_direction;
    m_value += m_direction;
    m_waitingFor = 0;
    m_clock.start();
    m_cpuAtChange = threadCpuMs();
    slider->setValue(m_value);
    if (m_waitingFor == 0) {  // the value produced no request (cannot happen on the demo): count it and go on
        m_latencies << 0.0;
        m_firstLatencies << 0.0;
        QTimer::singleShot(0, this, &InteractionBenchmark::nextChange);
    }
}

void InteractionBenchmark::onPainted(quint64 generation, bool complete) {
    if (m_sweeping || m_waitingFor == 0 || generation != m_waitingFor || !m_clock.isValid()) return;
    const double ms = static_cast<double>(m_clock.nsecsElapsed()) / 1e6;
    if (m_firstLatencies.size() == m_latencies.size()) m_firstLatencies << ms;
    if (!complete) {
        ++m_partialPaints;
        return;
    }
    m_latencies << ms;
    m_uiCpu << threadCpuMs() - m_cpuAtChange;
    m_waitingFor = 0;
    m_clock.invalidate();
    QTimer::singleShot(0, this, &InteractionBenchmark::nextChange);
}

void InteractionBenchmark::startSweep() {
    StudioController* c = m_window->controller();
    connect(c, &StudioController::sweepEnded, this, [this](int rows, int, bool) {
        m_sweepRows = rows;
        m_sweepSeconds = static_cast<double>(m_sweepClock.nsecsElapsed()) / 1e9;
        m_sweeping = false;
        startGrid();
    });
    m_sliderPhase = false;
    m_sweeping = true;
    m_sweepClock.start();
    if (!c->runSweep(m_window->chartsPanel()->sweepGrid())) {
        m_sweeping = false;
        startGrid();
    }
}

void InteractionBenchmark::startGrid() {
    LatentGridPanel* grid = m_window->latentGridPanel();
    // The PCA rows need the statistics of mu, measured once after the model opened.
    if (!grid->pcaBox()->isEnabled() && m_window->controller()->session()) {
        if (!m_gridClock.isValid()) m_gridClock.start();
        if (m_gridClock.elapsed() < 120000) {
            QTimer::singleShot(50, this, &InteractionBenchmark::startGrid);
            return;
        }
    }
    LatentGridJob* job = grid->job();
    const auto done = [this] {
        m_gridSeconds = static_cast<double>(m_gridClock.nsecsElapsed()) / 1e9;
        m_gridRunning = false;
        finish();
    };
    connect(job, &LatentGridJob::finished, this, [this, done](const LatentGridResult& r) {
        m_gridPoints = static_cast<int>(r.measured().size());
        done();
    });
    connect(job, &LatentGridJob::failed, this, [this, done](const QString& message) {
        m_gridNote = message;
        done();
    });
    connect(job, &LatentGridJob::cancelled, this, [this, done] {
        m_gridNote = QStringLiteral("cancelled");
        done();
    });
    // The rows issue 19's target names: PCA k = 4, 8, 12 beside the trained models.
    if (grid->pcaBox()->isEnabled()) grid->pcaBox()->setText(QStringLiteral("4,8,12"));
    m_gridRunning = true;
    m_gridClock.start();
    if (!grid->run()) {
        m_gridRunning = false;
        m_gridNote = QStringLiteral("the grid could not start (no quantizable session)");
        finish();
    }
}

void InteractionBenchmark::finish() {
    m_heartbeat.stop();
    QJsonObject o;
    o[QStringLiteral("changes")] = m_latencies.size();
    o[QStringLiteral("preview_latency_ms_p50")] = percentile(m_latencies, 0.50);
    o[QStringLiteral("preview_latency_ms_p95")] = percentile(m_latencies, 0.95);
    o[QStringLiteral("preview_latency_ms_max")] = m_latencies.isEmpty() ? 0.0 : *std::max_element(m_latencies.begin(), m_latencies.end());
    o[QStringLiteral("target_p95_ms")] = 16;
    o[QStringLiteral("first_image_latency_ms_p50")] = percentile(m_firstLatencies, 0.50);
    o[QStringLiteral("first_image_latency_ms_p95")] = percentile(m_firstLatencies, 0.95);
    o[QStringLiteral("first_image_alone_first")] = m_partialPaints;
    o[QStringLiteral("ui_thread_cpu_ms_per_change_p50")] = percentile(m_uiCpu, 0.50);
    o[QStringLiteral("ui_thread_cpu_ms_per_change_p95")] = percentile(m_uiCpu, 0.95);
    o[QStringLiteral("sweep_rows")] = m_sweepRows;
    o[QStringLiteral("sweep_seconds")] = m_sweepSeconds;
    o[QStringLiteral("longest_event_loop_stall_ms_during_sweep")] = m_longestStall;
    o[QStringLiteral("longest_event_loop_stall_ms_during_slider_changes")] = m_longestStallDuringChanges;
    o[QStringLiteral("grid_points")] = m_gridPoints;
    o[QStringLiteral("grid_seconds")] = m_gridSeconds;
    o[QStringLiteral("grid_rows")] = m_window->latentGridPanel()->pcaBox()->text();
    if (!m_gridNote.isEmpty()) o[QStringLiteral("grid_note")] = m_gridNote;
    o[QStringLiteral("longest_event_loop_stall_ms_during_grid")] = m_longestStallDuringGrid;
    o[QStringLiteral("heartbeat_interval_ms")] = kHeartbeatMs;
    o[QStringLiteral("ideal_thread_count")] = QThread::idealThreadCount();
    QJsonArray all;
    for (double v : m_latencies) all.append(v);
    o[QStringLiteral("preview_latencies_ms")] = all;
    m_json = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    std::printf("interaction benchmark: %d slider changes, preview latency p50 %.1f ms, p95 %.1f ms (target <= 16), max %.1f ms\n",
                static_cast<int>(m_latencies.size()), percentile(m_latencies, 0.5), percentile(m_latencies, 0.95),
                o[QStringLiteral("preview_latency_ms_max")].toDouble());
    std::printf("first image painted: p50 %.1f ms, p95 %.1f ms (%d of the changes painted their first image alone first)\n",
                percentile(m_firstLatencies, 0.5), percentile(m_firstLatencies, 0.95), m_partialPaints);
    std::printf("UI thread CPU per change (to its painted preview): p50 %.1f ms, p95 %.1f ms\n", percentile(m_uiCpu, 0.5),
                percentile(m_uiCpu, 0.95));
    std::printf("sweep of %d configurations in %.1f s: longest event-loop stall %.1f ms (heartbeat %d ms)\n", m_sweepRows,
                m_sweepSeconds, m_longestStall, kHeartbeatMs);
    std::printf("latent x bits grid of %d points (PCA k = %s and the trained models) in %.1f s: longest event-loop stall %.1f ms%s%s\n",
                m_gridPoints, qPrintable(m_window->latentGridPanel()->pcaBox()->text()), m_gridSeconds, m_longestStallDuringGrid,
                m_gridNote.isEmpty() ? "" : ": ", qPrintable(m_gridNote));
    std::fflush(stdout);
    int code = 0;
    if (!m_outPath.isEmpty()) {
        QSaveFile f(m_outPath);
        if (!f.open(QIODevice::WriteOnly) || f.write(m_json.toUtf8()) < 0 || !f.commit()) {
            std::fprintf(stderr, "pareto-studio: %s: could not write the benchmark results\n", qPrintable(m_outPath));
            code = 1;
        }
    }
    Q_EMIT finished(code);
}

}  // namespace pareto::ui
