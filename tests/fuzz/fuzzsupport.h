// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the libFuzzer targets: a per-process temp folder (the only place a target
// writes), and the invariants every reader's refusal must keep.

#include <cstddef>
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace pareto::fuzz {

/// A folder made once per process under $TMPDIR (or /tmp) and removed at exit.
const std::string& tempDir();

/// Writes `size` bytes to tempDir()/name (name may hold one '/': its folder is made) and
/// returns the path.
std::string writeTempFile(const std::string& name, const uint8_t* data, size_t size);

/// Empties tempDir(), so one input's files never meet the next input.
void clearTempDir();

/// A refusal is non-empty and names `mention` (the file): anything else is a finding,
/// reported by aborting with the message. Bytes from the file (a name holding '\r', '\n' or
/// any text at all) may appear as they are: outputs escape them (printableText), so what is
/// printed stays one line, and no check on the text could tell them from our own words.
void requireRefusalNaming(const std::string& message, const std::string& mention);

/// Reads every byte of the tensor's storage (what ASan must find addressable), without
/// materializing views: a stride-0 view stays as small as its storage.
uint64_t touchStorage(const at::Tensor& t);

/// Once per process: LibTorch single-threaded (2-core machines, reproducible runs).
void initOnce();

}  // namespace pareto::fuzz
