// SPDX-License-Identifier: Apache-2.0
#include "report/reportwriter.h"

#include "charts/qualitychart.h"
#include "controls/bitwidthstops.h"
#include "reconstruction/heatmap.h"
#include "session/evaluatedconfigs.h"
#include "session/ratiotext.h"

#include <QApplication>
#include <QFileInfo>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

#include <algorithm>

namespace pareto::ui {
namespace {

// A4 landscape at 150 dpi: the PNG's pixels and the PDF's device units are the same.
constexpr int kDpi = 150;
const QSize kPagePixels(1754, 1240);

QString pathWithout(const QString& base) {
    for (const char* ext : {".png", ".pdf", ".PNG", ".PDF"})
        if (base.endsWith(QLatin1String(ext))) return base.left(base.size() - 4);
    return base;
}

}  // namespace

ReportWriter::ReportWriter(const StudioController& c, Metric metric) : m_metric(metric), m_when(QDateTime::currentDateTime()) {
    const SessionPtr s = c.session();
    if (!s) {
        m_reason = QObject::tr("no model is open");
        return;
    }
    m_info = s->info;
    const EvaluatedConfig* cur = c.currentMetrics();
    if (!cur || !cur->complete) {
        m_reason = QObject::tr("the current configuration's held-out metrics are not complete yet");
        return;
    }
    m_current = *cur;
    const EvaluatedConfigs* store = c.configs();
    m_all = store->all();
    m_pareto = store->paretoFlags(metric);
    m_meanImage = store->meanImage();
    for (const auto& e : m_all)
        if (e.baseline) m_fp32 = e;
    // A preview still rendering its other images is not reported: the last complete one of this configuration is.
    if (const PreviewResult* p = c.preview(); p && !p->partial) m_preview = *p;
    else if (const PreviewResult* last = c.lastPreview(); last && !last->partial && last->key == m_current.key) m_preview = *last;
    if (const PinnedConfig* a = c.pinned()) m_pinned = a->record;
    if (const Comparison* cmp = c.comparison()) m_comparison = *cmp;
    m_ready = true;
}

QString ReportWriter::write(const QString& basePath) const {
    const QString base = pathWithout(basePath);
    if (QString e = writePng(base + QStringLiteral(".png")); !e.isEmpty()) return e;
    return writePdf(base + QStringLiteral(".pdf"));
}

QString ReportWriter::writePng(const QString& path) const {
    if (!m_ready) return QObject::tr("%1: cannot write the report: %2").arg(path, m_reason);
    QImage image(kPagePixels, QImage::Format_RGB32);
    image.setDotsPerMeterX(static_cast<int>(kDpi / 0.0254));
    image.setDotsPerMeterY(static_cast<int>(kDpi / 0.0254));
    image.fill(Qt::white);
    {
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        p.setRenderHint(QPainter::TextAntialiasing);
        paint(p, QRectF(QPointF(0, 0), QSizeF(kPagePixels)));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QStringLiteral("%1: cannot open for writing (%2)").arg(path, f.errorString());
    if (!image.save(&f, "PNG")) {
        f.cancelWriting();
        return QStringLiteral("%1: PNG encoding failed").arg(path);
    }
    if (!f.commit()) return QStringLiteral("%1: could not write (%2)").arg(path, f.errorString());
    return {};
}

QString ReportWriter::writePdf(const QString& path) const {
    if (!m_ready) return QObject::tr("%1: cannot write the report: %2").arg(path, m_reason);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QStringLiteral("%1: cannot open for writing (%2)").arg(path, f.errorString());
    {
        QPdfWriter pdf(&f);
        pdf.setResolution(kDpi);
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(0, 0, 0, 0)));
        pdf.setTitle(QObject::tr("Pareto Studio report: %1").arg(m_current.label));
        pdf.setCreator(QStringLiteral("Pareto Studio"));
        QPainter p(&pdf);
        p.setRenderHint(QPainter::Antialiasing);
        const QRect page = p.viewport();
        // Draw in the PNG's coordinates so both outputs have the same layout.
        p.scale(page.width() / static_cast<double>(kPagePixels.width()), page.height() / static_cast<double>(kPagePixels.height()));
        paint(p, QRectF(QPointF(0, 0), QSizeF(kPagePixels)));
    }
    if (!f.commit()) return QStringLiteral("%1: could not write (%2)").arg(path, f.errorString());
    return {};
}

