#include "jobs/previewjob.h"

#include "reconstruction/heatmap.h"

#include "compress/modelcompressor.h"
#include "data/dataset.h"
#include "eval/metrics.h"
#include "eval/modelevaluation.h"
#include "model/vaemodel.h"
#include "quant/quantplan.h"

#include <ATen/ATen.h>

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

namespace pareto::ui {

struct PreviewJob::Outcome {
    PreviewResult result;
    bool ok = false;
    QString error;
};

// Inputs of the previews that do not depend on the configuration being previewed. Only the
// (single) worker touches it; the mutex keeps that true even if that ever changes.
struct PreviewJob::Cache {
    std::mutex mutex;
    quint64 sessionId = 0;
    std::vector<int64_t> indices;
    at::Tensor x, fp32;                          // originals and FP32 reconstructions
    std::shared_ptr<const VaeModel> pinnedModel;
    at::Tensor pinned;                           // A's reconstructions
    QVector<QImage> originalImages, fp32Images, pinnedImages;
};

namespace {

// Per-image MSE (mean over channels and pixels, in float64 as core's metrics) of [N,C,H,W].
std::vector<double> perImageMse(const at::Tensor& pred, const at::Tensor& target) {
    const at::Tensor m = (pred.to(at::kDouble) - target.to(at::kDouble)).pow(2).mean({1, 2, 3}).contiguous();
    return std::vector<double>(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
}

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

}  // namespace

PreviewJob::PreviewJob(QObject* parent) : QObject(parent), m_cache(std::make_shared<Cache>()) {
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, this, [this] {
        m_running = false;
        std::shared_ptr<Outcome> out = m_watcher.future().resultCount() ? m_watcher.result() : nullptr;
        if (m_pending) {
            // A newer request waited: this result is already stale, drop it unseen.
            PreviewRequest next = std::move(*m_pending);
            m_pending.reset();
            launch(next);
            return;
        }
        if (!out) return;
        if (out->ok) Q_EMIT ready(out->result);
        else Q_EMIT failed(out->result.generation, out->result.key, out->error);
    });
}

PreviewJob::~PreviewJob() {
    m_pending.reset();
    m_pool.waitForDone();
}

void PreviewJob::request(const PreviewRequest& request) {
    if (m_running) {
        m_pending = request;
        return;
    }
    launch(request);
}

void PreviewJob::launch(const PreviewRequest& req) {
    m_running = true;
    const std::shared_ptr<Cache> cache = m_cache;
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [req, cache](QPromise<std::shared_ptr<Outcome>>& promise) {
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
            QuantPlan plan;
            plan.defaultScheme = req.config.scheme;
            auto compressed = compressModel(*req.base, plan);
            if (!compressed) {
                out->error = QString::fromStdString(compressed.error().message);
                promise.addResult(out);
                return;
            }
            const SizeReport& size = compressed->quantized.size;
            r.model = compressed->model;
            r.params = size.params;
            r.bytes = size.bytes;
            r.fp32Bytes = size.fp32Bytes;
            r.ratio = size.ratio;
            r.bitsPerParam = size.effectiveBitsPerParam;
            for (const auto& w : compressed->quantized.warnings) r.warnings << QString::fromStdString(w);

            const Dataset& data = *req.session->data;
            std::vector<int64_t> idx;
            for (int i : req.indices)
                if (i >= 0 && i < data.size()) idx.push_back(i);
            if (!idx.empty()) {
                at::NoGradGuard noGrad;
                std::lock_guard<std::mutex> lock(cache->mutex);
                if (cache->sessionId != req.session->id || cache->indices != idx) {
                    cache->sessionId = req.session->id;
                    cache->indices = idx;
                    cache->x = data.images.index_select(0, at::tensor(idx, at::kLong));
                    cache->fp32 = req.session->model->reconstruct(cache->x).to(at::kFloat);
                    cache->originalImages.clear();
                    cache->fp32Images.clear();
                    for (int64_t i = 0; i < static_cast<int64_t>(idx.size()); ++i) {
                        cache->originalImages << toImage(cache->x[i]);
                        cache->fp32Images << toImage(cache->fp32[i]);
                    }
                    cache->pinnedModel.reset();
                }
                if (req.pinned && cache->pinnedModel != req.pinned) {
                    cache->pinnedModel = req.pinned;
                    cache->pinned = req.pinned->reconstruct(cache->x).to(at::kFloat);
                    cache->pinnedImages.clear();
                    for (int64_t i = 0; i < static_cast<int64_t>(idx.size()); ++i) cache->pinnedImages << toImage(cache->pinned[i]);
                }
                const at::Tensor& x = cache->x;
                const at::Tensor& rb = cache->fp32;
                const at::Tensor rc = r.model->reconstruct(x).to(at::kFloat);
                const std::vector<double> mc = perImageMse(rc, x);
                const at::Tensor ref = req.reference == ErrorReference::Original ? x : rb;
                const at::Tensor ec = (rc - ref).abs().mean(1);
                at::Tensor ep;
                std::vector<double> mp;
                if (req.pinned) {
                    ep = (cache->pinned - ref).abs().mean(1);
                    mp = perImageMse(cache->pinned, x);
                }
                float scale = req.lockedScale;
                if (!(scale > 0.0f)) {
                    scale = ec.max().item<float>();
                    if (ep.defined()) scale = std::max(scale, ep.max().item<float>());
                }
                scale = std::max(scale, 1e-6f);
                r.errorScale = scale;
                const at::Tensor maxError = ec.amax({1, 2}).to(at::kDouble).contiguous();
                const auto& fp32 = req.session->fp32->perImage;
                for (size_t i = 0; i < idx.size(); ++i) {
                    const auto k = static_cast<int64_t>(i);
                    PreviewSample s;
                    s.index = static_cast<int>(idx[i]);
                    s.id = static_cast<size_t>(idx[i]) < data.ids.size() ? QString::fromStdString(data.ids[idx[i]]) : QString();
                    s.original = cache->originalImages[k];
                    s.baseline = cache->fp32Images[k];
                    s.compressed = toImage(rc[k]);
                    s.error = toHeatmap(ec[k], scale);
                    s.baselineMse = fp32.mse[idx[i]];
                    s.baselinePsnr = fp32.psnr[idx[i]];
                    s.compressedMse = mc[i];
                    s.compressedPsnr = psnrFromMse(mc[i]);
                    s.maxError = maxError.data_ptr<double>()[k];
                    if (req.pinned) {
                        s.pinned = cache->pinnedImages[k];
                        s.pinnedError = toHeatmap(ep[k], scale);
                        s.pinnedMse = mp[i];
                        s.pinnedPsnr = psnrFromMse(mp[i]);
                    }
                    r.samples.push_back(std::move(s));
                }
            }
            out->ok = true;
        } catch (const c10::Error& e) {
            out->error = QStringLiteral("preview of %1 failed: %2").arg(r.key, QString::fromStdString(e.what_without_backtrace()));
        } catch (const std::exception& e) {
            out->error = QStringLiteral("preview of %1 failed: %2").arg(r.key, QString::fromUtf8(e.what()));
        }
        r.computeMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        promise.addResult(out);
    }));
}

}  // namespace pareto::ui
