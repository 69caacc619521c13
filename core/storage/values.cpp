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

// The digits at [from, from + n) of `v`, or -1.
int digitsAt(std::string_view v, size_t from, size_t n)
{
    if (from + n > v.size())
        return -1;
    int value = 0;
    for (size_t i = from; i < from + n; ++i) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        value = value * 10 + (v[i] - '0');
    }
    return value;
}

} // namespace

QDate plainSqlDate(std::string_view v)
{
    if (v.size() != 10 || v[4] != '-' || v[7] != '-')
        return {};
    const int y = digitsAt(v, 0, 4), m = digitsAt(v, 5, 2), d = digitsAt(v, 8, 2);
    return y > 0 && m > 0 && d > 0 ? QDate(y, m, d) : QDate();
}

QDateTime plainSqlDateTime(std::string_view v)
{
    const bool ours = v.size() == 20 && v[10] == 'T' && v[19] == 'Z';
    const bool server = v.size() == 22 && v[10] == ' ' && v.substr(19) == "+00";
    if (!(ours || server) || v[13] != ':' || v[16] != ':')
        return {};
    const QDate date = plainSqlDate(v.substr(0, 10));
    const int h = digitsAt(v, 11, 2), mi = digitsAt(v, 14, 2), s = digitsAt(v, 17, 2);
    const QTime time = h >= 0 && mi >= 0 && s >= 0 ? QTime(h, mi, s) : QTime();
    return date.isValid() && time.isValid() ? QDateTime(date, time, Qt::UTC) : QDateTime();
}

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
