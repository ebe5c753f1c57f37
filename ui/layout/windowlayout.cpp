// SPDX-License-Identifier: Apache-2.0
#include "layout/windowlayout.h"

#include <QDockWidget>
#include <QGuiApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>

#include <algorithm>

namespace pareto::ui {
namespace {

const QSize kPreferred(1680, 1020);

}  // namespace

WindowLayout::WindowLayout(QMainWindow* window) : QObject(window), m_window(window) {}

QSize WindowLayout::defaultSize(const QSize& available) {
    if (available.isEmpty()) return kPreferred;
    // Bigger screens get more room for the images and the chart; smaller ones all of it.
    const int w = std::min(available.width(), std::max(kPreferred.width(), available.width() * 9 / 10));
    const int h = std::min(available.height(), std::max(kPreferred.height(), available.height() * 9 / 10));
    return {w, h};
}

QRect WindowLayout::availableGeometry() const {
    const QScreen* s = m_window->screen() ? m_window->screen() : QGuiApplication::primaryScreen();
    return s ? s->availableGeometry() : QRect(QPoint(0, 0), kPreferred);
}

void WindowLayout::captureDefaultsAndRestore() {
    m_defaultState = m_window->saveState();
    const QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !m_window->restoreGeometry(geometry)) {
        const QRect avail = availableGeometry();
        const QSize size = defaultSize(avail.size());
        m_window->resize(size);
        m_window->move(avail.center() - QPoint(size.width() / 2, size.height() / 2));
    } else {
        // A window saved on a bigger screen is brought inside this one.
        const QRect avail = availableGeometry();
        if (m_window->width() > avail.width() || m_window->height() > avail.height())
            m_window->resize(m_window->size().boundedTo(avail.size()));
    }
    m_window->restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void WindowLayout::reset() {
    m_window->restoreState(m_defaultState);
    for (QDockWidget* d : m_window->findChildren<QDockWidget*>()) {
        d->setFloating(false);
        d->show();
    }
    if (m_window->isMaximized() || m_window->isFullScreen()) m_window->showNormal();
    const QRect avail = availableGeometry();
    const QSize size = defaultSize(avail.size());
    m_window->resize(size);
    m_window->move(avail.center() - QPoint(size.width() / 2, size.height() / 2));
}

void WindowLayout::save() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), m_window->saveGeometry());
    settings.setValue(QStringLiteral("window/state"), m_window->saveState());
}

}  // namespace pareto::ui
