#pragma once

#include "domain/salesforceid.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QVariant>

#include <string_view>

namespace lmo {

// How values are written to and read from the database: dates as ISO text, date-times as ISO
// UTC text, record ids in 18-character form, blanks as NULL.
QString dateToSql(const QDate &d);         // "2026-03-31"
QString dateTimeToSql(const QDateTime &dt); // "2026-03-31T10:15:00Z", in UTC
// The forms above read straight from bytes, with no QString: "2026-03-31"; and
// "2026-03-31T10:15:00Z" or a server's text of a TIMESTAMPTZ in UTC, "2026-03-31 10:15:00+00".
// Invalid for anything else (dateFromSql and dateTimeFromSql read the rest).
QDate plainSqlDate(std::string_view v);
QDateTime plainSqlDateTime(std::string_view v);
inline QVariant sqlValue(const QString &s) { return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s); }
inline QVariant sqlValue(const QDate &d) { return sqlValue(dateToSql(d)); }
inline QVariant sqlValue(const QDateTime &dt) { return sqlValue(dateTimeToSql(dt)); }
inline QVariant sqlValue(const SalesforceId &id) { return sqlValue(id.to18()); }

// PostgreSQL hands back a QDate for a DATE column and a QDateTime for a TIMESTAMPTZ one; SQLite
// hands back the ISO text written above. Both read the same.
inline QDate dateFromSql(const QVariant &v)
{
    if (v.isNull())
        return QDate();
    if (v.metaType().id() == QMetaType::QDate)
        return v.toDate();
    if (v.metaType().id() == QMetaType::QDateTime)
        return v.toDateTime().toUTC().date();
    const QString s = v.toString();
    // A DATE(ts) or text column may carry a time part ("2026-03-31T10:15:00Z"): the date is the
    // first ten characters.
    return QDate::fromString(s.size() > 10 ? s.left(10) : s, Qt::ISODate);
}
inline QDateTime dateTimeFromSql(const QVariant &v)
{
    if (v.isNull())
        return QDateTime();
    if (v.metaType().id() == QMetaType::QDateTime)
        return v.toDateTime().toUTC();
    if (v.metaType().id() == QMetaType::QDate)
        return QDateTime(v.toDate(), QTime(0, 0), Qt::UTC);
    QString text = v.toString();
    // A server's text of a TIMESTAMPTZ ("2026-03-31 10:15:00.5+00"), in ISO's own form.
    if (text.size() > 19 && text[10] == u' ')
        text[10] = u'T';
    const qsizetype n = text.size();
    if (n >= 22 && (text[n - 3] == u'+' || text[n - 3] == u'-') && text[n - 2].isDigit() && text[n - 1].isDigit())
        text += QStringLiteral(":00"); // "+00" as "+00:00"
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt;
}
// A value as text, as SQLite holds it: a DATE or TIMESTAMPTZ from PostgreSQL in the ISO form
// dateToSql/dateTimeToSql write (QVariant's own text of a QDateTime has milliseconds), NULL empty.
inline QString textFromSql(const QVariant &v)
{
    if (v.isNull())
        return QString();
    if (v.metaType().id() == QMetaType::QDate)
        return dateToSql(v.toDate());
    if (v.metaType().id() == QMetaType::QDateTime)
        return dateTimeToSql(v.toDateTime());
    return v.toString();
}

} // namespace lmo
