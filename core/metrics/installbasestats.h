#pragma once

#include "domain/status.h"
#include "util/result.h"

#include <QDate>
#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace lmo {

// The install-base summary: what `lmodesk stats` prints and the dashboard shows.
struct InstallBaseStats
{
    static constexpr int kExpiringWindowDays = 30;

    QDate asOf;
    qint64 licenses = 0;
    qint64 packages = 0;       // distinct packages among the licenses
    qint64 subscriberOrgs = 0; // distinct 15-character org ids
    QMap<Status, qint64> byStatus;
    QMap<EffectiveStatus, qint64> byEffectiveStatus;
    qint64 sandboxLicenses = 0;
    qint64 siteLicenses = 0;
    qint64 perpetualLicenses = 0;
    qint64 seatsLicensed = 0; // over licenses neither site licenses nor Uninstalled
    qint64 seatsUsed = 0;     // over licenses not Uninstalled
    qint64 expiringWithin30Days = 0;

    // As of a past day the licenses are taken as they were then (see InstallBaseFilter::sourceSql).
    bool reconstructed = false; // the day is before today: figures rebuilt from install dates and history
    qint64 asOfUnknown = 0;     // counted, but changed after the day with no history of what they were
    qint64 asOfUndated = 0;     // left out: no install date, so not known to be installed by the day
    qint64 asOfChanged = 0;     // counted, and changed after the day (so not as they are now)
    // One sentence saying what the data cannot tell about the day, or empty when it tells all.
    QString asOfCaveat() const;

    // Every key, zeros included.
    QJsonObject toJson() const;
    // The same as a readable two-column table.
    QString toText() const;
};

// Which licenses a summary (and the dashboard) counts. The defaults count every license.
struct InstallBaseFilter
{
    QDate asOf;               // the day to judge by; null: today
    QString package;          // a package name; empty: all
    QDate installedFrom;      // inclusive; null: open
    QDate installedTo;        // inclusive; null: open
    bool includeSandboxes = true;
    std::optional<qint64> lmo; // the LMO the licenses came from (lmo_ref); none: every LMO
    QString lmoName;           // how describe() names it

    QDate day() const { return asOf.isValid() ? asOf : QDate::currentDate(); }
    // "package Ledgerly CPQ, installed 2025-01-01 to 2025-12-31, sandboxes left out"; empty for none.
    QString describe() const;
    // The condition on licenses (alias "l" unless given), with named binds :f_package,
    // :f_from, :f_to, :f_lmo as needed; "1 = 1" for none.
    QString whereSql(const QString &alias = QStringLiteral("l")) const;
    void bind(class QSqlQuery &query) const;

    // Whether the licenses must be taken as they were on the day rather than as they are: a day
    // before today.
    bool isPast() const { return asOf.isValid() && asOf < QDate::currentDate(); }
    // The licenses as they were on day(), as a derived table for `FROM <sourceSql> l`, with the
    // columns of the licenses table the metrics read (id, status, seats, used_licenses,
    // expiration, install_date, last_modified, is_sandbox, org_edition, org_instance,
    // version_number, package_ref, org_id, lmo_ref) and three more:
    //   uninstall_day  the day an Uninstalled license was uninstalled: as of a past day its last
    //                  Status change to Uninstalled in the audit log, else its last change (the
    //                  LMA records no uninstall date); today its last change only, and a caller
    //                  that needs the audit log's days applies auditUninstallDaysSql() itself
    //                  (a lookup costs the dashboard's pass less than a million-row join);
    //                  NULL for others;
    //   as_of_unknown  1 when the license changed after the day and the audit log does not say
    //                  what it was (then it is counted as it is now; uninstalled since: Active);
    //   as_of_changed  1 when the license changed after the day (history or not).
    // As of a past day D: only licenses installed on or before D (none without an install date:
    // countUndatedLicenses counts those); status, seats, used licenses, expiration and version
    // number are the old value of each field's first audit-log change after D. Binds
    // :f_next_day (D + 1) when isPast(); bind() binds it.
    QString sourceSql() const;
};

// The SQL expression of lmo::effectiveStatus over the licenses table, with the as-of date bound
// to `asOfPlaceholder`. The one SQL form of the rule: every query that needs it uses this.
QString effectiveStatusSql(const QString &asOfPlaceholder, const QString &tableAlias = QString());

// The audit log's uninstall day of each license it records one for (its last change of Status
// to Uninstalled), as rows (license row id, "yyyy-MM-dd") in row id order.
QString auditUninstallDaysSql();

// Counts the licenses a past day's figures cannot place (no install date): they are left out.
Result<qint64> countUndatedLicenses(QSqlDatabase db, const InstallBaseFilter &filter);

Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const QDate &asOf);
Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const InstallBaseFilter &filter);

} // namespace lmo
