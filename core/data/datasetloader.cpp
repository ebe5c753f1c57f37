// SPDX-License-Identifier: Apache-2.0
#include "data/datasetloader.h"

#include "data/batchconverter.h"
#include "data/cifarfile.h"
#include "data/idxfile.h"
#include "data/imageconverter.h"
#include "data/imagedecoder.h"
#include "data/imagefolder.h"
#include "data/recordsource.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <opencv2/core.hpp>

#include <filesystem>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pareto {
namespace {

namespace fs = std::filesystem;
using detail::ImageConverter;
using detail::ImageShape;
using detail::ImageSource;
using detail::NoteLog;
using detail::PlanarImage;
using detail::RecordFile;
using detail::RecordSource;

constexpr const char* kFashionTrainStem = "train-images-idx3-ubyte";
constexpr const char* kFashionTestStem = "t10k-images-idx3-ubyte";
constexpr int kCifarTrainBatches = 5;

struct Selection {
    std::unique_ptr<ImageSource> source;
    ImageShape native;  ///< shape every image is converted from when no target is given
};

// A 60,000-image load writes gigabytes of fresh memory; with 4 KiB pages the page
// faults cost more than decoding (2-3x on a VM). Ask for transparent huge pages where
// the kernel only gives them on request; a refusal changes nothing.
void adviseHugePages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t(2) << 20;
    if (bytes < 4 * kHuge) return;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

Split defaultSplit(const DataSpec& spec) {
    return spec.kind == DataSpec::Kind::Folder ? Split::All : Split::Test;
}

std::string shapeText(const ImageShape& s) {
    return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" + std::to_string(s.width);
}

// Training files (in order) and the test file as runs of records for one split:
// train = first 90 % of all training records, val = the rest, all = training then test.
Result<Selection> selectRecords(std::vector<std::unique_ptr<RecordFile>> trainFiles,
                                std::unique_ptr<RecordFile> testFile, Split split, int64_t limit) {
    std::vector<std::unique_ptr<RecordFile>> files = std::move(trainFiles);
    const size_t trainFileCount = files.size();
    if (testFile) files.push_back(std::move(testFile));

    const ImageShape shape = files.front()->shape();
    for (const auto& f : files)
        if (f->shape() != shape)
            return fail(f->path() + ": images are " + shapeText(f->shape()) + ", but " + files.front()->name() +
                        " has " + shapeText(shape));

    int64_t trainRecords = 0;
    for (size_t k = 0; k < trainFileCount; ++k) trainRecords += files[k]->count();
    const int64_t trainPart = trainRecords * 9 / 10;

    std::vector<RecordSource::Segment> segments;
    // Global training-record range [lo, hi) as runs within the training files.
    auto addTrainingRange = [&](int64_t lo, int64_t hi) {
        int64_t start = 0;
        for (size_t k = 0; k < trainFileCount; ++k) {
            const int64_t end = start + files[k]->count();
            const int64_t a = std::max(lo, start), b = std::min(hi, end);
            if (a < b) segments.push_back({k, a - start, b - a});
            start = end;
        }
    };
    switch (split) {
        case Split::Train: addTrainingRange(0, trainPart); break;
        case Split::Validation: addTrainingRange(trainPart, trainRecords); break;
        case Split::Test: segments.push_back({files.size() - 1, 0, files.back()->count()}); break;
        case Split::All:
            addTrainingRange(0, trainRecords);
            segments.push_back({files.size() - 1, 0, files.back()->count()});
            break;
    }
    auto source = std::make_unique<RecordSource>(std::move(files), std::move(segments));
    if (limit >= 0) source->truncate(limit);
    return Selection{std::move(source), shape};
}

Result<Selection> selectFashionMnist(const DataSpec& spec, Split split, int64_t limit) {
    std::vector<std::unique_ptr<RecordFile>> train;
    std::unique_ptr<RecordFile> test;
    // Open only what the split reads: a test load must not depend on the training file.
    if (split != Split::Test) {
        auto f = detail::IdxFile::openInDir(spec.dir, kFashionTrainStem);
        if (!f) return f.error();
        train.push_back(std::move(f).value());
    }
    if (split == Split::Test || split == Split::All) {
        auto f = detail::IdxFile::openInDir(spec.dir, kFashionTestStem);
        if (!f) return f.error();
        test = std::move(f).value();
    }
    return selectRecords(std::move(train), std::move(test), split, limit);
}

Result<Selection> selectCifar10(const DataSpec& spec, Split split, int64_t limit) {
    std::error_code ec;
    fs::path dir = spec.dir;
    if (!fs::is_directory(dir, ec)) return fail(spec.dir + ": no such folder");
    // The official archive unpacks to cifar-10-batches-bin/: accept its parent too.
    if (!fs::exists(dir / "test_batch.bin", ec) && !fs::exists(dir / "data_batch_1.bin", ec) &&
        fs::is_directory(dir / "cifar-10-batches-bin", ec))
        dir /= "cifar-10-batches-bin";

    std::vector<std::unique_ptr<RecordFile>> train;
    std::unique_ptr<RecordFile> test;
    if (split != Split::Test) {
        int missing = 0;
        for (int k = 1; k <= kCifarTrainBatches; ++k) {
            const fs::path p = dir / ("data_batch_" + std::to_string(k) + ".bin");
            if (!fs::exists(p, ec)) {
                if (missing == 0) missing = k;
                continue;
            }
            // A gap would silently shift which images are train and which are val.
            if (missing != 0)
                return fail(dir.string() + ": has " + p.filename().string() + " but no data_batch_" +
                            std::to_string(missing) + ".bin");
            auto f = detail::CifarFile::open(p.string());
            if (!f) return f.error();
            train.push_back(std::move(f).value());
        }
        if (train.empty()) return fail(dir.string() + ": no data_batch_1.bin (CIFAR-10 binary version)");
    }
    if (split == Split::Test || split == Split::All) {
        const fs::path p = dir / "test_batch.bin";
        if (!fs::exists(p, ec)) return fail(dir.string() + ": no test_batch.bin (CIFAR-10 binary version)");
        auto f = detail::CifarFile::open(p.string());
        if (!f) return f.error();
        test = std::move(f).value();
    }
    return selectRecords(std::move(train), std::move(test), split, limit);
}

Result<Selection> selectFolder(const DataSpec& spec, Split split, int64_t limit) {
    auto opened = detail::ImageFolder::open(spec.dir);
    if (!opened) return opened.error();
    std::unique_ptr<detail::ImageFolder> folder = std::move(opened).value();

    std::vector<size_t> picked;
    for (size_t i = 0; i < folder->files().size(); ++i) {
        const Split s = i % 10 == 9 ? Split::Test : i % 10 == 8 ? Split::Validation : Split::Train;
        if (split == Split::All || s == split) picked.push_back(i);
    }
    if (limit >= 0 && int64_t(picked.size()) > limit) picked.resize(size_t(limit));

    // The folder's first image sets the shape for every split, so train and test agree;
    // its header is enough.
    auto first = detail::readImageHeader((fs::path(spec.dir) / folder->files().front()).string());
    if (!first) return first.error();
    folder->select(std::move(picked));
    return Selection{std::move(folder), ImageShape{first->channels >= 3 ? 3 : 1, first->height, first->width}};
}

Result<Selection> selectImages(const DataSpec& spec, Split split, int64_t limit) {
    Result<Selection> sel = [&]() -> Result<Selection> {
        switch (spec.kind) {
            case DataSpec::Kind::FashionMnist: return selectFashionMnist(spec, split, limit);
            case DataSpec::Kind::Cifar10: return selectCifar10(spec, split, limit);
            case DataSpec::Kind::Folder: return selectFolder(spec, split, limit);
        }
        return fail(spec.text + ": unknown data kind");
    }();
    if (sel && sel->source->count() == 0)
        return fail(spec.text + " split=" + splitName(split) + (limit == 0 ? " limit=0" : "") + ": selects no images");
    return sel;
}

Result<ImageShape> resolveTarget(const ImageShape& native, const DatasetLoadOptions& o) {
    ImageShape t;
    t.channels = o.channels > 0 ? o.channels : native.channels;
    t.height = o.height > 0 ? o.height : native.height;
    t.width = o.width > 0 ? o.width : native.width;
    if (t.channels != 1 && t.channels != 3)
        return fail("model input has " + std::to_string(t.channels) +
                    " channels: images convert only to 1 (gray) or 3 (RGB)");
    return t;
}

// Report per chunk, but at least ~100 times so small loads can still be cancelled.
int64_t progressStep(const ImageSource& source) {
    return std::max<int64_t>(1, std::min(source.progressStep(), source.count() / 100));
}

std::string progressStage(const DataSpec& spec, Split split) {
    return std::string("loading ") + splitName(split) + " images from " + spec.text;
}

// Converted sets up to this size are held converted; larger ones stay at their own size and
// are converted per batch (Dataset::converting), so a model's large input does not multiply
// the memory the images take.
constexpr int64_t kConvertedBytesHeld = int64_t(256) << 20;

Result<Dataset> loadDatasetImpl(const DataSpec& spec, const DatasetLoadOptions& options,
                                const ProgressSink& progress) {
    const Split split = options.split.value_or(defaultSplit(spec));
    auto sel = selectImages(spec, split, options.limit);
    if (!sel) return sel.error();
    ImageSource& source = *sel->source;
    auto target = resolveTarget(sel->native, options);
    if (!target) return target.error();

    const int64_t n = source.count();
    const bool perBatch = source.uniformShape() && *target != sel->native &&
                          n * target->elements() * int64_t(sizeof(float)) > kConvertedBytesHeld;
    const ImageShape stored = perBatch ? sel->native : *target;
    const int64_t elements = stored.elements();
    at::Tensor images = at::empty({n, stored.channels, stored.height, stored.width}, at::kFloat);
    float* out = images.data_ptr<float>();
    adviseHugePages(out, size_t(n * elements) * sizeof(float));

    ImageConverter converter(*target);
    NoteLog notes;
    PlanarImage image;
    std::vector<float> scratch(perBatch ? size_t(target->elements()) : 0);
    const std::string stage = progressStage(spec, split);
    const int64_t step = progressStep(source);
    std::vector<std::string> ids;
    ids.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        if (i % step == 0 && !progress.update(double(i) / double(n), stage)) return Error::cancelled();
        if (Status s = source.read(i, image, notes); !s) return s.error();
        if (perBatch) {
            if (image.shape != stored)
                return fail(source.id(i) + ": image is " + shapeText(image.shape) + ", expected " + shapeText(stored));
            std::copy(image.pixels.begin(), image.pixels.end(), out + i * elements);
            // The conversion runs per batch later; its notes are the same for every image.
            if (i == 0)
                if (Status s = converter.convert(image, scratch.data(), notes); !s) return fail(source.id(i) + ": " + s.error().message);
        } else if (Status s = converter.convert(image, out + i * elements, notes); !s) {
            return fail(source.id(i) + ": " + s.error().message);
        }
        ids.push_back(source.id(i));
    }
    progress.update(1.0, stage);
    const std::string identity = spec.text + " split=" + splitName(split) + " n=" + std::to_string(n);
    Dataset ds = perBatch ? Dataset::converting(std::move(images), std::make_shared<detail::BatchConverter>(sel->native, *target),
                                                std::move(ids), identity)
                          : Dataset::fromImages(std::move(images), std::move(ids), identity);
    ds.notes = notes.finish(n);
    return ds;
}

