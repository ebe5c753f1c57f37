// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>
#include <QWidget>

class QSlider;

namespace pareto::ui {

/// @brief A horizontal slider with a name under every stop (staggered on two lines when
/// they would not fit on one). UI thread only.
class LabeledSlider : public QWidget {
    Q_OBJECT
public:
    explicit LabeledSlider(QWidget* parent = nullptr);

    QSlider* slider() const { return m_slider; }
    /// One label per value, from minimum to maximum; sets the slider's range.
    void setLabels(const QStringList& labels);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool staggered() const;
    int sizeHintWidth() const { return 320; }
    int tickX(int i) const;

    QSlider* m_slider;
    QStringList m_labels;
};

}  // namespace pareto::ui
