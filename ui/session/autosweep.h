// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

#include <functional>
#include <vector>

namespace pareto {
class QuantScheme;
}

namespace pareto::ui {

class StudioController;

/// @brief First launch tells the story by itself: once a model is open and nothing was
/// swept in its session, the default sweep starts in the background (progress and Cancel in
/// the status bar, like a sweep the user starts). Off unless enabled: the app turns it on;
/// tests, --bench-interaction and --no-auto-sweep leave it off. UI thread only.
class AutoSweep : public QObject {
    Q_OBJECT
public:
    AutoSweep(StudioController* controller, std::function<std::vector<QuantScheme>()> grid, QObject* parent = nullptr);

    void setEnabled(bool on) { m_enabled = on; }
    bool isEnabled() const { return m_enabled; }
    /// Sweeps started by this object (tests and --screenshot-after wait for them).
    int started() const { return m_started; }

Q_SIGNALS:
    /// The automatic sweep of the open session started.
    void sweepStarted();

private:
    void sessionOpened();

    StudioController* m_controller;
    std::function<std::vector<QuantScheme>()> m_grid;
    bool m_enabled = false;
    int m_started = 0;
};

}  // namespace pareto::ui
