// SPDX-License-Identifier: Apache-2.0
#include "io/errortext.h"

#include <c10/util/Exception.h>

namespace pareto::detail {

std::string oneLine(const std::string& text, size_t maxChars) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    size_t end = text.find_first_of("\r\n", begin);
    std::string line = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.size() > maxChars) line = line.substr(0, maxChars) + "...";
    return line;
}

std::string exceptionText(const std::exception& e) {
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) return oneLine(c10->what_without_backtrace());
    return oneLine(e.what());
}

}  // namespace pareto::detail
