// SPDX-License-Identifier: Apache-2.0
#include "latent/originallatentprovider.h"

namespace pareto::ui {

LatentOptions OriginalLatentProvider::options(const SessionPtr& session) const {
    LatentOptions o;
    o.originalK = session ? static_cast<int>(session->info.latentDim) : 0;
    o.methods.push_back({LatentMethod::Original, {o.originalK}, {}});
    const QString why = tr("Not offered by this latent provider");
    for (LatentMethod m : {LatentMethod::Pca, LatentMethod::Trained, LatentMethod::Distilled}) o.methods.push_back({m, {}, why});
    return o;
}

void OriginalLatentProvider::requestModel(const SessionPtr& session, const LatentChoice& choice) {
    if (!session) return;
    if (choice.method == LatentMethod::Original && choice.k == session->info.latentDim) {
        Q_EMIT modelReady(session->id, choice, session->model);
        return;
    }
    Q_EMIT failed(session->id, choice, tr("%1 k=%2 is not offered by this latent provider").arg(latentMethodLabel(choice.method)).arg(choice.k));
}

}  // namespace pareto::ui
