// SPDX-License-Identifier: Apache-2.0
#pragma once
// Expected-style results for core's public edge: a value, or an error whose message
// names the file and what is wrong. Cancellation is reported as its own kind, not as
// a failure, so callers can stay quiet about it.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pareto {

/// @brief Why an operation did not produce a value.
struct Error {
    /// NeedsTrust: the file is a program (TorchScript) and the caller did not trust it;
    /// nothing from it ran. The UI offers to trust it; the CLI names --trust-code.
    enum class Kind { Failed, Cancelled, NeedsTrust };
    Kind kind = Kind::Failed;
    std::string message;  ///< one line, names the file/tensor and the problem

    static Error failed(std::string msg) { return {Kind::Failed, std::move(msg)}; }
    static Error cancelled() { return {Kind::Cancelled, "cancelled"}; }
    static Error needsTrust(std::string msg) { return {Kind::NeedsTrust, std::move(msg)}; }
    bool isCancelled() const { return kind == Kind::Cancelled; }
    bool needsTrust() const { return kind == Kind::NeedsTrust; }
};

/// @brief A value of type T or an Error. Cheap to move; never throws on access checks.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// @brief Result of an operation without a value.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

inline Error fail(std::string msg) { return Error::failed(std::move(msg)); }

}  // namespace pareto
