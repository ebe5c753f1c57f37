// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace pareto::ui {

/// @brief Which program files (TorchScript) the user chose to run, remembered by SHA-256 in
/// QSettings: a trusted file that changes is a new file and is asked about again. UI thread
/// for changes; snapshot() is copied into job requests.
class TrustStore {
public:
    /// `pareto-studio --trust-code` (tests): every file counts as trusted for this run.
    static void setTrustAll(bool on);
    static bool trustAll();
    /// SHA-256 (lowercase hex) of every file the user trusted.
    static QStringList trustedHashes();
    static bool isTrusted(const QString& sha256);
    static void trust(const QString& sha256);
};

}  // namespace pareto::ui
