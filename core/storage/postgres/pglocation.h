#pragma once

#include "util/result.h"

#include <QList>
#include <QPair>
#include <QString>

namespace lmo {

// A team database on a PostgreSQL server, as the user named it: a postgresql:// (or postgres://)
// URI, with any libpq keyword in its query (sslmode, connect_timeout, target_session_attrs,
// several hosts "host=a,b"...). libpq itself reads it, so what works in psql works here.
class PgLocation
{
public:
    // True for "postgresql://…" and "postgres://…": what --db, LMODESK_DB and the Connect
    // dialog take for a team database rather than a file path.
    static bool isPostgres(const QString &location);

    // Reads the URI with libpq's own parser; a malformed one is refused with libpq's reason.
    static Result<PgLocation> parse(const QString &uri);

    // The keywords and values the URI sets (password left out), for the driver.
    const QList<QPair<QString, QString>> &keywords() const { return m_keywords; }
    QString value(const QString &keyword) const;
    QString password() const { return m_password; }
    void setPassword(const QString &password) { m_password = password; }

    // Who and where, for the status bar, titles and messages: "alice@db.example:5432/lmo".
    // What libpq would use by default (PGHOST, PGUSER, the local socket...) is named as such.
    QString display() const;
    // The URI without its password: what Open recent keeps and messages show.
    QString uriWithoutPassword() const { return m_redacted; }
    // The key the OS keychain keeps this login's password under: user@host:port/dbname.
    QString keychainKey() const;

    // The connect options for Qt's QPSQL driver: every keyword but the password, quoted for
    // libpq's "key=value" form (the driver passes them through to PQconnectdb).
    Result<QString> driverOptions() const;

private:
    QList<QPair<QString, QString>> m_keywords;
    QString m_password;
    QString m_redacted;
};

// What a failed connection attempt means, from libpq's message, said so a user can act on it.
// `shown` names the database ("alice@db.example:5432/lmo").
Error pgConnectError(const QString &libpqMessage, const QString &shown);

// True when libpq's message says the server wants a password it was not given (so the app may
// ask for one), as opposed to one it refused.
bool pgNeedsPassword(const QString &libpqMessage);

} // namespace lmo
