// SPDX-License-Identifier: Apache-2.0
// `pareto`: the command-line face of core. Everything the studio can do, a script can do.
#include "commands.h"

#include "clisupport.h"
#include "safeoutput.h"

#include "common/threads.h"
#include "common/utf8text.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: pareto <command> [options]      (pareto <command> --help for details)\n"
    "\n"
    "commands:\n"
    "  inspect CKPT              what a checkpoint holds: format, architecture, parameters\n"
    "  eval CKPT --data SPEC     quality on held-out data with 95 % CIs, beside the mean image\n"
    "  train --data SPEC --out F train a built-in model (TinyVAE)\n"
    "  sweep CKPT --data SPEC --out PREFIX\n"
    "                            size vs quality of many quantization schemes, Pareto front marked\n"
    "  sensitivity CKPT --data SPEC\n"
    "                            MSE increase of quantizing each layer alone\n"
    "  automp CKPT --data SPEC --budget-bytes N\n"
    "                            one scheme per layer: least MSE increase within a byte budget\n"
    "  latent CKPT --data SPEC --k K [--method pca|distill]\n"
    "                            shrink the latent to K: PCA folded into the weights, or a distilled student\n"
    "  sweep-latent --data SPEC --latents 4,8,16\n"
    "                            train a built-in model per latent size over seeds (cached, resumable), mean +- CI\n"
    "  catalog [DIR ...]         trained checkpoints by latent size and seed (default: the demo's)\n"
    "  export CKPT --data SPEC --quant S --target ID --out DIR\n"
    "                            a validated deployment package for a Jetson\n"
    "  verify PKG                check a package: hashes, weights, model.pt, golden outputs\n"
    "  version                   print the version\n"
    "\n"
    "CKPT: a torch.save state dict (.pt .pth .ckpt .bin), safetensors, a TorchScript archive, or\n"
    "an ONNX model from torch.onnx.export (opsets 11-17): NAME.onnx (x -> x_hat), or the pair\n"
    "NAME.encoder.onnx + NAME.decoder.onnx named through either file. ONNX is data, run by\n"
    "OpenCV's DNN module: no --trust-code.\n"
    "\n"
    "options every command that opens a checkpoint takes:\n"
    "  --trust-code              allow TorchScript files (and a package's model.pt) to run: they are\n"
    "                            programs, and without this flag nothing from them runs\n"
    "  --max-inflated-bytes N    how far a zip checkpoint may inflate, per record and in total\n"
    "                            (default: max(256 MiB, 4 x file) per record, max(1 GiB, 8 x file) in all)\n"
    "  --input-shape C,H,W       TorchScript and ONNX models: the input shape (ONNX: only where the\n"
    "                            graph leaves the image dimensions dynamic)\n"
    "  --input-range LO,HI       TorchScript and ONNX models: the values the model expects (default 0,1)\n"
    "  --output-range LO,HI      TorchScript and ONNX models: the values it returns (default 0,1)\n"
    "\n"
    "any command:\n"
    "  --threads N               compute threads (default: min(2, cores)); results are the same\n"
    "                            for every N: each batch runs on one thread, N of them at once\n";

}  // namespace

namespace {

// `--threads N` anywhere on the command line (before a `--`); removed from `args`.
bool takeThreadsOption(std::vector<std::string>& args, int& threads, std::string& error) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--") break;
        std::string v;
        size_t width = 1;
        if (args[i] == "--threads") {
            if (i + 1 >= args.size()) {
                error = "--threads needs a value";
                return false;
            }
            v = args[i + 1];
            width = 2;
        } else if (args[i].rfind("--threads=", 0) == 0) {
            v = args[i].substr(10);
        } else {
            continue;
        }
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 1 || n > 256) {
            error = "--threads takes a number from 1 to 256, not '" + pareto::printableText(v) + "'";
            return false;
        }
        threads = static_cast<int>(n);
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i + width));
        --i;
    }
    return true;
}

int dispatch(int argc, char** argv) {
    using namespace pareto::cli;
    // Commands that compute get their BLAS and OpenMP settings before the libraries load
    // (a re-exec, which loads LibTorch a second time: ~0.5 s); inspect only reads a file.
    const bool computes = argc >= 2 && std::strcmp(argv[1], "inspect") != 0 && std::strcmp(argv[1], "version") != 0 &&
                          std::strcmp(argv[1], "--version") != 0;
    if (computes) pareto::reexecWithSingleThreadedBlas(argv);
    installSafeOutput();
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? kExitUsage : kExitOk;
    }
    const std::string cmd = argv[1];
    std::vector<std::string> rest(argv + 2, argv + argc);
    if (std::string error; !takeLoadOptions(rest, error)) {
        std::fprintf(stderr, "pareto %s: %s\n", cmd.c_str(), error.c_str());
        return kExitUsage;
    }
    int threads = 0;
    if (std::string error; !takeThreadsOption(rest, threads, error)) {
        std::fprintf(stderr, "pareto %s: %s\n", cmd.c_str(), error.c_str());
        return kExitUsage;
    }
    if (cmd == "version" || cmd == "--version") {
        std::printf("pareto %s\n", PARETO_VERSION);
        return kExitOk;
    }
    pareto::configureComputeThreads(threads);
    if (cmd == "inspect") return runInspect(rest);
    if (cmd == "eval") return runEval(rest);
    if (cmd == "train") return runTrain(rest);
    if (cmd == "sweep") return runSweep(rest);
    if (cmd == "sensitivity") return runSensitivity(rest);
    if (cmd == "automp") return runAutoMp(rest);
    if (cmd == "latent") return runLatent(rest);
    if (cmd == "sweep-latent") return runSweepLatent(rest);
    if (cmd == "catalog") return runCatalog(rest);
    if (cmd == "export") return runExport(rest);
    if (cmd == "verify") return runVerify(rest);
    std::fprintf(stderr, "pareto: unknown command '%s'\n%s", cmd.c_str(), kUsage);
    return kExitUsage;
}

}  // namespace

// Whatever escapes a command (a bug, an allocation failure, a library's exception) ends as
// one line and exit 1. Catching it here unwinds the stack, so the guards of what a command
// was writing (export staging folders, atomic files' temporaries) remove their files;
// an uncaught exception would terminate without unwinding and leave them behind.
int main(int argc, char** argv) {
    try {
        return dispatch(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pareto: internal error: %s\n", pareto::printableText(e.what()).c_str());
    } catch (...) {
        std::fprintf(stderr, "pareto: internal error (unknown exception)\n");
    }
    return pareto::cli::kExitFailure;
}
