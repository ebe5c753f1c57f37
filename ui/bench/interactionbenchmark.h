// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QVector>

namespace pareto::ui {

class MainWindow;

/// @brief `pareto-studio --bench-interaction`: drives the real window offscreen on the demo.
///
/// Phase 1 moves the bit-width slider `changes` times (a walk over every stop, as a drag
/// would) and times each change from the slider's new value to the grid having painted the
/// preview of that value (ReconstructionGrid::painted), and to its first image painted (the
/// same unless images of 128 x 128 pixels or more paint their first alone first). Phase 2
/// runs the default sweep, phase 3 the latent x bits grid (PCA k = 4, 8, 12 and the trained
/// models), each measuring the event loop's longest stall with a 5 ms heartbeat timer.
/// Results go to stdout and, as JSON, to `outPath` (if set). UI thread; finished() when done.
class InteractionBenchmark : public QObject {
    Q_OBJECT
public:
    InteractionBenchmark(MainWindow* window, int changes, QString outPath, QObject* parent = nullptr);

    /// Starts once the window has settled on its first configuration.
    void start();
    QString json() const { return m_json; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void nextChange();
    void onPainted(quint64 generation, bool complete);
    void startSweep();
    void startGrid();
    void heartbeat();
    void finish();

    MainWindow* m_window;
    int m_changes;
    QString m_outPath;
    QVector<double> m_latencies;
    QVector<double> m_firstLatencies;  // to the first image painted
    int m_partialPaints = 0;
    QVector<double> m_uiCpu;  // UI thread CPU ms from each change to its painted preview
    double m_cpuAtChange = 0;
    QElapsedTimer m_clock;
    quint64 m_waitingFor = 0;
    int m_value = 0;
    int m_direction = 1;
    QTimer m_heartbeat;
    QElapsedTimer m_beatClock;
    qint64 m_lastBeat = 0;
    double m_longestStall = 0;
    double m_longestStallDuringChanges = 0;
    int m_beats = 0;
    bool m_sliderPhase = true;
    bool m_sweeping = false;
    bool m_gridRunning = false;
    double m_longestStallDuringGrid = 0;
    QElapsedTimer m_gridClock;
    double m_gridSeconds = 0;
    int m_gridPoints = 0;
    QString m_gridNote;  // why the grid did not run
    QElapsedTimer m_sweepClock;
    double m_sweepSeconds = 0;
    int m_sweepRows = 0;
    QString m_json;
};

}  // namespace pareto::ui
