#include "import/valueparser.h"

#include "domain/license.h"
#include "export/csvwriter.h"

#include <QTimeZone>

namespace lmo::ValueParser {

namespace {

bool isDigits(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (c < u'0' || c > u'9')
            return false;
    return true;
}

std::optional<QDate> isoDate(QStringView s)
{
    // YYYY-MM-DD, possibly followed by a time part
    if (s.size() < 10 || s[4] != u'-' || s[7] != u'-')
        return std::nullopt;
    if (!isDigits(s.mid(0, 4)) || !isDigits(s.mid(5, 2)) || !isDigits(s.mid(8, 2)))
        return std::nullopt;
    const QDate d(s.mid(0, 4).toInt(), s.mid(5, 2).toInt(), s.mid(8, 2).toInt());
    if (!d.isValid())
        return std::nullopt;
    return d;
}

std::optional<QDate> slashDate(QStringView s, DateOrder order)
{
    const qsizetype a = s.indexOf(u'/');
    const qsizetype b = a < 0 ? -1 : s.indexOf(u'/', a + 1);
    if (a <= 0 || b <= a + 1)
        return std::nullopt;
    QStringView yearPart = s.mid(b + 1);
    for (qsizetype i = 0; i < yearPart.size(); ++i) {
        // The year ends at a space or a comma (some locales write "3/1/2026, 10:15 PM").
        if (yearPart[i] == u' ' || yearPart[i] == u',' || yearPart[i] == QChar(0x00A0) || yearPart[i] == QChar(0x202F)) {
            yearPart = yearPart.left(i);
            break;
        }
    }
    const QStringView first = s.left(a);
    const QStringView second = s.mid(a + 1, b - a - 1);
    if (!isDigits(first) || !isDigits(second) || !isDigits(yearPart) || first.size() > 2 || second.size() > 2)
        return std::nullopt;
    int year = yearPart.toInt();
    if (yearPart.size() == 2)
        year += year >= 70 ? 1900 : 2000; // as POSIX reads two-digit years: 70-99 are 19xx
    else if (yearPart.size() != 4)
        return std::nullopt;
    const int month = order == DateOrder::MonthDayYear ? first.toInt() : second.toInt();
    const int day = order == DateOrder::MonthDayYear ? second.toInt() : first.toInt();
    const QDate d(year, month, day);
    if (!d.isValid())
        return std::nullopt;
    return d;
}

int twoDigits(QStringView s, qsizetype at)
{
    const char16_t a = s[at].unicode(), b = s[at + 1].unicode();
    if (a < u'0' || a > u'9' || b < u'0' || b > u'9')
        return -1;
    return (a - u'0') * 10 + (b - u'0');
}

// The forms Data Loader and the APIs write, read without Qt's general parser (a million rows
// each have one): 2026-03-01T10:15:00Z, with optional .000 and a Z, +hh:mm or +hhmm offset.
std::optional<QDateTime> isoDateTime(QStringView s)
{
    auto d = isoDate(s);
    if (!d || s.size() < 19 || s[13] != u':' || s[16] != u':')
        return std::nullopt;
    const int h = twoDigits(s, 11), m = twoDigits(s, 14), sec = twoDigits(s, 17);
    if (h < 0 || m < 0 || sec < 0)
        return std::nullopt;
    qsizetype i = 19;
    int ms = 0;
    if (i < s.size() && s[i] == u'.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= u'0' && s[i] <= u'9') {
            if (digits < 3)
                ms = ms * 10 + (s[i].unicode() - u'0');
            ++digits;
            ++i;
        }
        if (digits == 0)
            return std::nullopt;
        for (; digits < 3; ++digits)
            ms *= 10;
    }
    int offsetSeconds = 0;
    if (i < s.size()) {
        const QStringView zone = s.mid(i);
        if (zone == u"Z") {
        } else if ((zone[0] == u'+' || zone[0] == u'-') && (zone.size() == 6 || zone.size() == 5)) {
            const int oh = twoDigits(zone, 1);
            const int om = zone.size() == 6 ? (zone[3] == u':' ? twoDigits(zone, 4) : -1) : twoDigits(zone, 3);
            if (oh < 0 || om < 0)
                return std::nullopt;
            offsetSeconds = (oh * 3600 + om * 60) * (zone[0] == u'-' ? -1 : 1);
        } else {
            return std::nullopt;
        }
    }
    const QTime time(h, m, sec, ms);
    if (!time.isValid())
        return std::nullopt;
    QDateTime dt(*d, time, QTimeZone::utc());
    return offsetSeconds ? dt.addSecs(-offsetSeconds) : dt;
}

QString orderHint(DateOrder order)
{
    return order == DateOrder::MonthDayYear ? QStringLiteral("YYYY-MM-DD or M/D/YYYY")
                                            : QStringLiteral("YYYY-MM-DD or D/M/YYYY");
}

} // namespace

