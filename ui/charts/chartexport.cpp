// SPDX-License-Identifier: Apache-2.0
#include "charts/chartexport.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace pareto::ui {
namespace {

QString commit(QSaveFile& f, const QString& path) {
    if (!f.commit()) return QStringLiteral("%1: could not write (%2)").arg(path, f.errorString());
    return {};
}

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n'))) return s;
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString num(double v) { return QString::number(v, 'g', 17); }

}  // namespace

QString exportWidgetPng(QWidget* view, const QString& path, double scale) {
    QImage image(view->size() * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        view->render(&p);
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QStringLiteral("%1: cannot open for writing (%2)").arg(path, f.errorString());
    if (!image.save(&f, "PNG")) {
        f.cancelWriting();
        return QStringLiteral("%1: PNG encoding failed").arg(path);
    }
    return commit(f, path);
}

QString exportWidgetSvg(QWidget* view, const QString& path, const QString& title) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(view->size());
        svg.setViewBox(QRect(QPoint(0, 0), view->size()));
        svg.setTitle(title);
        svg.setDescription(QStringLiteral("Pareto Studio"));
        QPainter p(&svg);
        view->render(&p);
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QStringLiteral("%1: cannot open for writing (%2)").arg(path, f.errorString());
    f.write(buffer.data());
    return commit(f, path);
}

QString exportWidget(QWidget* view, const QString& path, const QString& title) {
    if (path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) return exportWidgetSvg(view, path, title);
    return exportWidgetPng(view, path);
}

QString configTableCsv(const QVector<EvaluatedConfig>& rows, const QVector<bool>& pm, const QVector<bool>& pp, const QVector<bool>& ps) {
    QString out = QStringLiteral(
        "configuration,scheme,latent,source,bytes,fp32_bytes,ratio,ratio_vs_original,effective_bits_per_param,n,"
        "mse_mean,mse_ci_lo,mse_ci_hi,psnr_mean,psnr_ci_lo,psnr_ci_hi,ssim_mean,ssim_ci_lo,ssim_ci_hi,"
        "delta_mse_mean,delta_mse_ci_lo,delta_mse_ci_hi,delta_mse_significant,"
        "delta_psnr_mean,delta_psnr_ci_lo,delta_psnr_ci_hi,delta_psnr_significant,"
        "delta_ssim_mean,delta_ssim_ci_lo,delta_ssim_ci_hi,delta_ssim_significant,"
        "pareto_mse,pareto_psnr,pareto_ssim\n");
    const auto flag = [](const QVector<bool>& v, int i) { return i < v.size() && v[i] ? QStringLiteral("1") : QStringLiteral("0"); };
    for (int i = 0; i < rows.size(); ++i) {
        const EvaluatedConfig& c = rows[i];
        QStringList f;
        f << csvField(c.label) << csvField(QString::fromStdString(c.config.scheme.toString()))
          << csvField(latentKey(c.config.latent).isEmpty() ? QStringLiteral("original") : latentKey(c.config.latent)) << csvField(c.source)
          << QString::number(c.bytes) << QString::number(c.fp32Bytes) << num(c.ratio) << num(c.ratioVsOriginal()) << num(c.bitsPerParam) << QString::number(c.n);
        for (const Estimate* e : {&c.mse, &c.psnr, &c.ssim}) f << num(e->mean) << num(e->lo) << num(e->hi);
        for (const DeltaEstimate* d : {&c.deltaMse, &c.deltaPsnr, &c.deltaSsim})
            f << num(d->estimate.mean) << num(d->estimate.lo) << num(d->estimate.hi) << (d->significant ? QStringLiteral("1") : QStringLiteral("0"));
        f << flag(pm, i) << flag(pp, i) << flag(ps, i);
        out += f.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

QString writeTextFile(const QString& path, const QString& text) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return QStringLiteral("%1: cannot open for writing (%2)").arg(path, f.errorString());
    f.write(text.toUtf8());
    return commit(f, path);
}

}  // namespace pareto::ui
