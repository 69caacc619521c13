#include "storage/postgres/pglocation.h"

#include <QUrl>

#include <libpq-fe.h>

namespace lmo {

bool PgLocation::isPostgres(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
           || location.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

Result<PgLocation> PgLocation::parse(const QString &uri)
{
    if (!isPostgres(uri))
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 is not a PostgreSQL URI: it must start with postgresql://").arg(uri));
    const QByteArray utf8 = uri.toUtf8();
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(utf8.constData(), &error);
    if (!options) {
        QString why = error ? QString::fromUtf8(error).trimmed() : QStringLiteral("libpq could not read it");
        PQfreemem(error);
        return Error::make(Error::Code::Usage,
                           QStringLiteral("The database address \"%1\" cannot be read: %2. Write it as "
                                          "postgresql://USER@HOST:PORT/DATABASE?sslmode=require (any libpq keyword "
                                          "may follow the ?).")
                               .arg(QUrl(uri).toDisplayString(QUrl::RemovePassword), why));
    }
    PgLocation location;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString keyword = QString::fromUtf8(o->keyword);
        const QString value = QString::fromUtf8(o->val);
        if (keyword == QLatin1String("password"))
            location.m_password = value;
        else
            location.m_keywords.append({keyword, value});
    }
    PQconninfoFree(options);
    // libpq would only say so when connecting, in its own words.
    for (const QString &port : location.value(QStringLiteral("port")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = port.trimmed().toInt(&ok);
        if (!ok || n <= 0 || n > 65535)
            return Error::make(Error::Code::Usage,
                               QStringLiteral("The database address \"%1\" gives the port \"%2\", which is not a port "
                                              "number (1 to 65535; PostgreSQL's usual one is 5432).")
                                   .arg(QUrl(uri).toDisplayString(QUrl::RemovePassword), port));
    }
    // The URI as given, less the password (QUrl keeps socket folders in the query intact).
    QUrl url(uri);
    if (url.isValid()) {
        url.setPassword(QString());
        QString redacted = url.toString(QUrl::RemovePassword);
        location.m_redacted = redacted;
    } else {
        location.m_redacted = uri;
    }
    if (!location.m_password.isEmpty() && location.m_redacted.contains(location.m_password))
        location.m_redacted.replace(location.m_password, QStringLiteral("…"));
    return location;
}

QString PgLocation::value(const QString &keyword) const
{
    for (const auto &[k, v] : m_keywords)
        if (k == keyword)
            return v;
    return {};
}

QString PgLocation::display() const
{
    QString user = value(QStringLiteral("user"));
    if (user.isEmpty())
        user = qEnvironmentVariable("PGUSER");
    QString host = value(QStringLiteral("host"));
    if (host.isEmpty())
        host = value(QStringLiteral("hostaddr"));
    if (host.isEmpty())
        host = qEnvironmentVariable("PGHOST");
    if (host.isEmpty() || host.startsWith(QLatin1Char('/')))
        host = QStringLiteral("local socket");
    QString port = value(QStringLiteral("port"));
    QString db = value(QStringLiteral("dbname"));
    if (db.isEmpty())
        db = qEnvironmentVariable("PGDATABASE");
    QString shown;
    if (!user.isEmpty())
        shown = user + QLatin1Char('@');
    shown += host;
    if (!port.isEmpty())
        shown += QLatin1Char(':') + port;
    shown += QLatin1Char('/') + (db.isEmpty() ? (user.isEmpty() ? QStringLiteral("(default)") : user) : db);
    return shown;
}

QString PgLocation::keychainKey() const
{
    return QStringLiteral("postgresql:") + display();
}

Result<QString> PgLocation::driverOptions() const
{
    QStringList parts;
    for (const auto &[keyword, value] : m_keywords) {
        // The driver turns every ';' into a space: a value holding one cannot be passed through.
        if (value.contains(QLatin1Char(';')))
            return Error::make(Error::Code::Usage,
                               QStringLiteral("The database address sets %1 to a value with a semicolon (%2), which "
                                              "Qt's PostgreSQL driver cannot pass on. Use a service file "
                                              "(?service=NAME, in ~/.pg_service.conf) for this setting instead.")
                                   .arg(keyword, value));
        QString quoted = value;
        quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        quoted.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        parts << QStringLiteral("%1='%2'").arg(keyword, quoted);
    }
    return parts.join(QLatin1Char(';'));
}

bool pgNeedsPassword(const QString &libpqMessage)
{
    return libpqMessage.contains(QLatin1String("no password supplied"), Qt::CaseInsensitive);
}

Error pgConnectError(const QString &libpqMessage, const QString &shown)
{
    const QString m = libpqMessage.trimmed();
    auto has = [&m](const char *text) { return m.contains(QLatin1String(text), Qt::CaseInsensitive); };
    if (pgNeedsPassword(m))
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The server of %1 asks for a password and none was given. Put it in "
                                          "~/.pgpass or PGPASSWORD, or connect from the window (File > Connect to team "
                                          "database…), which asks for it and keeps it in the keychain. (%2)")
                               .arg(shown, m));
    if (has("password authentication failed") || has("authentication failed"))
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The server of %1 refused the login: the password is wrong, or the login may "
                                          "not connect this way. Check the password (~/.pgpass, PGPASSWORD or the "
                                          "keychain) and ask the database's owner whether the login exists. (%2)")
                               .arg(shown, m));
    if (has("does not exist") && has("database"))
        return Error::make(Error::Code::NoSuchDatabase,
                           QStringLiteral("The server has no database of that name (%1). Check the name after the "
                                          "last / of the address, or ask the server's owner to create it "
                                          "(createdb -O LOGIN NAME). (%2)")
                               .arg(shown, m));
    if (has("role") && has("does not exist"))
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The server has no login of that name (%1). Check the user before the @ of "
                                          "the address, or ask the server's owner to create it. (%2)")
                               .arg(shown, m));
    if (has("SSL") && (has("required") || has("does not support") || has("no encryption") || has("pg_hba.conf")))
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The connection to %1 failed over its encryption setting: %2. If the server "
                                          "demands SSL, add ?sslmode=require (or verify-full) to the address; if it "
                                          "has none, ask its owner to set it up rather than turning SSL off.")
                               .arg(shown, m));
    if (has("pg_hba.conf"))
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The server of %1 does not let this login connect from here (%2). Ask the "
                                          "database's owner to allow it in pg_hba.conf.")
                               .arg(shown, m));
    if (has("Connection refused") || has("could not connect") || has("timeout expired") || has("No such file")
        || has("could not translate host name") || has("Network is unreachable") || has("No route to host")
        || has("server closed the connection"))
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("The database server of %1 cannot be reached: %2. Check the host and port, "
                                          "that the server is running and that this machine may reach it, then try "
                                          "again.")
                               .arg(shown, m));
    return Error::make(Error::Code::Io, QStringLiteral("Cannot connect to %1: %2").arg(shown, m));
}

} // namespace lmo