std::optional<QDate> date(QStringView text, DateOrder order, QString *why)
{
    const QStringView s = text.trimmed();
    if (s.isEmpty())
        return QDate();
    if (auto d = isoDate(s))
        return d;
    if (auto d = slashDate(s, order))
        return d;
    *why = QStringLiteral("\"%1\" is not a date (expected %2)").arg(s.toString(), orderHint(order));
    return std::nullopt;
}

std::optional<QDate> expiration(QStringView text, DateOrder order, QString *why)
{
    const QStringView s = text.trimmed();
    if (s.compare(u"Does not expire", Qt::CaseInsensitive) == 0)
        return QDate();
    auto d = date(s, order, why);
    if (!d)
        return std::nullopt;
    return isPerpetualMarker(*d) ? QDate() : *d;
}

std::optional<QDateTime> dateTime(QStringView text, DateOrder order, QString *why)
{
    const QStringView s = text.trimmed();
    if (s.isEmpty())
        return QDateTime();
    if (s.size() > 10 && (s[10] == u'T' || s[10] == u' ') && isoDate(s)) {
        if (auto fast = isoDateTime(s))
            return fast;
        // Anything else ISO-like, read by Qt ("+01:00"; Salesforce also writes "+0100").
        QString iso = s.toString();
        if (iso.size() >= 5 && (iso[iso.size() - 5] == u'+' || iso[iso.size() - 5] == u'-') && isDigits(QStringView(iso).right(4)))
            iso.insert(iso.size() - 2, u':');
        QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
        if (!dt.isValid())
            dt = QDateTime::fromString(iso, Qt::ISODate);
        if (dt.isValid())
            return dt.toUTC();
    } else if (auto d = isoDate(s); d && s.size() == 10) {
        return QDateTime(*d, QTime(0, 0), QTimeZone::utc());
    } else if (auto d = slashDate(s, order)) {
        // Report exports: "3/1/2026 10:15 AM", in the exporting user's time zone (taken as ours).
        QString normal = s.toString();
        normal.replace(QChar(0x00A0), u' ').replace(QChar(0x202F), u' ').replace(QStringLiteral(", "), QStringLiteral(" "));
        const qsizetype space = normal.indexOf(u' ');
        QTime time(0, 0);
        if (space > 0) {
            const QString rest = normal.mid(space + 1).trimmed();
            for (const char *format : {"h:mm AP", "h:mm:ss AP", "H:mm", "H:mm:ss", "h:mm ap"}) {
                time = QTime::fromString(rest, QString::fromLatin1(format));
                if (time.isValid())
                    break;
            }
            if (!time.isValid()) {
                *why = QStringLiteral("\"%1\" has a time that cannot be read").arg(s.toString());
                return std::nullopt;
            }
        }
        return QDateTime(*d, time).toUTC();
    }
    *why = QStringLiteral("\"%1\" is not a date and time (expected e.g. 2026-03-01T10:15:00Z)").arg(s.toString());
    return std::nullopt;
}

