// SPDX-License-Identifier: Apache-2.0
#include "export/packagelayout.h"

namespace pareto {

std::string PackageLayout::manifestHashLine(const std::string& sha256) { return sha256 + "  " + kManifest + "\n"; }

Result<std::string> PackageLayout::parseManifestHashLine(const std::string& text) {
    const std::string expectedTail = std::string("  ") + kManifest + "\n";
    const bool shapeOk = text.size() == 64 + expectedTail.size() && text.compare(64, std::string::npos, expectedTail) == 0;
    bool hexOk = shapeOk;
    for (size_t i = 0; hexOk && i < 64; ++i) {
        const char c = text[i];
        hexOk = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!hexOk)
        return fail(std::string(kManifestHash) + ": malformed (expected one line '<64 hex digits>  " + kManifest + "')");
    return text.substr(0, 64);
}

}  // namespace pareto
