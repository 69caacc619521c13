#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace lmo {

// What went wrong, said so a user can act on it: what happened, where, and what to do.
struct Error
{
    enum class Code {
        Generic,
        Usage,
        NotADatabase,
        NotOurDatabase,
        SchemaTooNew,
        SchemaTooOld, // opened read-only, and its schema needs bringing forward first
        ReadOnly,
        Locked,
        Sql,
        Io,
        WriteFailed, // a file could not be written to the end (disk full, I/O error): nothing was kept
        DiskFull,    // the database could not grow: the disk is full or it reached its size limit
        DiskIo,      // the database's file could not be read or written (an I/O error)
        Invalid,
        Conflict, // a unique key already taken
        Cancelled,
        Unreachable,    // a database server that cannot be reached (down, wrong host or port, network)
        AuthFailed,     // the server refused the login: wrong or missing password, no such login, SSL
        NoSuchDatabase, // the server is there but has no database of that name
        ConnectionLost, // the server went away in the middle of the work: nothing of it was kept
        LimitReached,   // a limit reached (an org's daily API requests, or the reserve kept of them)
    };

    Code code = Code::Generic;
    QString message;

    static Error make(Code code, QString message) { return Error{code, std::move(message)}; }
};

// A value or the error that prevented it (std::expected is C++23; this is the part we need).
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<T>(m_state); }
    const T &value() const & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};


} // namespace lmo
