// SPDX-License-Identifier: Apache-2.0
#include "jobs/computethreads.h"

#include "common/scopedcomputethreads.h"
#include "common/threads.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pareto::ui {
namespace {

// Added to a background job thread's nice value: the UI thread (nice 0) then preempts it
// at once, while an otherwise idle machine still gives the job both cores.
constexpr int kBackgroundNice = 10;

}  // namespace

void useOneComputeThread() { ScopedComputeThreads::setForThisThread(1); }

void useBackgroundComputeThreads() {
    ScopedComputeThreads::setForThisThread(configuredComputeThreads());
    // Linux keeps a nice value per thread, and threads inherit their creator's: set it on
    // this thread alone (the pool thread runs only this kind of job).
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (current < kBackgroundNice) ::setpriority(PRIO_PROCESS, tid, kBackgroundNice);
}

}  // namespace pareto::ui
