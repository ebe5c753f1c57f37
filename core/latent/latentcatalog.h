// SPDX-License-Identifier: Apache-2.0
#pragma once
// Trained checkpoints (built-in architectures) by latent size and seed: what the latent slider can offer
// without training, and what the CLI averages over seeds.

#include "common/result.h"
#include "eval/bootstrap.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pareto {

/// @brief One checkpoint as its safetensors metadata describes it (read from the header
/// only: listing a catalog loads no weights).
struct CatalogEntry {
    std::string path;
    std::string arch;                      ///< the built-in architecture the registry recognised
    int64_t channels = 0;
    int64_t latentDim = 0;                 ///< from the tensor shapes (checked against pareto.latent_dim)
    int64_t params = 0;
    /// "trained" (pareto train / sweep-latent), "pca" or "distill" (pareto latent --out):
    /// pareto.latent_method, "trained" when absent.
    std::string method = "trained";
    std::optional<uint64_t> seed;
    /// Where the seed came from: "pareto.seed", "pareto.command" (its --seed N), "default"
    /// (a `pareto train` command without --seed: the trainer's default 1), or "" (unknown).
    std::string seedSource;
    std::optional<double> testMse;         ///< pareto.test_mse: held-out mean MSE at training time
    std::optional<std::pair<double, double>> testMseCi;  ///< pareto.test_mse_ci95
    std::string testData;                  ///< pareto.test_data
    std::string trainData;                 ///< pareto.train_data
    std::string command;                   ///< pareto.command
    int bestEpoch = 0;                     ///< pareto.best_epoch (0 when absent)
    double secondsPerEpoch = 0;            ///< pareto.seconds_per_epoch (0 when absent)
    std::string logPath;                   ///< <stem>.train.json beside it, when present
    std::map<std::string, std::string> metadata;  ///< every metadata entry, as stored
};

/// @brief The trained checkpoints of one latent size, seeds ascending.
struct CatalogGroup {
    int64_t latentDim = 0;
    int64_t params = 0;
    std::vector<CatalogEntry> entries;
    /// Student-t 95 % CI over the entries' stored test MSEs (entries without one left out);
    /// n = number of seeds averaged. All NaN when none has a test MSE.
    Estimate testMse;
    std::vector<std::string> warnings;     ///< mixed test data or channels, duplicate seeds
};

/// @brief Discovers trained checkpoints of the built-in architectures (safetensors the model
/// registry recognises) in folders and explicitly added files, and groups them by latent size.
///
/// Cheap (headers only), any thread; a value type. Files that are not such checkpoints are
/// skipped with a warning naming them, so one bad file does not hide the rest.
class LatentCatalog {
public:
    /// Adds every `*.safetensors` directly in `folder` (sorted by name). A missing folder is
    /// not an error (a catalog may be empty until models are trained): it adds a warning.
    void addFolder(const std::string& folder);
    /// Adds one checkpoint; an error names the file and the problem (nothing added then).
    /// A path already in the catalog is not added twice (no error).
    Status addFile(const std::string& path);
    /// Records a non-fatal finding (e.g. an expected file that is missing).
    void addWarning(const std::string& warning) { m_warnings.push_back(warning); }

    const std::vector<CatalogEntry>& entries() const { return m_entries; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    bool empty() const { return m_entries.empty(); }

    /// Latent sizes with at least one entry of `method`, ascending.
    std::vector<int64_t> latents(const std::string& method = "trained") const;
    /// Entries of `method` at latent size L, seeds ascending (unknown seeds last).
    std::vector<CatalogEntry> entriesFor(int64_t latentDim, const std::string& method = "trained") const;
    /// The entry of `method` with this latent size and seed, or nullptr.
    const CatalogEntry* find(int64_t latentDim, uint64_t seed, const std::string& method = "trained") const;
    /// One group per latent size of `method`, ascending.
    std::vector<CatalogGroup> groups(const std::string& method = "trained") const;

    /// Reads one checkpoint's entry without adding it.
    static Result<CatalogEntry> readEntry(const std::string& path);

private:
    std::vector<CatalogEntry> m_entries;
    std::vector<std::string> m_warnings;
};

/// The seed in a `pareto train` command line: "--seed N" or "--seed=N"; nullopt when absent
/// or malformed.
std::optional<uint64_t> seedFromCommand(const std::string& command);

/// Folder of the demo's latent-slider models: resourceDir()/demo/latent.
std::string demoLatentFolder();

/// The demo's catalog: every checkpoint in demoLatentFolder() plus the main demo model
/// (demoModelPath(), L = 16 seed 1). Missing files are warnings, not errors.
LatentCatalog demoLatentCatalog();

}  // namespace pareto