QString ReportWriter::factsHtml() const {
    const auto est = [](const Estimate& e, int d) { return formatEstimate(e, d).toHtmlEscaped(); };
    QString html = QStringLiteral("<div style='font-size:17px'>");
    html += QObject::tr("<b>Model</b> %1 · %2 · %3 parameters · FP32 %4<br>")
                .arg(QFileInfo(m_info.modelPath).fileName().toHtmlEscaped(), m_info.arch)
                .arg(QLocale(QLocale::English).toString(m_info.params))
                .arg(formatBytes(m_info.fp32Bytes));
    html += QObject::tr("<b>Data</b> %1 (n = %2 held-out images)<br>").arg(m_info.dataIdentity.toHtmlEscaped()).arg(m_info.n);
    html += QObject::tr("<b>Configuration</b> <code>%1</code>: %2<br>")
                .arg(QString::fromStdString(m_current.config.scheme.toString()).toHtmlEscaped(),
                     describeScheme(m_current.config.scheme).toHtmlEscaped());
    html += QObject::tr("<b>Size</b> %1 stored · <b>%2</b> · %3 bits per parameter<br><br>")
                .arg(formatBytes(m_current.bytes), ratioText(m_current).toHtmlEscaped())
                .arg(m_current.bitsPerParam, 0, 'f', 2);
    html += QObject::tr("<b>Held-out quality</b>, mean [95 % bootstrap CI], n = %1:").arg(m_current.n);
    html += QStringLiteral("<table cellspacing='0' cellpadding='3' style='font-size:16px'>"
                           "<tr><th align='left'></th><th align='left'>%1</th><th align='left'>FP32</th><th align='left'>%2</th></tr>")
                .arg(m_current.label.toHtmlEscaped(), QObject::tr("mean image"));
    html += QStringLiteral("<tr><td>MSE</td><td>%1</td><td>%2</td><td>%3</td></tr>").arg(est(m_current.mse, 4), est(m_info.mse, 4), est(m_info.meanImageMse, 4));
    html += QStringLiteral("<tr><td>PSNR dB</td><td>%1</td><td>%2</td><td>%3</td></tr>").arg(est(m_current.psnr, 4), est(m_info.psnr, 4), est(m_info.meanImagePsnr, 4));
    html += QStringLiteral("<tr><td>SSIM</td><td>%1</td><td>%2</td><td>%3</td></tr></table><br>").arg(est(m_current.ssim, 3), est(m_info.ssim, 3), est(m_info.meanImageSsim, 3));
    if (!m_current.baseline) {
        html += QObject::tr("<b>Change vs FP32</b> (paired per image):<br>ΔMSE %1<br>ΔPSNR (dB) %2<br>ΔSSIM %3<br>")
                    .arg(formatDelta(m_current.deltaMse, 4).toHtmlEscaped(), formatDelta(m_current.deltaPsnr, 4).toHtmlEscaped(),
                         formatDelta(m_current.deltaSsim, 3).toHtmlEscaped());
    }
    if (m_pinned && m_comparison) {
        html += QObject::tr("<br><b>vs A = %1</b> (current − A, n = %2): ΔMSE %3<br>")
                    .arg(m_pinned->label.toHtmlEscaped())
                    .arg(m_comparison->n)
                    .arg(formatDelta(m_comparison->mse, 4).toHtmlEscaped());
    }
    html += QStringLiteral("<br><span style='color:%1'>%2</span>")
                .arg(m_info.untrainedWarning ? QStringLiteral("#b00020") : QStringLiteral("#1b5e20"), m_info.untrainedReason.toHtmlEscaped());
    html += QStringLiteral("</div>");
    return html;
}

