// SPDX-License-Identifier: Apache-2.0
#pragma once
// The on-disk cache of a latent sweep: one model + one JSON record per finished run, keyed
// by a hash of everything that determines the run, so a sweep resumes after a cancel or a
// crash without redoing finished runs.

#include "common/result.h"
#include "latent/latentrun.h"
#include "latent/latentrunspec.h"
#include "model/model.h"

#include <map>
#include <optional>
#include <string>

namespace pareto {

/// @brief A folder of finished runs: `<key>.safetensors` (the model, with the same metadata
/// `pareto train` writes, so a LatentCatalog can list the folder) and `<key>.json` (the
/// record). Both are written atomically, the record last: a record on disk means a
/// finished run. Thread-compatible (one sweep per folder at a time).
class LatentRunCache {
public:
    explicit LatentRunCache(std::string dir);

    const std::string& dir() const { return m_dir; }
    std::string modelPath(const std::string& key) const;
    std::string recordPath(const std::string& key) const;

    /// The finished run stored under `key`, or nullopt when there is none or it cannot be
    /// trusted (unreadable record, other key, missing model, model hash mismatch); then
    /// `why` (when given) says which, empty when there simply is no record.
    std::optional<LatentRun> find(const std::string& key, std::string* why = nullptr) const;

    /// Loads the run's model (checked against its recorded hash).
    Result<std::shared_ptr<const Model>> loadModel(const LatentRun& run) const;

    /// Writes the model (with `metadata`) and then the record; fills run.modelPath and
    /// run.modelSha256. Creates the folder when needed.
    Status store(LatentRun& run, const LatentRunSpec& spec, const Model& model,
                 const std::map<std::string, std::string>& metadata) const;

private:
    std::string m_dir;
};

}  // namespace pareto
