// SPDX-License-Identifier: Apache-2.0
#include "jobs/abandonedjobs.h"

namespace pareto::ui {

AbandonedJobs& AbandonedJobs::instance() {
    static AbandonedJobs* jobs = new AbandonedJobs;  // never destroyed: abandoned threads may outlive main
    return *jobs;
}

void AbandonedJobs::add(const QString& what) {
    ++m_count;
    Q_EMIT abandoned(what);
}

}  // namespace pareto::ui