void ReportWriter::paint(QPainter& p, const QRectF& page) const {
    const double m = 60;  // margin
    const QRectF body = page.adjusted(m, m, -m, -m);
    QFont base = QApplication::font();
    base.setPixelSize(17);
    QFont title = base;
    title.setPixelSize(34);
    title.setBold(true);
    QFont small = base;
    small.setPixelSize(14);

    p.setPen(Qt::black);
    p.setFont(title);
    p.drawText(QRectF(body.left(), body.top(), body.width(), 44), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("Compression report: %1").arg(m_current.label));
    p.setFont(small);
    p.setPen(QColor(90, 90, 90));
    p.drawText(QRectF(body.left(), body.top(), body.width(), 44), Qt::AlignRight | Qt::AlignVCenter,
               QObject::tr("Pareto Studio · %1").arg(m_when.toString(QStringLiteral("yyyy-MM-dd HH:mm"))));

    // Left column: the facts and numbers, as rich text.
    const double topHeight = body.height() * 0.54;
    const QRectF left(body.left(), body.top() + 60, body.width() * 0.42, topHeight);
    QTextDocument doc;
    doc.setDefaultFont(base);
    doc.setHtml(factsHtml());
    doc.setTextWidth(left.width());
    p.save();
    p.translate(left.topLeft());
    doc.drawContents(&p, QRectF(0, 0, left.width(), left.height()));
    p.restore();

    // Right column: the chart, rendered by the same widget the window shows.
    // Right column: the chart, rendered by the same widget (same labelling rules) the window
    // shows, and under it a legend of every series drawn (a row that wraps, never elided).
    const double legendH = 2 * (QFontMetricsF(small).height() + 6);
    const QRectF chartRect(body.left() + body.width() * 0.45, body.top() + 60, body.width() * 0.55, topHeight - legendH);
    QualityChart chart;
    chart.resize(chartRect.size().toSize() / 1.5);
    chart.setMetric(m_metric);
    chart.setData(m_all, &m_current, m_pinned ? m_pinned->key : QString(), m_current.n, m_meanImage);
    p.save();
    p.translate(chartRect.topLeft());
    p.scale(1.5, 1.5);
    chart.QWidget::render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
    p.restore();
    {
        p.save();
        p.setFont(small);
        const QFontMetricsF lfm(small);
        double x = chartRect.left() + 10, y = chartRect.bottom() + 4;
        for (const auto& [name, color] : chart.legendEntries()) {
            const double w = 16 + lfm.horizontalAdvance(name) + 18;
            if (x + w > chartRect.right() && x > chartRect.left() + 10) {
                x = chartRect.left() + 10;
                y += lfm.height() + 6;
            }
            p.setPen(Qt::NoPen);
            p.setBrush(color);
            p.drawEllipse(QRectF(x, y + lfm.height() / 2 - 5, 10, 10));
            p.setPen(Qt::black);
            p.drawText(QRectF(x + 16, y, lfm.horizontalAdvance(name) + 4, lfm.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
            x += w;
        }
        p.restore();
    }

    // Bottom: a few reconstructions (two rows of two samples) with the shared error scale.
    const double top = body.top() + 70 + topHeight;
    p.setFont(base);
    p.setPen(Qt::black);
    p.drawText(QRectF(body.left(), top, body.width() * 0.6, 26), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("Held-out reconstructions: original · FP32 · %1 · |error|").arg(m_current.label));
    if (!m_preview) return;
    const QFontMetricsF sfm(small);
    const double gap = 8, groupGap = 40, captionH = sfm.height() + 6;
    const double rowsTop = top + 34;
    const double byWidth = (body.width() - groupGap - 2 * 3 * gap) / 8.0;
    const double byHeight = (body.bottom() - rowsTop - 2 * captionH - gap) / 2.0;
    const double cell = std::max(40.0, std::min(byWidth, byHeight));
    p.setFont(small);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int i = 0; i < std::min<int>(kSamples, m_preview->samples.size()); ++i) {
        const PreviewSample& s = m_preview->samples[i];
        const QImage* imgs[4] = {&s.original, &s.baseline, &s.compressed, &s.error};
        const QString caps[4] = {QStringLiteral("#%1").arg(s.index),
                                 QStringLiteral("MSE %1 · %2 dB").arg(s.baselineMse, 0, 'g', 3).arg(s.baselinePsnr, 0, 'f', 1),
                                 QStringLiteral("MSE %1 · %2 dB").arg(s.compressedMse, 0, 'g', 3).arg(s.compressedPsnr, 0, 'f', 1),
                                 QStringLiteral("max %1").arg(s.maxError, 0, 'g', 2)};
        const double x0 = body.left() + (i % 2) * (4 * cell + 3 * gap + groupGap);
        const double y0 = rowsTop + (i / 2) * (cell + captionH + gap);
        for (int k = 0; k < 4; ++k) {
            const QRectF r(x0 + k * (cell + gap), y0, cell, cell);
            p.drawImage(r, *imgs[k]);
            p.setPen(QColor(160, 160, 160));
            p.drawRect(r);
            p.setPen(Qt::black);
            p.drawText(QRectF(r.left() - gap / 2, r.bottom() + 2, r.width() + gap, captionH), Qt::AlignHCenter | Qt::AlignTop, caps[k]);
        }
    }
    // The legend of the shared colour scale, on the heading's line.
    p.setFont(small);
    const QString lo = QObject::tr("|error| colour scale (all heat maps): 0");
    const QString hi = QString::number(m_preview->errorScale, 'g', 3);
    const double hiW = sfm.horizontalAdvance(hi) + 4;
    const QRectF ramp(body.right() - hiW - 8 - 300, top + 5, 300, 16);
    p.drawImage(ramp, heatmapRamp());
    p.drawText(QRectF(ramp.left() - 6 - sfm.horizontalAdvance(lo) - 4, top, sfm.horizontalAdvance(lo) + 4, 26), Qt::AlignRight | Qt::AlignVCenter, lo);
    p.drawText(QRectF(ramp.right() + 8, top, hiW, 26), Qt::AlignLeft | Qt::AlignVCenter, hi);
}

}  // namespace pareto::ui
