// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QObject>
#include <QRect>
#include <QSize>

class QMainWindow;

namespace pareto::ui {

/// @brief The main window's size and dock arrangement: a default that fits the screen it
/// opens on (1024x700 up to 4K), the user's own arrangement kept in QSettings, and
/// *View → Reset layout* back to the default. UI thread only.
class WindowLayout : public QObject {
    Q_OBJECT
public:
    explicit WindowLayout(QMainWindow* window);

    /// The default window size on a screen whose available area is `available`: 1680x1020
    /// where that fits with room, nine tenths of a larger screen, all of a smaller one.
    static QSize defaultSize(const QSize& available);

    /// Call once the docks are in place: remembers that arrangement as the default, then
    /// applies the saved one (or the default size on the window's screen).
    void captureDefaultsAndRestore();
    /// The default arrangement, every panel shown, the default size centred on the screen.
    void reset();
    /// Saves the arrangement and geometry (the window closes).
    void save() const;

private:
    QRect availableGeometry() const;

    QMainWindow* m_window;
    QByteArray m_defaultState;
};

}  // namespace pareto::ui
