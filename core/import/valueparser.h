#pragma once

#include "domain/salesforceid.h"
#include "domain/status.h"

#include <QByteArrayView>
#include <QDate>
#include <QDateTime>
#include <QString>

#include <optional>

namespace lmo {

// How slash dates (as in report exports) are read: 3/4/2026 is March 4 (mdy, US) or 3 April (dmy).
enum class DateOrder { MonthDayYear, DayMonthYear };

// Reads the values Salesforce exports hold. Each parse returns the value, or nullopt and the
// reason in `why` (what was found and what was expected). Blank means "no value" where a field
// may be empty.
namespace ValueParser {

// ISO dates, ISO date-times (their date), and slash dates in the given order; blank: null date.
std::optional<QDate> date(QStringView text, DateOrder order, QString *why);
// Expiration: a date, or blank, "Does not expire" or 1970-01-01 for "does not expire" (null).
std::optional<QDate> expiration(QStringView text, DateOrder order, QString *why);
// ISO date-times with Z or an offset (2026-03-01T10:15:00.000Z, ...+0100), a bare ISO date, and
// report date-times ("3/1/2026 10:15 AM"); blank: null.
std::optional<QDateTime> dateTime(QStringView text, DateOrder order, QString *why);
// How a file writes thousands: Data Loader and the APIs write "1250" or "1250.0"; a report
// writes the user's locale, "1,250" or (in much of Europe) "1.250".
enum class NumberStyle { Plain, Report };

// A whole number: thousands separators and a ".0" decimal part as Data Loader writes are fine.
// In a report, a dot between groups of three digits ("1.250") is a thousands separator.
std::optional<qint64> integer(QStringView text, QString *why, NumberStyle style = NumberStyle::Plain);
// Seats: a whole number from 0 to License::kMaxSeats (the LMA's 99,000,000), -1 or "Site
// License" (-1).
std::optional<qint64> seats(QStringView text, QString *why, NumberStyle style = NumberStyle::Plain);
// Used licenses: no org has more users than the LMA allows seats, so the same bound holds them;
// it fits License::usedLicenses (an int). Blank: 0.
inline constexpr qint64 kMaxUsedLicenses = 99'000'000;
std::optional<qint64> usedLicenses(QStringView text, QString *why, NumberStyle style = NumberStyle::Plain);
// A package version's sequence (1 for the first upload, 2 for the next...): 0 to 2^31 - 1.
// Blank: 0.
inline constexpr qint64 kMaxSequence = 2'147'483'647;
std::optional<qint64> sequence(QStringView text, QString *why, NumberStyle style = NumberStyle::Plain);
// true/false, 1/0, yes/no; blank: false.
std::optional<bool> checkbox(QStringView text, QString *why);
std::optional<Status> status(QStringView text, QString *why);
// A 15- or 18-character id (checksum checked); blank: a null id.
std::optional<SalesforceId> id(QStringView text, QString *why);

// The cell as text, with the protection LMO Desk's own export adds against spreadsheet
// formulas ("'=...", "' =...": CsvWriter::looksLikeFormula) taken off again, so that an export
// imports back unchanged.
QString text(QString cell);

} // namespace ValueParser

} // namespace lmo
