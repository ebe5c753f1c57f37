// SPDX-License-Identifier: Apache-2.0
// Load times of the real Fashion-MNIST (dataset-fashion-mnist) into float NCHW at 64x64,
// per split and channel count, and of the mean image of the 54,000 training images. Run as
//   OPENBLAS_NUM_THREADS=1 ./bench_data [--benchmark_filter=test/3]
// Each iteration loads into fresh memory, as a real run does.
#include "data/datasetloader.h"
#include "data/dataspec.h"

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include <string>

using namespace pareto;

namespace {

DatasetLoadOptions options(Split split, int channels, int64_t limit = -1) {
    DatasetLoadOptions o;
    o.split = split;
    o.channels = channels;
    o.height = o.width = 64;
    o.limit = limit;
    return o;
}

void loadBench(benchmark::State& state, Split split, int channels, int64_t limit) {
    const DataSpec spec = *parseDataSpec("fashion-mnist");
    for (auto _ : state) {
        auto ds = loadDataset(spec, options(split, channels, limit));
        if (!ds) {
            state.SkipWithError(ds.error().message.c_str());
            return;
        }
        state.counters["images"] = static_cast<double>(ds->size());
        benchmark::DoNotOptimize(ds->all().data_ptr());
    }
}

void meanBench(benchmark::State& state) {
    const DataSpec spec = *parseDataSpec("fashion-mnist");
    for (auto _ : state) {
        auto mean = loadMeanImage(spec, options(Split::Test, 3));
        if (!mean) {
            state.SkipWithError(mean.error().message.c_str());
            return;
        }
        benchmark::DoNotOptimize(mean->image.data_ptr());
    }
}

}  // namespace

int main(int argc, char** argv) {
    at::set_num_threads(2);
    const struct {
        const char* name;
        Split split;
    } splits[] = {{"test", Split::Test}, {"train", Split::Train}, {"val", Split::Validation}, {"all", Split::All}};
    for (const auto& s : splits)
        for (int channels : {1, 3})
            benchmark::RegisterBenchmark((std::string(s.name) + "/" + std::to_string(channels)).c_str(), loadBench, s.split, channels,
                                         int64_t(-1))
                ->Unit(benchmark::kMillisecond)
                ->Iterations(2);
    benchmark::RegisterBenchmark("test_limit500/3", loadBench, Split::Test, 3, int64_t(500))->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("mean_image_train/3", meanBench)->Unit(benchmark::kMillisecond)->Iterations(2);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