Result<MeanImage> loadMeanImageImpl(const DataSpec& spec, const DatasetLoadOptions& evalOptions,
                                    const ProgressSink& progress) {
    const Split evalSplit = evalOptions.split.value_or(defaultSplit(spec));
    const bool evaluatedOnly = spec.kind == DataSpec::Kind::Folder && evalSplit == Split::All;
    const Split split = evaluatedOnly ? Split::All : Split::Train;
    auto sel = selectImages(spec, split, evaluatedOnly ? evalOptions.limit : -1);
    if (!sel) return sel.error();
    ImageSource& source = *sel->source;
    auto target = resolveTarget(sel->native, evalOptions);
    if (!target) return target.error();

    const int64_t n = source.count();
    // Resize and channel mixing are linear, so a uniform source is averaged at its own
    // size (54,000 x 784 adds for Fashion-MNIST) and converted once.
    const bool averageFirst = source.uniformShape();
    const ImageShape sumShape = averageFirst ? sel->native : *target;
    std::vector<double> sum(size_t(sumShape.elements()), 0.0);

    ImageConverter converter(*target);
    NoteLog notes;
    PlanarImage image;
    std::vector<float> converted(averageFirst ? 0 : size_t(target->elements()));
    const std::string stage = std::string("averaging ") + (evaluatedOnly ? "evaluated" : "train") + " images from " +
                              spec.text;
    const int64_t step = progressStep(source);
    for (int64_t i = 0; i < n; ++i) {
        if (i % step == 0 && !progress.update(double(i) / double(n), stage)) return Error::cancelled();
        if (Status s = source.read(i, image, notes); !s) return s.error();
        const float* px = image.pixels.data();
        if (!averageFirst) {
            if (Status s = converter.convert(image, converted.data(), notes); !s)
                return fail(source.id(i) + ": " + s.error().message);
            px = converted.data();
        } else if (image.shape != sumShape) {
            return fail(source.id(i) + ": image is " + shapeText(image.shape) + ", expected " + shapeText(sumShape));
        }
        for (size_t k = 0; k < sum.size(); ++k) sum[k] += px[k];
    }

    PlanarImage mean;
    mean.shape = sumShape;
    mean.pixels.resize(sum.size());
    for (size_t k = 0; k < sum.size(); ++k) mean.pixels[k] = float(sum[k] / double(n));

    MeanImage result;
    result.image = at::empty({target->channels, target->height, target->width}, at::kFloat);
    if (averageFirst) {
        if (Status s = converter.convert(mean, result.image.data_ptr<float>(), notes); !s) return s.error();
    } else {
        std::copy(mean.pixels.begin(), mean.pixels.end(), result.image.data_ptr<float>());
    }
    progress.update(1.0, stage);
    result.source = evaluatedOnly ? "mean of the " + std::to_string(n) +
                                        " evaluated images (folder has no training part)"
                                  : "mean of " + std::to_string(n) + " train images";
    return result;
}

}  // namespace

