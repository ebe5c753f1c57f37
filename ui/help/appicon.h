// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIcon>

namespace pareto::ui {

/// The application icon: the desktop entry's SVG (compiled in), rendered at 16..256 px by
/// Qt SVG, so it needs no icon theme or image plugin. UI thread only.
QIcon applicationIcon();

}  // namespace pareto::ui
