#include "storage/values.h"

namespace lmo {

namespace {

// Written by hand: QDate::toString goes through printf-style formatting, and a bulk load
// writes millions of dates.
void put(char16_t *&out, int value, int digits)
{
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = char16_t(u'0' + value % 10);
        value /= 10;
    }
    out += digits;
}

void putDate(char16_t *&out, const QDate &d)
{
    put(out, d.year(), 4);
    *out++ = u'-';
    put(out, d.month(), 2);
    *out++ = u'-';
    put(out, d.day(), 2);
}

} // namespace

QString dateToSql(const QDate &d)
{
    if (!d.isValid() || d.year() < 1 || d.year() > 9999)
        return d.isValid() ? d.toString(Qt::ISODate) : QString();
    QString s(10, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(s.data());
    putDate(out, d);
    return s;
}

QString dateTimeToSql(const QDateTime &dt)
{
    if (!dt.isValid())
        return QString();
    const QDateTime utc = dt.timeSpec() == Qt::UTC ? dt : dt.toUTC();
    const QDate d = utc.date();
    if (d.year() < 1 || d.year() > 9999)
        return utc.toString(Qt::ISODate);
    const QTime t = utc.time();
    QString s(20, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(s.data());
    putDate(out, d);
    *out++ = u'T';
    put(out, t.hour(), 2);
    *out++ = u':';
    put(out, t.minute(), 2);
    *out++ = u':';
    put(out, t.second(), 2);
    *out++ = u'Z';
    return s;
}

} // namespace lmo