// Exceptions from LibTorch (allocation), OpenCV and the standard library stop here.
Result<Dataset> loadDataset(const DataSpec& spec, const DatasetLoadOptions& options, const ProgressSink& progress) {
    try {
        return loadDatasetImpl(spec, options, progress);
    } catch (const c10::Error& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what_without_backtrace()));
    } catch (const cv::Exception& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what()));
    } catch (const std::bad_alloc&) {
        return fail(spec.text + ": out of memory while loading images");
    } catch (const std::exception& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what()));
    }
}

Result<std::vector<int64_t>> nativeImageShape(const DataSpec& spec, const DatasetLoadOptions& options) {
    try {
        auto sel = selectImages(spec, options.split.value_or(defaultSplit(spec)), options.limit);
        if (!sel) return sel.error();
        return std::vector<int64_t>{sel->native.channels, sel->native.height, sel->native.width};
    } catch (const std::exception& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what()));
    }
}

Result<MeanImage> loadMeanImage(const DataSpec& spec, const DatasetLoadOptions& evalOptions,
                                const ProgressSink& progress) {
    try {
        return loadMeanImageImpl(spec, evalOptions, progress);
    } catch (const c10::Error& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what_without_backtrace()));
    } catch (const cv::Exception& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what()));
    } catch (const std::bad_alloc&) {
        return fail(spec.text + ": out of memory while averaging images");
    } catch (const std::exception& e) {
        return fail(spec.text + ": " + detail::oneLine(e.what()));
    }
}

}  // namespace pareto
