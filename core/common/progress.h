// SPDX-License-Identifier: Apache-2.0
#pragma once
// Progress reporting and cancellation for long core work. Core knows nothing of Qt:
// ui/ adapts a ProgressSink to QPromise, the CLI prints to stderr.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace pareto {

/// @brief A cancel flag shared between the owner (UI/CLI) and a worker.
using CancelToken = std::shared_ptr<std::atomic<bool>>;

inline CancelToken makeCancelToken() { return std::make_shared<std::atomic<bool>>(false); }

/// @brief Receives progress from a worker and tells it whether to go on.
///
/// `update()` returns false once cancellation was requested (by the token, or by the
/// callback returning false, as ggml's abort callback does). Workers call it per batch
/// or per layer and stop promptly with Error::cancelled() when it says false.
/// Thread: called on the worker's thread; the callback must be thread-safe.
class ProgressSink {
public:
    using Callback = std::function<bool(double fraction, const std::string& stage)>;

    ProgressSink() = default;
    explicit ProgressSink(Callback cb, CancelToken cancel = {})
        : m_cb(std::move(cb)), m_cancel(std::move(cancel)) {}

    /// fraction in [0, 1] of the whole job; stage is a short human label.
    bool update(double fraction, const std::string& stage) const {
        if (cancelled()) return false;
        if (m_cb && !m_cb(fraction, stage)) {
            if (m_cancel) m_cancel->store(true);
            return false;
        }
        return !cancelled();
    }

    bool cancelled() const { return m_cancel && m_cancel->load(); }

    /// A sink for a sub-range [lo, hi] of this one's fraction, same cancel token.
    ProgressSink sub(double lo, double hi) const {
        if (!m_cb) return ProgressSink({}, m_cancel);
        Callback parent = m_cb;
        return ProgressSink(
            [parent, lo, hi](double f, const std::string& s) { return parent(lo + (hi - lo) * f, s); },
            m_cancel);
    }

    const CancelToken& token() const { return m_cancel; }

private:
    Callback m_cb;
    CancelToken m_cancel;
};

}  // namespace pareto
