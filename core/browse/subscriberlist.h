#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QDate>
#include <QDateTime>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <optional>
#include <vector>

namespace lmo {

enum class SubscriberColumn {
    OrgId,
    Account,
    Edition,
    Instance,
    OrgStatus,
    Sandbox,
    Licenses,
    Installed,
    Seats,
    Used,
    FirstInstall,
    LastChange,
    Packages,
};
inline constexpr int kSubscriberColumnCount = int(SubscriberColumn::Packages) + 1;
QString subscriberColumnTitle(SubscriberColumn column);

// One subscriber org as the Subscribers page lists it (the subscribers table, schema 4).
struct SubscriberRow
{
    QString orgId; // 15 characters
    QString account;
    QString edition;
    QString instance;
    QString orgStatus;
    bool sandbox = false;
    qint64 licenses = 0;
    qint64 installed = 0;
    qint64 seats = 0;
    qint64 siteLicenses = 0; // installed site licenses: the org's seats then read "Site License"
    qint64 used = 0;
    QDate firstInstall;
    QDateTime lastChange;
    QString packages;
};

struct SubscriberQuery
{
    // An org id (15 or 18 characters: that org; fewer: ids beginning so) or part of an account name.
    QString text;
    SubscriberColumn sortColumn = SubscriberColumn::OrgId;
    Qt::SortOrder order = Qt::AscendingOrder;
    std::optional<qint64> lmo; // orgs with a license from this LMO (lmo_ref); none: every LMO
    friend bool operator==(const SubscriberQuery &, const SubscriberQuery &) = default;
};

class SubscriberListReader
{
public:
    SubscriberListReader(QSqlDatabase db, Dialect dialect) : m_db(std::move(db)), m_dialect(dialect) {}

    // Whether the summary waits to be rebuilt (after an import), so the list is not yet right.
    Result<bool> summaryPending();
    Result<qint64> count(const SubscriberQuery &query);
    Result<qint64> total();
    // Rows [offset, offset + limit); with the count, a window past the middle is read from the end.
    Result<std::vector<SubscriberRow>> window(const SubscriberQuery &query, qint64 offset, int limit, qint64 count = -1);

private:
    QString where(const SubscriberQuery &query, QVariantList &binds) const;
    QSqlDatabase m_db;
    Dialect m_dialect;
};

} // namespace lmo
