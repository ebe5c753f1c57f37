// SPDX-License-Identifier: Apache-2.0
#include "jobs/previewjob.h"

#include "reconstruction/heatmap.h"

#include "compress/previewrenderer.h"
#include "data/dataset.h"
#include "eval/modelevaluation.h"

#include <ATen/ATen.h>

#include <QElapsedTimer>

#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>

namespace pareto::ui {

struct PreviewJob::Outcome {
    PreviewResult result;
    bool ok = false;
    QString error;
};

// Pictures of PreviewCache's fixed tensors, rebuilt when its generation changes.
struct PreviewJob::Pictures {
    std::mutex mutex;
    uint64_t generation = 0;
    QVector<QImage> originals, fp32, pinned;
};

namespace {

// [C, H, W] float in [0, 1] -> an 8-bit image (grey for 1 channel, RGB for 3).
QImage toImage(const at::Tensor& chw) {
    const at::Tensor u8 = chw.clamp(0.0, 1.0).mul(255.0).round().to(at::kByte).permute({1, 2, 0}).contiguous();
    const int h = static_cast<int>(u8.size(0)), w = static_cast<int>(u8.size(1)), c = static_cast<int>(u8.size(2));
    const QImage::Format format = c == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    QImage img(w, h, format);
    const uint8_t* src = u8.data_ptr<uint8_t>();
    const int cols = c == 1 ? 1 : 3;
    for (int y = 0; y < h; ++y) {
        uchar* line = img.scanLine(y);
        if (c == 1 || c == 3) {
            std::memcpy(line, src + static_cast<size_t>(y) * w * c, static_cast<size_t>(w) * cols);
        } else {  // other channel counts: show the first channel
            for (int x = 0; x < w; ++x) line[x] = src[(static_cast<size_t>(y) * w + x) * c];
        }
    }
    if (c != 1 && c != 3) img = img.convertToFormat(QImage::Format_Grayscale8);
    return img;
}

// [H, W] |error| -> heat map with `scale` at the top of the colour scale.
QImage toHeatmap(const at::Tensor& hw, float scale) {
    const at::Tensor u8 = hw.div(scale).clamp(0.0, 1.0).mul(255.0).round().to(at::kByte).contiguous();
    const int h = static_cast<int>(u8.size(0)), w = static_cast<int>(u8.size(1));
    QImage gray(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) std::memcpy(gray.scanLine(y), u8.data_ptr<uint8_t>() + static_cast<size_t>(y) * w, static_cast<size_t>(w));
    return applyHeatmap(gray);
}

QVector<QImage> imagesOf(const at::Tensor& batch) {
    QVector<QImage> out;
    if (!batch.defined()) return out;
    for (int64_t i = 0; i < batch.size(0); ++i) out << toImage(batch[i]);
    return out;
}

}  // namespace

PreviewJob::PreviewJob(QObject* parent)
    : QObject(parent),
      m_cache(std::make_shared<PreviewCache>()),
      m_pictures(std::make_shared<Pictures>()),
      m_latest(std::make_shared<std::atomic<quint64>>(0)),
      m_worker(
          this, nullptr,
          [this](const std::shared_ptr<Outcome>& out) {
              if (!out) return;
              if (out->ok) Q_EMIT ready(out->result);
              else Q_EMIT failed(out->result.generation, out->result.key, out->error);
          },
          tr("A preview"), Supersede::Queue,
          [this](const std::shared_ptr<Outcome>& first) {
              if (first && first->ok) Q_EMIT ready(first->result);
          }) {}

PreviewJob::~PreviewJob() = default;

void PreviewJob::request(const PreviewRequest& req) {
    const std::shared_ptr<PreviewCache> cache = m_cache;
    const std::shared_ptr<Pictures> pictures = m_pictures;
    const std::shared_ptr<std::atomic<quint64>> latest = m_latest;
    latest->store(req.generation);
    const std::vector<int64_t> shape = req.session->data->shape();
    const int64_t pixels = shape.size() == 3 ? shape[1] * shape[2] : 0;
    const bool firstAlone = req.indices.size() > 1 && pixels >= m_firstImageAloneFrom;
    m_worker.start([req, cache, pictures, latest, firstAlone](const ProgressSink&, const BackgroundWorker<Outcome>::Post& post) {
        QElapsedTimer clock;
        clock.start();
        auto out = std::make_shared<Outcome>();
        PreviewResult& r = out->result;
        r.generation = req.generation;
        r.sessionId = req.session->id;
        r.config = req.config;
        r.key = req.config.key();
        r.reference = req.reference;
        r.pinnedLabel = req.pinned ? req.pinnedLabel : QString();
        try {
            pareto::PreviewRequest core;
            core.base = req.base;
            core.original = req.session->model;
            core.data = req.session->data;
            core.dataId = req.session->id;
            core.plan.defaultScheme = req.config.scheme;
            for (int i : req.indices) core.indices.push_back(i);
            core.errorVsBaseline = req.reference == ErrorReference::Baseline;
            core.lockedScale = req.lockedScale;
            core.pinned = req.pinned;
            const auto setSize = [&r](const pareto::PreviewRender& render) {
                const SizeReport& size = render.compressed.quantized.size;
                r.model = render.compressed.model;
                r.params = size.params;
                r.bytes = size.bytes;
                r.fp32Bytes = size.fp32Bytes;
                r.ratio = size.ratio;
                r.bitsPerParam = size.effectiveBitsPerParam;
            };
            // Large images show the first alone first; a newer request waiting ends this one
            // within an image (its result would be dropped unseen).
            pareto::PreviewProgress progress;
            if (firstAlone) {
                progress.firstImage = [&](const pareto::PreviewRender& render) {
                    setSize(render);
                    auto partial = std::make_shared<Outcome>();
                    partial->result = r;
                    PreviewResult& p = partial->result;
                    fillSamples(p, render, *req.session, *pictures);
                    p.computeMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
                    partial->ok = true;
                    post(partial);
                };
                progress.stillWanted = [&] { return latest->load() == req.generation; };
            }
            auto render = renderPreview(core, *cache, progress);
            if (!render) {
                out->error = QString::fromStdString(render.error().message);
                return out;
            }
            setSize(*render);
            for (const auto& w : render->compressed.quantized.warnings) r.warnings << QString::fromStdString(w);
            fillSamples(r, *render, *req.session, *pictures);
            out->ok = true;
        } catch (const std::exception& e) {
            out->error = QStringLiteral("preview of %1 failed: %2").arg(r.key, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
        }
        r.computeMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        return out;
    });
}

void PreviewJob::fillSamples(PreviewResult& r, const pareto::PreviewRender& render, const SessionData& session, Pictures& pictures) {
    const auto& f = render.fixed;
    std::lock_guard<std::mutex> lock(pictures.mutex);
    if (pictures.generation != f.generation) {
        pictures.generation = f.generation;
        pictures.originals = imagesOf(f.images);
        pictures.fp32 = imagesOf(f.fp32);
        pictures.pinned = imagesOf(f.pinned);
    }
    r.errorScale = render.scale;
    const int64_t rendered = render.rendered();
    r.partial = rendered < static_cast<int64_t>(f.indices.size());
    r.samples.clear();
    const Dataset& data = *session.data;
    const auto& fp32 = session.fp32->perImage;
    for (size_t i = 0; i < f.indices.size(); ++i) {
        const auto k = static_cast<int64_t>(i);
        const int64_t index = f.indices[i];
        PreviewSample s;
        s.index = static_cast<int>(index);
        s.id = static_cast<size_t>(index) < data.ids.size() ? QString::fromStdString(data.ids[size_t(index)]) : QString();
        s.original = pictures.originals.value(int(k));
        s.baseline = pictures.fp32.value(int(k));
        s.baselineMse = fp32.mse[size_t(index)];
        s.baselinePsnr = fp32.psnr[size_t(index)];
        s.pending = k >= rendered;
        if (!s.pending) {
            s.compressed = toImage(render.reconstructions[k]);
            s.error = toHeatmap(render.errors[k], render.scale);
            s.compressedMse = render.mse[i];
            s.compressedPsnr = render.psnr[i];
            s.maxError = render.maxError[i];
        }
        if (render.pinnedErrors.defined()) {
            s.pinned = pictures.pinned.value(int(k));
            s.pinnedError = toHeatmap(render.pinnedErrors[k], render.scale);
            s.pinnedMse = render.pinnedMse[i];
            s.pinnedPsnr = render.pinnedPsnr[i];
        }
        r.samples.push_back(std::move(s));
    }
}

}  // namespace pareto::ui
