#include "lmo/lmoassign.h"

#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"
#include "storage/values.h"

#include <QSqlQuery>

namespace lmo {

namespace {

// The licenses to move: the filter's, not already in the target LMO.
QString pickedSql(const LicenseQuerySegment &segment)
{
    return QStringLiteral("SELECT l.id FROM licenses l WHERE %1 AND l.lmo_ref <> ?").arg(segment.where);
}

void bindAll(QSqlQuery &q, const QVariantList &binds, qint64 toLmo)
{
    for (const QVariant &b : binds)
        q.addBindValue(b);
    q.addBindValue(toLmo);
}

} // namespace

Result<qint64> assignLicensesToLmo(Database &database, const LicenseFilter &filter, qint64 toLmo, const QString &source,
                                   const QString &changedBy)
{
    QSqlDatabase db = database.connection();
    auto known = LmoRepository(db).all();
    if (!known)
        return known.error();
    bool exists = false;
    for (const KnownLmo &k : known.value())
        exists = exists || k.ref == toLmo;
    if (!exists)
        return Error::make(Error::Code::Usage, QStringLiteral("LMO %1 is not one this database knows (see lmodesk lmo show).").arg(toLmo));
    if (filter.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("Say which licenses to move (an LMO, install dates or an org): "
                                                             "all of them at once is refused."));
    // One segment: the sort does not matter here, only the condition. Seats is never NULL, so
    // no engine splits its order into a NULLs segment and a values one (PostgreSQL's would be,
    // for the default install-date order, and the first of them matches nothing).
    LicenseQuery query{filter};
    query.sortColumn = LicenseColumn::Seats;
    const std::vector<LicenseQuerySegment> segments = buildLicenseQuery(query, {}, database.dialect());
    Q_ASSERT(segments.size() == 1);
    const LicenseQuerySegment &segment = segments.front();

    Transaction t(db);
    if (auto r = t.beginWrite(QStringLiteral("moving licenses to another LMO")); !r)
        return r.error();
    if (auto r = database.storage().setChangeSource(db, source); !r)
        return r.error();

    // The pair (org, package) is unique in each LMO: a move that would make it twice is refused.
    QSqlQuery clash(db);
    const bool prepared = clash.prepare(QStringLiteral("SELECT l.name, l.org_id, p.name FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                 "WHERE l.id IN (%1) AND EXISTS (SELECT 1 FROM licenses o WHERE o.org_id = l.org_id "
                                 "AND o.package_ref = l.package_ref AND o.lmo_ref = ?) LIMIT 1")
                      .arg(pickedSql(segment)));
    if (!prepared)
        return sqlError(clash.lastError(), QStringLiteral("checking the licenses to move"));
    bindAll(clash, segment.binds, toLmo);
    clash.addBindValue(toLmo);
    if (!clash.exec())
        return sqlError(clash.lastError(), QStringLiteral("checking the licenses to move"));
    if (clash.next())
        return Error::make(Error::Code::Conflict,
                           QStringLiteral("Nothing was moved: license %1 (org %2, %3) would meet the license of the same org "
                                          "and package already in LMO %4. Narrow the selection.")
                               .arg(clash.value(0).toString(), clash.value(1).toString(), clash.value(2).toString())
                               .arg(toLmo));
    clash.finish();

    // Each move in the audit log, then the move, then the orgs' summaries.
    QSqlQuery picked(db);
    // Read row by row where the engine allows it; whole on a server, where a result still being
    // read in single-row mode would be lost to the audit rows written in between.
    picked.setForwardOnly(StorageBackend::of(db).forwardOnlyBetweenStatements());
    if (!picked.prepare(QStringLiteral("SELECT l.id, l.sf_id, l.lmo_ref, l.org_id FROM licenses l WHERE l.id IN (%1)").arg(pickedSql(segment))))
        return sqlError(picked.lastError(), QStringLiteral("reading the licenses to move"));
    bindAll(picked, segment.binds, toLmo);
    if (!picked.exec())
        return sqlError(picked.lastError(), QStringLiteral("reading the licenses to move"));
    AuditLog audit(db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList orgs;
    qint64 moved = 0;
    while (picked.next()) {
        AuditEntry e;
        e.changedAt = now;
        e.changedBy = changedBy;
        e.recordType = QStringLiteral("license");
        e.recordRef = picked.value(0).toLongLong();
        e.recordSfId = picked.value(1).toString();
        e.field = QStringLiteral("LMO");
        e.oldValue = QString::number(picked.value(2).toLongLong());
        e.newValue = QString::number(toLmo);
        e.source = source;
        if (auto r = audit.record(e); !r)
            return r.error();
        if (orgs.size() <= 5000 && !orgs.contains(picked.value(3).toString()))
            orgs << picked.value(3).toString();
        ++moved;
    }
    picked.finish();
    if (moved == 0)
        return qint64(0);
    QSqlQuery update(db);
    if (!update.prepare(QStringLiteral("UPDATE licenses SET lmo_ref = ? WHERE id IN (%1)").arg(pickedSql(segment))))
        return sqlError(update.lastError(), QStringLiteral("moving licenses to LMO %1").arg(toLmo));
    update.addBindValue(toLmo);
    bindAll(update, segment.binds, toLmo);
    if (!update.exec())
        return sqlError(update.lastError(), QStringLiteral("moving licenses to LMO %1").arg(toLmo));
    // Few orgs: their summaries now; many: the whole summary, as deferred work.
    auto summarised = orgs.size() > 5000 ? SubscriberSummary::markStale(db)
                                         : SubscriberSummary::refresh(db, database.dialect(), orgs);
    if (!summarised)
        return summarised.error();
    if (auto r = t.commit(QStringLiteral("moving licenses to another LMO")); !r)
        return r.error();
    return moved;
}

} // namespace lmo
