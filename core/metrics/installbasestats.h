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
};

// The SQL expression of lmo::effectiveStatus over the licenses table, with the as-of date bound
// to `asOfPlaceholder`. The one SQL form of the rule: every query that needs it uses this.
QString effectiveStatusSql(const QString &asOfPlaceholder, const QString &tableAlias = QString());

Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const QDate &asOf);
Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const InstallBaseFilter &filter);

} // namespace lmo