std::optional<qint64> integer(QStringView text, QString *why, NumberStyle style)
{
    QString s = text.trimmed().toString();
    s.remove(u',');
    s.remove(QChar(0x00A0)); // no-break space as a thousands separator
    s.remove(QChar(0x202F));
    s.remove(u' ');
    if (style == NumberStyle::Report && s.contains(u'.')) {
        // "1.250" or "1.250.000": every group after a dot has three digits.
        const QStringList groups = s.split(u'.');
        bool thousands = groups.size() > 1 && !groups.first().isEmpty();
        for (qsizetype i = 1; i < groups.size() && thousands; ++i)
            thousands = groups[i].size() == 3 && isDigits(groups[i]);
        if (thousands)
            s.remove(u'.');
    }
    const qsizetype dot = s.indexOf(u'.');
    if (dot >= 0) {
        // Data Loader writes number fields as "25.0".
        const QStringView decimals = QStringView(s).mid(dot + 1);
        for (QChar c : decimals) {
            if (c != u'0') {
                *why = QStringLiteral("\"%1\" is not a whole number").arg(text.trimmed().toString());
                return std::nullopt;
            }
        }
        s.truncate(dot);
    }
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    if (!ok) {
        const QStringView digits = QStringView(s).mid(s.startsWith(u'-') || s.startsWith(u'+') ? 1 : 0);
        *why = isDigits(digits) ? QStringLiteral("\"%1\" is out of range (too large for any LMA number)").arg(text.trimmed().toString())
                                : QStringLiteral("\"%1\" is not a number").arg(text.trimmed().toString());
        return std::nullopt;
    }
    return v;
}

namespace {

// A count: blank is 0, else a whole number in [0, max].
std::optional<qint64> count(QStringView text, QString *why, NumberStyle style, qint64 max, const QString &range)
{
    if (text.trimmed().isEmpty())
        return qint64(0);
    auto v = integer(text, why, style);
    if (!v)
        return std::nullopt;
    if (*v < 0 || *v > max) {
        *why = QStringLiteral("%1 is out of range (expected %2)").arg(*v).arg(range);
        return std::nullopt;
    }
    return v;
}

} // namespace

std::optional<qint64> usedLicenses(QStringView text, QString *why, NumberStyle style)
{
    return count(text, why, style, kMaxUsedLicenses, QStringLiteral("0 to 99,000,000"));
}

std::optional<qint64> sequence(QStringView text, QString *why, NumberStyle style)
{
    return count(text, why, style, kMaxSequence, QStringLiteral("0 to 2,147,483,647"));
}

std::optional<qint64> seats(QStringView text, QString *why, NumberStyle style)
{
    const QStringView s = text.trimmed();
    if (s.compare(u"Site License", Qt::CaseInsensitive) == 0)
        return qint64(License::kSiteLicenseSeats);
    if (s.isEmpty()) {
        *why = QStringLiteral("seats are blank (expected a number, -1 or \"Site License\")");
        return std::nullopt;
    }
    auto v = integer(s, why, style);
    if (!v)
        return std::nullopt;
    if (*v < -1 || *v > License::kMaxSeats) {
        *why = QStringLiteral("%1 seats is out of range (expected 0 to 99,000,000, or -1 or \"Site License\")").arg(*v);
        return std::nullopt;
    }
    return v;
}

std::optional<bool> checkbox(QStringView text, QString *why)
{
    const QStringView s = text.trimmed();
    if (s.isEmpty() || s == u"0" || s.compare(u"false", Qt::CaseInsensitive) == 0 || s.compare(u"no", Qt::CaseInsensitive) == 0)
        return false;
    if (s == u"1" || s.compare(u"true", Qt::CaseInsensitive) == 0 || s.compare(u"yes", Qt::CaseInsensitive) == 0)
        return true;
    *why = QStringLiteral("\"%1\" is not a checkbox value (expected true/false or 1/0)").arg(s.toString());
    return std::nullopt;
}

std::optional<Status> status(QStringView text, QString *why)
{
    const QStringView s = text.trimmed();
    if (auto st = statusFromString(s))
        return st;
    *why = s.isEmpty() ? QStringLiteral("the status is blank (expected Trial, Active, Suspended or Uninstalled)")
                       : QStringLiteral("\"%1\" is not a license status (expected Trial, Active, Suspended or Uninstalled)")
                             .arg(s.toString());
    return std::nullopt;
}

std::optional<SalesforceId> id(QStringView text, QString *why)
{
    if (text.trimmed().isEmpty())
        return SalesforceId();
    auto parsed = SalesforceId::parse(text);
    if (!parsed) {
        *why = parsed.error().message;
        return std::nullopt;
    }
    return parsed.value();
}

QString text(QString cell)
{
    // The export's rule, backwards: an apostrophe it would have added comes off.
    if (cell.size() >= 2 && cell[0] == u'\'' && CsvWriter::looksLikeFormula(QStringView(cell).mid(1)))
        cell.remove(0, 1);
    return cell;
}

} // namespace lmo::ValueParser
