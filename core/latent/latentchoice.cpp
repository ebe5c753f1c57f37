// SPDX-License-Identifier: Apache-2.0
#include "latent/latentchoice.h"

#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>

namespace pareto {

const char* latentMethodId(LatentMethod m) {
    switch (m) {
        case LatentMethod::Original: return "original";
        case LatentMethod::Pca: return "pca";
        case LatentMethod::Trained: return "trained";
        case LatentMethod::Distilled: return "distill";
    }
    return "original";
}

const char* latentMethodName(LatentMethod m) {
    switch (m) {
        case LatentMethod::Original: return "original";
        case LatentMethod::Pca: return "PCA";
        case LatentMethod::Trained: return "trained";
        case LatentMethod::Distilled: return "distilled";
    }
    return "original";
}

std::string LatentChoice::id() const { return std::string(latentMethodId(method)) + ":" + std::to_string(k); }

std::string LatentChoice::keyPart() const {
    switch (method) {
        case LatentMethod::Original: return {};
        case LatentMethod::Pca: return "pca-k" + std::to_string(k);
        case LatentMethod::Trained: return "trained-k" + std::to_string(k) + (seed ? "-s" + std::to_string(*seed) : std::string());
        case LatentMethod::Distilled: return "distilled-k" + std::to_string(k);
    }
    return {};
}

std::string LatentChoice::label() const {
    switch (method) {
        case LatentMethod::Original: return "original L=" + std::to_string(k);
        case LatentMethod::Pca: return "PCA k=" + std::to_string(k);
        case LatentMethod::Trained: return "trained k=" + std::to_string(k) + (seed ? " (seed " + std::to_string(*seed) + ")" : std::string());
        case LatentMethod::Distilled: return "distilled k=" + std::to_string(k);
    }
    return {};
}

Result<std::vector<LatentChoice>> parseLatentAxis(const std::string& text, const std::string& option) {
    std::vector<LatentChoice> out;
    std::optional<LatentMethod> method;
    std::set<std::pair<int, int64_t>> seen;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (item.empty()) continue;
        if (const auto colon = item.find(':'); colon != std::string::npos) {
            const std::string name = item.substr(0, colon);
            item = item.substr(colon + 1);
            if (name == "pca") method = LatentMethod::Pca;
            else if (name == "distill") method = LatentMethod::Distilled;
            else if (name == "trained") method = LatentMethod::Trained;
            else return fail(option + ": unknown method '" + name + "' (pca, distill or trained)");
        }
        if (!method) return fail(option + ": '" + item + "' needs a method first, e.g. pca:" + item);
        char* end = nullptr;
        errno = 0;
        const long long k = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || errno == ERANGE || k < 1)
            return fail(option + ": '" + item + "' is not a positive latent size");
        if (!seen.insert({static_cast<int>(*method), k}).second)
            return fail(option + ": " + latentMethodId(*method) + ":" + item + " is listed twice");
        out.push_back({*method, k, std::nullopt});
    }
    if (out.empty()) return fail(option + " is empty");
    return out;
}

}  // namespace pareto
