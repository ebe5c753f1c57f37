// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLayout>
#include <QList>

namespace pareto::ui {

/// @brief A layout that places its items left to right and wraps to a new row when the width
/// runs out, so a panel's tool row never forces the window wider than a small screen (Qt
/// ships this only as an example). An item added with addStretch() pushes what follows to
/// the right end of its row. UI thread only.
class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = 6);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    /// Everything added after this goes to the right end of the row it lands on.
    void addStretch();
    int count() const override { return static_cast<int>(m_items.size()); }
    QLayoutItem* itemAt(int index) const override { return m_items.value(index); }
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    int arrange(const QRect& rect, bool apply) const;

    QList<QLayoutItem*> m_items;
    int m_stretchAt = -1;  ///< index of the first right-aligned item, -1: none
    /// Height at the width last laid out: the minimum the parent must leave (a box layout
    /// asks minimumSize(), not heightForWidth(), when it shares out a short height).
    int m_laidOutHeight = 0;
};

}  // namespace pareto::ui
