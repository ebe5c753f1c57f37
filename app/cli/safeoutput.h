// SPDX-License-Identifier: Apache-2.0
#pragma once
// Names are bytes; what `pareto` prints is text. Every line it writes goes through a filter
// that shows bytes which are not UTF-8 as `\xNN`, so no file name can garble a terminal or
// make a log unreadable, whichever printf printed it.

namespace pareto::cli {

/// Replaces stdout and stderr by filtered streams (fopencookie) onto the same descriptors.
/// Call once, first thing in main. Valid UTF-8 (including all JSON we print) passes unchanged.
void installSafeOutput();

}  // namespace pareto::cli
