#include "browse/licensereads.h"

#include "storage/licenserepository.h"
#include "storage/sqlutil.h"

#include <QSqlQuery>

namespace lmo {

namespace {

Result<std::vector<License>> selectLicenses(QSqlDatabase db, const QString &where, const QVariant &bind)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(LicenseRepository::selectSql(where)))
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    q.addBindValue(bind);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    std::vector<License> out;
    while (q.next())
        out.push_back(LicenseRepository::readLicense(q));
    q.finish();
    return out;
}

} // namespace

Result<std::optional<License>> readLicense(QSqlDatabase db, qint64 rowId)
{
    auto rows = selectLicenses(std::move(db), QStringLiteral("l.id = ?"), rowId);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<License>();
    return std::optional<License>(std::move(rows->front()));
}

Result<std::vector<License>> readLicensesOfOrg(QSqlDatabase db, const QString &orgId15)
{
    return selectLicenses(std::move(db), QStringLiteral("l.org_id = ?"), orgId15);
}

Result<LicenseDetail> readLicenseDetail(QSqlDatabase db, qint64 rowId)
{
    LicenseDetail detail;
    auto found = readLicense(db, rowId);
    if (!found)
        return found.error();
    detail.license = std::move(found.value());
    if (!detail.license)
        return detail;
    const qint64 lmoRef = detail.license->lmoRef;
    detail.lmoText = QStringLiteral("LMO %1").arg(lmoRef);
    if (auto known = LmoRepository(db).all()) {
        for (const KnownLmo &k : known.value())
            if (k.ref == lmoRef)
                detail.lmoText = QStringLiteral("LMO %1: %2").arg(QString::number(k.ref), k.label());
    }
    // A history that cannot be read is said in its place; the fields still show.
    detail.history = AuditLog(db).history(QStringLiteral("license"), rowId);
    return detail;
}

Result<LicenseFilterOffer> readFilterOffer(QSqlDatabase db, const Dialect &dialect)
{
    LicenseFilterOffer offer;
    auto choices = LicenseListReader(db, dialect).choices();
    if (!choices)
        return choices.error();
    offer.choices = std::move(choices.value());
    auto lmos = LmoRepository(db).all();
    if (!lmos)
        return lmos.error();
    offer.lmos = std::move(lmos.value());
    return offer;
}

} // namespace lmo
