#pragma once

#include "domain/salesforceid.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QVariant>

namespace lmo {

// How values are written to and read from the database: dates as ISO text, date-times as ISO
// UTC text, record ids in 18-character form, blanks as NULL.
QString dateToSql(const QDate &d);         // "2026-03-31"
QString dateTimeToSql(const QDateTime &dt); // "2026-03-31T10:15:00Z", in UTC
inline QVariant sqlValue(const QString &s) { return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s); }
inline QVariant sqlValue(const QDate &d) { return sqlValue(dateToSql(d)); }
inline QVariant sqlValue(const QDateTime &dt) { return sqlValue(dateTimeToSql(dt)); }
inline QVariant sqlValue(const SalesforceId &id) { return sqlValue(id.to18()); }

inline QDate dateFromSql(const QVariant &v) { return QDate::fromString(v.toString(), Qt::ISODate); }
inline QDateTime dateTimeFromSql(const QVariant &v)
{
    QDateTime dt = QDateTime::fromString(v.toString(), Qt::ISODate);
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt;
}

} // namespace lmo
