// SPDX-License-Identifier: Apache-2.0
#include "session/truststore.h"

#include <QSettings>

namespace pareto::ui {
namespace {

const QString kKey = QStringLiteral("security/trustedSha256");
bool g_trustAll = false;

}  // namespace

void TrustStore::setTrustAll(bool on) { g_trustAll = on; }

bool TrustStore::trustAll() { return g_trustAll; }

QStringList TrustStore::trustedHashes() { return QSettings().value(kKey).toStringList(); }

bool TrustStore::isTrusted(const QString& sha256) { return g_trustAll || trustedHashes().contains(sha256); }

void TrustStore::trust(const QString& sha256) {
    QSettings settings;
    QStringList hashes = settings.value(kKey).toStringList();
    if (!hashes.contains(sha256)) hashes << sha256;
    settings.setValue(kKey, hashes);
}

}  // namespace pareto::ui
