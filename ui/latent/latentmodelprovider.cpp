// SPDX-License-Identifier: Apache-2.0
#include "latent/latentmodelprovider.h"

#include <QFileInfo>

namespace pareto::ui {

QString LatentModelProvider::describe(const SessionPtr& session, const LatentChoice& choice) const {
    if (!session || choice.method != LatentMethod::Original) return {};
    return tr("The loaded model's own L = %1.").arg(session->info.latentDim);
}

QString LatentModelProvider::headline(const SessionPtr& session, const LatentChoice& choice) const {
    (void)session;
    return latentLabel(choice);
}

QString LatentModelProvider::provenance(const SessionPtr& session, const LatentChoice& choice) const {
    (void)choice;
    if (!session) return {};
    return tr("loaded from %1 (%2)").arg(session->info.modelPath, session->info.format);
}

QString LatentModelProvider::sourceCheckpoint(const SessionPtr& session, const LatentChoice& choice) const {
    (void)choice;
    return session ? session->info.modelPath : QString();
}

}  // namespace pareto::ui
