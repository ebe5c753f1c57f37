// SPDX-License-Identifier: Apache-2.0
#include "data/dataspec.h"

namespace pareto {
namespace {

const char* const kAcceptedForms =
    "accepted: fashion-mnist, fashion-mnist:DIR, cifar10:DIR, folder:DIR";

// "a/b/" and "a/b" name the same folder; keep "/" itself.
std::string trimTrailingSlashes(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
}

}  // namespace

Result<DataSpec> parseDataSpec(const std::string& text) {
    const auto colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    const bool hasDir = colon != std::string::npos;
    const std::string dir = hasDir ? trimTrailingSlashes(text.substr(colon + 1)) : std::string();

    DataSpec spec;
    if (kind == "fashion-mnist") {
        spec.kind = DataSpec::Kind::FashionMnist;
        if (hasDir && dir.empty())
            return fail("data spec '" + text + "': empty DIR after 'fashion-mnist:' (" + kAcceptedForms + ")");
        spec.dir = hasDir ? dir : std::string(kDefaultFashionMnistDir);
    } else if (kind == "cifar10" || kind == "folder") {
        spec.kind = kind == "cifar10" ? DataSpec::Kind::Cifar10 : DataSpec::Kind::Folder;
        if (dir.empty())
            return fail("data spec '" + text + "': " + kind + " needs a folder, as in " + kind + ":DIR (" +
                        kAcceptedForms + ")");
        spec.dir = dir;
    } else {
        return fail("data spec '" + text + "': unknown kind '" + kind + "' (" + kAcceptedForms + ")");
    }
    spec.text = kind + ":" + spec.dir;
    return spec;
}

const char* splitName(Split s) {
    switch (s) {
        case Split::Train: return "train";
        case Split::Validation: return "val";
        case Split::Test: return "test";
        case Split::All: return "all";
    }
    return "?";
}

Result<Split> parseSplit(const std::string& text) {
    for (Split s : {Split::Train, Split::Validation, Split::Test, Split::All})
        if (text == splitName(s)) return s;
    return fail("split '" + text + "': unknown (accepted: train, val, test, all)");
}

}  // namespace pareto
